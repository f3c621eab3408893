"""Load test: 20 concurrent chat sessions through gradio_client against a real ``serve``,
once on a quiet store and once while that ``serve`` ingests a batch of new articles.

Each session asks the development questions in turn for 60 s per phase. Reports
answers, errors, answers per second and latency p50/p95 for each phase: questions go
before an ingest's passages (``core.embeddings.QueriesFirst``), so the second phase
should stay close to the first. Run: ``.venv/bin/python -m bench.load``
(``HR_LOAD_SESSIONS``, ``HR_LOAD_SECONDS`` to change the load). The articles ingested
come from ``../shared/devset/knowledge`` (read there, never copied into the project)
or, without it, the project's extra test articles. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.evaluation import load_cases
from bench.common import (
    EXTRA_KNOWLEDGE,
    KNOWLEDGE,
    TEST_DATA,
    peak_memory_mb,
    served,
    temporary_settings,
    write_result,
)
from core.settings import PROJECT_ROOT
from hr_assistant.runtime import Runtime

SESSIONS = int(os.environ.get("HR_LOAD_SESSIONS", "20"))
SECONDS = float(os.environ.get("HR_LOAD_SECONDS", "60"))
DEVSET_KNOWLEDGE = PROJECT_ROOT.parent / "shared" / "devset" / "knowledge"


@dataclass
class Phase:
    name: str
    timings: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    def row(self) -> str:
        p50, p95 = (np.percentile(self.timings, q) for q in (50, 95)) if self.timings else (0, 0)
        return (
            f"| {self.name} | {len(self.timings)} | {len(self.errors)} | "
            f"{len(self.timings) / self.wall:.1f} | {p50:.0f} | {p95:.0f} |"
        )


def load(url: str, questions: list[str], phase: Phase) -> Phase:
    """SESSIONS chat sessions asking in turn for SECONDS."""
    from gradio_client import Client

    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def session(number: int) -> None:
        client = Client(url, verbose=False)
        turn = number
        while time.monotonic() < deadline:
            question = questions[turn % len(questions)]
            turn += 1
            started = time.perf_counter()
            try:
                reply = client.predict(message=question, api_name="/chat")
                ok = isinstance(reply, str) and bool(reply.strip())
            except Exception as exc:  # every failure is counted, none is fatal
                ok, reply = False, f"{type(exc).__name__}: {exc}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                (phase.timings.append(elapsed) if ok else phase.errors.append(str(reply)[:200]))

    threads = [threading.Thread(target=session, args=(n,)) for n in range(SESSIONS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.wall = time.perf_counter() - started
    return phase


def main() -> None:
    settings = temporary_settings(KNOWLEDGE)
    Runtime(settings).knowledge.sync()
    questions = [c.question for c in load_cases(TEST_DATA / "dev_questions.yaml")]
    source = DEVSET_KNOWLEDGE if DEVSET_KNOWLEDGE.is_dir() else EXTRA_KNOWLEDGE
    new_articles = sorted(Path(source).glob("*.md"))
    with served(settings) as (url, server):
        quiet = load(url, questions, Phase("quiet store"))
        for path in new_articles:  # serve's watcher ingests them while the chat is busy
            shutil.copy(path, settings.knowledge_dir / path.name)
        busy = load(url, questions, Phase(f"ingesting {len(new_articles)} articles"))
        peak_mb = peak_memory_mb(server.pid)
    lines = [
        f"# Load: {SESSIONS} concurrent chat sessions, {SECONDS:.0f} s per phase "
        f"({os.cpu_count()} cores)",
        "",
        "| phase | answers | errors | answers/s | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        quiet.row(),
        busy.row(),
        "",
        f"serve peak memory: {peak_mb:.0f} MB",
        "",
        *(f"First error ({p.name}): {p.errors[0]}" for p in (quiet, busy) if p.errors),
    ]
    path = write_result("load.md", "\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
