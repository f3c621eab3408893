"""Run a question set (``eval/FORMAT.md``) through the assistant and compute its metrics."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from core.errors import AssistantError
from core.types import Answer

AskFn = Callable[[str, Sequence[str]], Answer]


@dataclass
class Case:
    """One question of a question set."""

    id: str
    question: str
    language: str
    answerable: bool = True
    sources: list[str] = field(default_factory=list)
    facts: list[list[str]] = field(default_factory=list)
    history: list[str] = field(default_factory=list)


# A question set is a few hundred cases; a bigger file is a mistake, not a workload.
MAX_QUESTION_FILE_BYTES = 10 * 1024 * 1024


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors and aliases: a question set needs none, and
    nested aliases ("billion laughs") make a small file expand beyond any memory."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases (*name) are not allowed in a question set")
        return super().compose_node(parent, index)


def _strings(value: Any, what: str, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise AssistantError(f"{where}: '{what}' must be a list of texts")
    return [str(v) for v in value]


def load_cases(path: Path) -> list[Case]:
    """Read a question set, with a one-line error for a missing or malformed file."""
    try:
        if path.stat().st_size > MAX_QUESTION_FILE_BYTES:
            raise AssistantError(f"question set {path} is larger than 10 MB")
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_NoAliasLoader)
    except OSError as exc:
        raise AssistantError(f"cannot read question set {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise AssistantError(f"question set {path} is not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise AssistantError(f"question set {path} is not valid YAML ({problem})") from exc
    if not isinstance(raw, list):
        raise AssistantError(f"question set {path} must be a YAML list of cases")
    cases: list[Case] = []
    for number, item in enumerate(raw, start=1):
        where = f"case {number} of {path}"
        if not isinstance(item, dict) or not item.get("question") or not item.get("id"):
            raise AssistantError(f"{where} needs an 'id' and a 'question'")
        if not isinstance(item["question"], str):
            raise AssistantError(f"{where}: 'question' must be a text")
        answerable = item.get("answerable", True)
        if not isinstance(answerable, bool):
            raise AssistantError(f"{where}: 'answerable' must be true or false")
        facts = item.get("facts") or []
        if not isinstance(facts, list):
            raise AssistantError(f"{where}: 'facts' must be a list of lists of texts")
        cases.append(
            Case(
                id=str(item["id"]),
                question=item["question"],
                language=str(item.get("language", "en")),
                answerable=answerable,
                sources=_strings(item.get("sources"), "sources", where),
                facts=[
                    _strings(group if isinstance(group, list) else [group], "facts", where)
                    for group in facts
                ],
                history=_strings(item.get("history"), "history", where),
            )
        )
    return cases


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def snippet_in_article(snippet: str, article_text: str) -> bool:
    """The snippet is one contiguous excerpt of the article, whitespace aside, so the
    article viewer can highlight it as one span."""
    return _normalise(snippet) in _normalise(article_text)


def run_case(ask: AskFn, case: Case) -> dict[str, Any]:
    """Ask one case (its history turns first, as the chat would) and return its result line."""
    for turn_number, turn in enumerate(case.history):
        ask(turn, case.history[:turn_number])
    answer = ask(case.question, case.history)
    return {"id": case.id, **answer.to_json()}


def compute_metrics(
    cases: list[Case], results: list[dict[str, Any]], articles: dict[str, str]
) -> dict[str, float]:
    """The metrics of FORMAT.md; ``articles`` maps article id → its full text."""
    answerable = [(c, r) for c, r in zip(cases, results, strict=True) if c.answerable]
    unanswerable = [(c, r) for c, r in zip(cases, results, strict=True) if not c.answerable]

    def rank(case: Case, result: dict[str, Any]) -> int | None:
        for i, source in enumerate(result["retrieved"]):
            if source in case.sources:
                return i + 1
        return None

    ranks = [rank(c, r) for c, r in answerable]
    cited = [(c, ci) for c, r in answerable for ci in r["citations"]]
    all_citations = [ci for r in results for ci in r["citations"]]
    fact_groups = [(g, r) for c, r in answerable for g in c.facts]
    answered = [(c, r) for c, r in zip(cases, results, strict=True) if not r["abstained"]]
    latencies = [float(r["latency_ms"]) for r in results]

    def share(hits: float, total: int) -> float:
        return hits / total if total else 1.0

    return {
        "hit@1": share(sum(1 for x in ranks if x == 1), len(ranks)),
        "hit@3": share(sum(1 for x in ranks if x is not None and x <= 3), len(ranks)),
        "MRR": share(sum(1.0 / x for x in ranks if x), len(ranks)) if ranks else 1.0,
        "source hit": share(
            sum(
                1 for c, r in answerable if any(ci["source"] in c.sources for ci in r["citations"])
            ),
            len(answerable),
        ),
        "citation precision": share(
            sum(1 for c, ci in cited if ci["source"] in c.sources), len(cited)
        ),
        "snippet fidelity": share(
            sum(
                1
                for ci in all_citations
                if snippet_in_article(ci["snippet"], articles.get(ci["source"], ""))
            ),
            len(all_citations),
        ),
        "fact coverage": share(
            sum(1 for g, r in fact_groups if any(a.lower() in r["answer"].lower() for a in g)),
            len(fact_groups),
        ),
        "language match": share(
            sum(1 for c, r in answered if r["language"] == c.language), len(answered)
        ),
        "abstention": share(sum(1 for _, r in unanswerable if r["abstained"]), len(unanswerable)),
        "false abstention": (
            sum(1 for _, r in answerable if r["abstained"]) / len(answerable) if answerable else 0.0
        ),
        "generated": share(
            sum(1 for _, r in answered if r.get("mode") == "generative"), len(answered)
        ),
        "latency p50 ms": float(np.percentile(latencies, 50)) if latencies else 0.0,
        "latency p95 ms": float(np.percentile(latencies, 95)) if latencies else 0.0,
    }


def read_articles(folder: Path) -> dict[str, str]:
    """Raw text of every article file by id, for checking that snippets stand in them."""
    if not folder.is_dir():
        return {}
    texts: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            try:
                texts.setdefault(path.stem, path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
    return texts


def evaluate(
    ask: AskFn, cases: list[Case], articles: dict[str, str], out: Path | None = None
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Run every case, optionally write the JSONL results, and return results and metrics."""
    results = [run_case(ask, case) for case in cases]
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            for result in results:
                handle.write(json.dumps(result, ensure_ascii=False) + "\n")
    return results, compute_metrics(cases, results, articles)


def format_metrics(metrics: dict[str, float]) -> str:
    """The metrics as a two-column table for the terminal."""
    return format_comparison({"value": metrics})


def _shown(key: str, value: float) -> str:
    return f"{value:.1f}" if key.startswith("latency") else f"{value:.3f}"


def format_comparison(metrics_by_mode: dict[str, dict[str, float]]) -> str:
    """Several modes' metrics side by side, one column per mode."""
    keys = list(next(iter(metrics_by_mode.values())))
    width = max(len(k) for k in keys)
    cells = {
        mode: [_shown(key, metrics[key]) for key in keys]
        for mode, metrics in metrics_by_mode.items()
    }
    columns = {mode: max(len(mode), *map(len, shown)) for mode, shown in cells.items()}
    lines = [
        "  ".join(["metric".ljust(width), *(mode.rjust(columns[mode]) for mode in cells)]),
        "  ".join(["-" * width, *("-" * columns[mode] for mode in cells)]),
    ]
    for row, key in enumerate(keys):
        lines.append(
            "  ".join([key.ljust(width), *(cells[m][row].rjust(columns[m]) for m in cells)])
        )
    return "\n".join(lines)
