"""Warm answer latency per question, and the cost of a cold ``hr-assistant ask``.

Each question is also answered the textbook way in the same run (embed the question,
ask Chroma for the 4 nearest passages), the yardstick of the targets: p50 at most 1.5×
the textbook lookup's, p95 at most 2× the p50, cold ``ask`` under 3 s. Measured on our
articles and, where present, on ``../shared/devset`` (a real corpus of 44 pages).

Run: ``make bench`` (or ``.venv/bin/python -m bench.latency``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from assistant.chain import Assistant
from assistant.evaluation import Case, load_cases
from bench.common import KNOWLEDGE, TEST_DATA, temporary_settings, write_result
from core.settings import PROJECT_ROOT
from hr_assistant.runtime import Runtime

ROUNDS = 5
COLD_RUNS = 3


DEVSET = PROJECT_ROOT.parent / "shared" / "devset"


def warm_latency(assistant: Assistant, cases: list[Case]) -> tuple[list[float], list[float]]:
    """Every timing of ``ask`` and of the textbook top-4 lookup, ROUNDS per question."""
    asked: list[float] = []
    looked_up: list[float] = []
    for case in cases:
        for _ in range(ROUNDS):
            started = time.perf_counter()
            assistant.ask(case.question, case.history)
            asked.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            assistant.store.nearest(assistant.embeddings.embed_query(case.question), 4)
            looked_up.append((time.perf_counter() - started) * 1000)
    return asked, looked_up


def corpus_row(name: str, folder: Path, questions: Path) -> str:
    """One table row: ask's p50/p95 against the textbook lookup's on one corpus."""
    settings = temporary_settings(folder)
    runtime = Runtime(settings)
    runtime.knowledge.sync()
    assistant = runtime.assistant
    assistant.ask("warm-up question about HR")
    asked, looked_up = warm_latency(assistant, load_cases(questions))
    p50, p95 = np.percentile(asked, 50), np.percentile(asked, 95)
    base, base_p95 = (float(np.percentile(looked_up, q)) for q in (50, 95))
    # The textbook's own spread: a long question takes longer to embed in either way.
    return (
        f"| {name} | {p50:.1f} | {p95:.1f} | {base:.1f} | {p50 / base:.2f} | {p95 / p50:.2f}"
        f" | {base_p95 / base:.2f} |"
    )


def cold_ask(settings_env: dict[str, str]) -> tuple[float, list[str]]:
    env = {**os.environ, **settings_env}
    code = (
        "import sys\nfrom hr_assistant.cli import main\n"
        "try:\n    main(['ask', 'How does People Operations differ from HR?'])\n"
        "finally:\n    print('HEAVY', sorted(m for m in ('gradio', 'torch',"
        " 'sentence_transformers') if m in sys.modules))"
    )
    times = []
    heavy: list[str] = []
    for _ in range(COLD_RUNS):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        heavy = [line for line in out.stdout.splitlines() if line.startswith("HEAVY")]
    return statistics.median(times), heavy


def main() -> None:
    rows = [corpus_row("our 3 articles", KNOWLEDGE, TEST_DATA / "dev_questions.yaml")]
    if (DEVSET / "questions.yaml").exists():
        rows.append(corpus_row("devset, 44 pages", DEVSET / "knowledge", DEVSET / "questions.yaml"))
    settings = temporary_settings(KNOWLEDGE)
    Runtime(settings).knowledge.sync()
    cold, heavy = cold_ask(
        {
            "HR_ASSISTANT_DATA_DIR": str(settings.data_dir),
            "HR_ASSISTANT_KNOWLEDGE_DIR": str(settings.knowledge_dir),
        }
    )
    lines = [
        "# Answer latency (warm, models loaded)",
        "",
        f"{ROUNDS} rounds per question, {os.cpu_count()} cores; the textbook lookup (embed the",
        "question, Chroma's 4 nearest passages) timed in the same run. Targets: p50 ≤ 1.5×",
        "textbook, p95 ≤ 2× p50, cold `ask` < 3 s.",
        "",
        "| corpus | p50 ms | p95 ms | textbook p50 ms | p50 / textbook | p95 / p50"
        " | textbook p95 / p50 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"Cold `hr-assistant ask` (new process, median of {COLD_RUNS}): {cold:.2f} s; "
        f"heavy modules imported: {heavy[-1] if heavy else 'unknown'}",
        "",
    ]
    path = write_result("latency.md", "\n".join(lines))
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
