"""Load test: 20 concurrent chat sessions through gradio_client against a real ``serve``,
once on a quiet store and once while that ``serve`` ingests a batch of new articles.

Each session asks the development questions in turn for 60 s per phase. Reports
answers, errors, answers per second and latency p50/p95 for each phase, and the CPU
that ``serve`` and this load generator each spent per answer: questions go before an
ingest's passages (``core.embeddings.QueriesFirst``), so the second phase should stay
close to the first. Run: ``.venv/bin/python -m bench.load`` (``HR_LOAD_SESSIONS``,
``HR_LOAD_SECONDS`` to change the load; ``HR_LOAD_PHASES=quiet`` skips the ingest).
The articles ingested come from ``../shared/devset/knowledge`` (read there, never
copied into the project) or, without it, the project's extra test articles. Traffic
goes to 127.0.0.1 only.

The sessions share one TLS context. gradio_client opens a new httpx client for most
requests of a question, and httpx builds a TLS context for each, loading the CA
bundle (about 24 ms of CPU), even for plain http: 2.5 per answer took the load
generator to about 100 ms of CPU per answer, twice what ``serve`` spent, on the same
two cores. ``HR_LOAD_STOCK_CLIENT=1`` measures with gradio_client as shipped.
"""

from __future__ import annotations

import os
import shutil
import ssl
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
PHASES = os.environ.get("HR_LOAD_PHASES", "quiet,ingest").split(",")
STOCK_CLIENT = os.environ.get("HR_LOAD_STOCK_CLIENT", "") == "1"
SHARED_TLS = ssl.create_default_context()  # never used on http://, but built once
DEVSET_KNOWLEDGE = PROJECT_ROOT.parent / "shared" / "devset" / "knowledge"


@dataclass
class Phase:
    name: str
    timings: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    serve_cpu: float = 0.0  # seconds of CPU, user and system
    client_cpu: float = 0.0

    def row(self) -> str:
        p50, p95 = (np.percentile(self.timings, q) for q in (50, 95)) if self.timings else (0, 0)
        per_answer = 1000 / max(len(self.timings), 1)
        return (
            f"| {self.name} | {len(self.timings)} | {len(self.errors)} | "
            f"{len(self.timings) / self.wall:.1f} | {p50:.0f} | {p95:.0f} | "
            f"{self.serve_cpu * per_answer:.0f} | {self.client_cpu * per_answer:.0f} |"
        )


def process_cpu(pid: int) -> float:
    """Seconds of CPU (user and system) a process has spent so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client_kwargs() -> dict[str, object]:
    """What each session's gradio_client gets: one shared TLS context (see the module's
    docstring), or nothing with ``HR_LOAD_STOCK_CLIENT=1``."""
    return {} if STOCK_CLIENT else {"ssl_verify": SHARED_TLS}


def load(url: str, questions: list[str], phase: Phase, server_pid: int) -> Phase:
    """SESSIONS chat sessions asking in turn for SECONDS."""
    from gradio_client import Client

    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def session(number: int) -> None:
        client = Client(url, verbose=False, **client_kwargs())
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
    started, serve_cpu, client_cpu = time.perf_counter(), process_cpu(server_pid), cpu()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.wall = time.perf_counter() - started
    phase.serve_cpu = process_cpu(server_pid) - serve_cpu
    phase.client_cpu = cpu() - client_cpu
    return phase


def cpu() -> float:
    """Seconds of CPU this process (the load generator) has spent so far."""
    times = os.times()
    return times.user + times.system


def main() -> None:
    settings = temporary_settings(KNOWLEDGE)
    Runtime(settings).knowledge.sync()
    questions = [c.question for c in load_cases(TEST_DATA / "dev_questions.yaml")]
    source = DEVSET_KNOWLEDGE if DEVSET_KNOWLEDGE.is_dir() else EXTRA_KNOWLEDGE
    new_articles = sorted(Path(source).glob("*.md"))
    phases: list[Phase] = []
    with served(settings) as (url, server):
        if "quiet" in PHASES:
            phases.append(load(url, questions, Phase("quiet store"), server.pid))
        if "ingest" in PHASES:
            for path in new_articles:  # serve's watcher ingests them while the chat is busy
                shutil.copy(path, settings.knowledge_dir / path.name)
            busy = Phase(f"ingesting {len(new_articles)} articles")
            phases.append(load(url, questions, busy, server.pid))
        peak_mb = peak_memory_mb(server.pid)
    client = "gradio_client as shipped" if STOCK_CLIENT else "sessions share one TLS context"
    lines = [
        f"# Load: {SESSIONS} concurrent chat sessions, {SECONDS:.0f} s per phase "
        f"({os.cpu_count()} cores; {client})",
        "",
        "| phase | answers | errors | answers/s | p50 ms | p95 ms "
        "| serve CPU ms/answer | load generator CPU ms/answer |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(phase.row() for phase in phases),
        "",
        f"serve peak memory: {peak_mb:.0f} MB",
        "",
        *(f"First error ({p.name}): {p.errors[0]}" for p in phases if p.errors),
    ]
    path = write_result("load.md", "\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
