"""``hr-assistant``: ingest | ask | eval | serve. Thin: heavy imports happen inside commands."""

from __future__ import annotations

import json
import logging
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from pydantic import ValidationError

from core.errors import AssistantError
from core.settings import get_settings

if TYPE_CHECKING:
    from core.types import IngestProgress


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"hr-assistant: {message}", err=True)
    sys.exit(code)


@click.group()
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Log each question's timings and verdict (as HR_ASSISTANT_LOG_LEVEL=INFO).",
)
def cli(verbose: bool) -> None:
    """Answers questions about HR roles from the articles in knowledge/, with citations."""
    level = "INFO" if verbose else get_settings().log_level.upper()
    logging.basicConfig(
        level=getattr(logging, level, logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if level not in ("DEBUG",):  # third-party chatter stays at warnings
        for noisy in ("httpx", "chromadb", "urllib3", "gradio"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


@cli.command()
@click.option(
    "--knowledge",
    "knowledge",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Articles folder (default: HR_ASSISTANT_KNOWLEDGE_DIR or the project's knowledge/).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--watch", is_flag=True, help="Keep running and re-sync when files change.")
def ingest(knowledge: Path | None, as_json: bool, watch: bool) -> None:
    """Bring the store in line with the articles folder."""
    from hr_assistant.runtime import Runtime
    from ingest.indexer import ensure_writable

    settings = get_settings()
    ensure_writable(settings)  # before loading the model: a refusal comes at once
    base = Runtime(settings).knowledge
    with passage_bar(shown=not as_json and sys.stderr.isatty()) as progress:
        report = base.sync(knowledge, progress=progress)
    _print_report(report, as_json)
    if watch:
        base.watch(
            knowledge,
            synced=report,
            on_report=lambda r: _print_report(r, as_json),
            on_error=lambda message: click.echo(f"hr-assistant: {message}", err=True),
        )
    elif report.errors:
        sys.exit(1)


@contextmanager
def passage_bar(shown: bool) -> Iterator[IngestProgress | None]:
    """A tqdm bar on stderr over the passages an ingest writes (None when not
    ``shown``): one large article takes an hour, a bar over articles stood still."""
    if not shown:
        yield None
        return
    from tqdm import tqdm

    with tqdm(unit="passage", file=sys.stderr, leave=False) as bar:

        def advance(done: int, total: int) -> None:
            if bar.total != total:
                bar.reset(total=total)
            bar.update(done - bar.n)
            bar.refresh()  # every step: they come seconds apart, not too fast to show

        yield advance


def _print_report(report: Any, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        click.echo(
            f"{report.articles} articles, {report.chunks} passages: {report.added} added, "
            f"{report.updated} updated, {report.skipped} unchanged, {report.deleted} deleted "
            f"in {report.seconds:.1f}s"
        )
        for error in report.errors:
            click.echo(f"  skipped {error['file']}: {error['error']}", err=True)


@cli.command()
@click.argument("question")
@click.option("--history", "history", multiple=True, help="An earlier user turn, oldest first.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option(
    "--explain", is_flag=True, help="Show the decision: signals, contributions, score, threshold."
)
def ask(question: str, history: tuple[str, ...], as_json: bool, explain: bool) -> None:
    """Answer one QUESTION from the articles."""
    from assistant.chain import validate_question
    from assistant.quoting import render_sources
    from hr_assistant.runtime import Runtime

    settings = get_settings()
    validate_question(question, settings.max_question_chars)  # fail fast, before loading
    runtime = Runtime(settings)
    answer = runtime.assistant.ask(question, history)
    if runtime.question_log is not None:
        runtime.question_log.record(answer, uuid.uuid4().hex)
    if as_json:
        click.echo(json.dumps(answer.to_json(explain=True), ensure_ascii=False))
        return
    if answer.note:
        click.echo(answer.note, err=True)
    click.echo(answer.text)
    sources = render_sources(answer.citations, answer.language) or render_sources(
        answer.closest, answer.language, "closest"
    )
    if sources:
        click.echo(f"\n{sources}")
    if explain:
        click.echo(f"\n{format_explanation(answer.explain)}")


def format_explanation(explain: dict[str, Any]) -> str:
    """The decision in plain text: per window its score and each signal's contribution."""
    verdict = "answered" if explain.get("answered") else f"refused ({explain.get('reason')})"
    lines = [f"Decision: {verdict}; threshold {explain.get('threshold')}"]
    for window in explain.get("windows", []):
        lines.append(
            f"  window {window['passage']} score {window['score']}: {window['text'][:100]}"
        )
        for name, value in window["signals"].items():
            lines.append(
                f"    {name:26} value {value['value']:>8}  contribution {value['contribution']:>+7}"
            )
    return "\n".join(lines)


@cli.command(name="eval")
@click.argument("questions", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None)
def evaluate_command(questions: Path, out: Path | None) -> None:
    """Run a question set and print its metrics.

    With a language model configured (HR_ASSISTANT_LLM), the set runs in both modes and
    the metrics are printed side by side; --out gets the generative results.
    """
    from assistant.evaluation import (
        evaluate,
        format_comparison,
        format_metrics,
        load_cases,
        read_articles,
    )
    from hr_assistant.runtime import Runtime

    settings = get_settings()
    cases = load_cases(questions)
    assistant = Runtime(settings).assistant
    articles = read_articles(settings.knowledge_dir)
    _, metrics = evaluate(assistant.ask, cases, articles, out)
    if assistant.generator is None:
        click.echo(format_metrics(metrics))
        return
    _, extractive = evaluate(
        lambda question, history: assistant.ask(question, history, generate=False),
        cases,
        articles,
    )
    click.echo(format_comparison({"extractive": extractive, "generative": metrics}))


@cli.command(name="insights")
@click.option("--since", "since_days", type=click.IntRange(min=1), default=None, metavar="DAYS")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (see INTERFACE.md).")
def insights_command(since_days: int | None, as_json: bool) -> None:
    """What the article owners should write or fix next, from the question log."""
    from assistant.insights import QuestionLog, report
    from hr_assistant.runtime import Runtime

    settings = get_settings()
    runtime = Runtime(settings)
    if not settings.insights:
        click.echo("note: the question log is off (HR_ASSISTANT_INSIGHTS=on turns it on)", err=True)
    log = runtime.question_log or QuestionLog.for_settings(
        settings, runtime.embeddings, runtime.privacy
    )
    found = report(log, runtime.assistant, since_days)
    if as_json:
        click.echo(json.dumps(found.to_json(), ensure_ascii=False))
        return
    click.echo(format_insights(found, runtime.assistant.titles))


def format_insights(found: Any, titles: dict[str, tuple[str, str]]) -> str:
    """The insights as plain text for a terminal."""

    def title(article_id: str) -> str:
        return titles.get(article_id, (article_id, ""))[0]

    lines = [f"Last {found.days} days: {found.questions} questions"]
    for language, share in found.per_language.items():
        lines.append(
            f"  {language}: {share['answered']} of {share['asked']} answered ({share['share']:.0%})"
        )
    lines.append("\nGaps (unanswered or thumbs-down questions, grouped by meaning):")
    for group in found.gaps or []:
        now = (
            f", now answered {group.now_answered}/{group.rechecked}"
            if group.now_answered is not None
            else ""
        )
        lines.append(
            f"  {group.count}× [{', '.join(group.languages)}]{now}: " + " | ".join(group.examples)
        )
        if group.closest:
            lines.append(f"      closest: {'; '.join(title(a) for a in group.closest)}")
    if not found.gaps:
        lines.append("  none")
    lines.append("\nArticles never cited: " + ("; ".join(map(title, found.never_cited)) or "none"))
    lines.append("Articles most often in thumbs-down answers:")
    for item in found.disliked or []:
        reasons = ", ".join(f"{r} {n}" for r, n in item["reasons"].items())
        lines.append(f"  {item['thumbs_down']}× {title(item['article'])} ({reasons})")
    if not found.disliked:
        lines.append("  none")
    return "\n".join(lines)


@cli.group()
def feedback() -> None:
    """Ratings given in the chat."""


@feedback.command(name="export")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="CSV file to write (default: standard output).",
)
def feedback_export(out: Path | None) -> None:
    """Write every thumbs up/down of the retention period with its question, answer and
    citations as CSV (masked and to the hour, as kept)."""
    from hr_assistant.runtime import Runtime

    store = Runtime(get_settings()).feedback
    if out is None:
        store.export_csv(sys.stdout)
        return
    with out.open("w", encoding="utf-8", newline="") as handle:
        count = store.export_csv(handle)
    click.echo(f"wrote {count} ratings to {out}", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
@click.option(
    "--watch/--no-watch",
    default=True,
    show_default=True,
    help="Re-ingest the articles folder whenever a file in it changes.",
)
def serve(host: str, port: int, watch: bool) -> None:
    """The chat in the browser; ingests first when the store is empty, then follows
    every change of the articles folder (and every ingest into a shared store)."""
    from ui.security import is_loopback

    settings = get_settings()
    if not is_loopback(host) and not settings.ui_password:
        raise AssistantError(
            f"binding to {host} exposes the chat beyond this machine: "
            "set HR_ASSISTANT_UI_PASSWORD first"
        )
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from hr_assistant.serve import serve as serve_chat

    serve_chat(settings, host=host, port=port, watch=watch)


def main(argv: list[str] | None = None) -> Any:
    """Entry point: user-facing errors become one line on stderr, never a traceback."""
    try:
        return cli.main(args=argv, standalone_mode=False)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.exceptions.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except AssistantError as exc:
        _fail(str(exc))
    except ValidationError as exc:  # a bad HR_ASSISTANT_* value: name it and what is wrong
        first = exc.errors()[0]
        name = "HR_ASSISTANT_" + "_".join(str(part) for part in first["loc"]).upper()
        _fail(f"{name}: {first['msg']}")
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # last resort: one line, no traceback
        text = str(exc).strip().splitlines()
        _fail(f"unexpected error: {type(exc).__name__}: {text[0] if text else ''}", 1)
    return None
