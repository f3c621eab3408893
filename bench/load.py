"""Load test: 20 concurrent chat sessions through gradio_client against a real ``serve``.

Each session asks the development questions in turn for 60 s. Reports answers, errors and
latency p50/p95. Run: ``.venv/bin/python -m bench.load`` (``HR_LOAD_SESSIONS``,
``HR_LOAD_SECONDS`` to change the load). Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import threading
import time

import numpy as np

from assistant.evaluation import load_cases
from bench.common import (
    KNOWLEDGE,
    TEST_DATA,
    peak_memory_mb,
    served,
    temporary_settings,
    write_result,
)
from hr_assistant.runtime import Runtime

SESSIONS = int(os.environ.get("HR_LOAD_SESSIONS", "20"))
SECONDS = float(os.environ.get("HR_LOAD_SECONDS", "60"))


def main() -> None:
    from gradio_client import Client

    settings = temporary_settings(KNOWLEDGE)
    Runtime(settings).knowledge.sync()
    questions = [c.question for c in load_cases(TEST_DATA / "dev_questions.yaml")]
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    with served(settings) as (url, server):
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
                    (timings.append(elapsed) if ok else errors.append(str(reply)[:200]))

        threads = [threading.Thread(target=session, args=(n,)) for n in range(SESSIONS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        peak_mb = peak_memory_mb(server.pid)

    lines = [
        f"# Load: {SESSIONS} concurrent chat sessions for {SECONDS:.0f} s ({os.cpu_count()} cores)",
        "",
        "| answers | errors | answers/s | p50 ms | p95 ms | serve peak memory MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {len(timings)} | {len(errors)} | {len(timings) / wall:.1f} | "
        f"{np.percentile(timings, 50):.0f} | {np.percentile(timings, 95):.0f} | {peak_mb:.0f} |",
        "",
        *([f"First error: {errors[0]}", ""] if errors else []),
    ]
    path = write_result("load.md", "\n".join(lines))
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
