"""Warm answer latency per question, and the cost of a cold ``hr-assistant ask``.

Run: ``make bench`` (or ``.venv/bin/python bench/latency.py``). Targets on the 2-core
machine: warm p50 ≤ 50 ms per question.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

import numpy as np

from assistant.chain import Assistant
from assistant.evaluation import load_cases
from bench.common import KNOWLEDGE, TEST_DATA, temporary_settings, write_result
from hr_assistant.runtime import Runtime

ROUNDS = 5
COLD_RUNS = 3


def warm_latency(assistant: Assistant) -> list[tuple[str, float, float]]:
    rows = []
    for case in load_cases(TEST_DATA / "dev_questions.yaml"):
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            assistant.ask(case.question, case.history)
            timings.append((time.perf_counter() - started) * 1000)
        rows.append((case.id, float(np.percentile(timings, 50)), float(np.percentile(timings, 95))))
    return rows


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
    settings = temporary_settings(KNOWLEDGE)
    runtime = Runtime(settings)
    runtime.knowledge.sync()
    assistant = runtime.assistant
    assistant.ask("warm-up question about HR")
    rows = warm_latency(assistant)
    all_p50 = float(np.median([r[1] for r in rows]))
    all_p95 = float(np.percentile([r[2] for r in rows], 95))
    cold, heavy = cold_ask(
        {
            "HR_ASSISTANT_DATA_DIR": str(settings.data_dir),
            "HR_ASSISTANT_KNOWLEDGE_DIR": str(settings.knowledge_dir),
        }
    )
    lines = [
        "# Answer latency (warm, models loaded)",
        "",
        f"{ROUNDS} rounds per question, development set, {os.cpu_count()} cores.",
        "",
        "| question | p50 ms | p95 ms |",
        "| --- | ---: | ---: |",
        *[f"| {qid} | {p50:.1f} | {p95:.1f} |" for qid, p50, p95 in rows],
        f"| **all questions** | **{all_p50:.1f}** | **{all_p95:.1f}** |",
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
