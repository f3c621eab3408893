"""What oversized requests cost a real ``serve``: its memory under 200 MB bodies, and the
disk that uploads take during its run and after it stops.

Before the bounds (commit 7680497, same machine): one 200 MB JSON question to
``/gradio_api/call/chat`` took ``serve`` from 333 MB to a 933 MB peak, four at once to
a 3059 MB peak with 2259 MB kept; ten 19 MB uploads were all stored (191 MB) and still
there after SIGTERM.
Run: ``.venv/bin/python -m bench.bounds``. Writes ``bench/results/bounds.md``.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.common import KNOWLEDGE, served, temporary_settings, write_result
from hr_assistant.runtime import Runtime

BODY_MB = 200
UPLOADS, UPLOAD_MB = 10, 19


def memory_mb(pid: int) -> tuple[int, int]:
    """Resident and peak resident memory of a running process (Linux), in MB."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    value = {line.split(":")[0]: int(line.split()[1]) // 1024 for line in lines if "Vm" in line}
    return value["VmRSS"], value["VmHWM"]


def body(megabytes: int) -> Iterator[bytes]:
    yield b'{"data": ["'
    chunk = b"a" * (1 << 20)
    for _ in range(megabytes):
        yield chunk
    yield b'"]}'


def post_at_once(url: str, count: int, declared: bool) -> list[str]:
    """``count`` bodies of BODY_MB at once, with a Content-Length or chunked."""
    outcomes: list[str] = []
    size = BODY_MB * (1 << 20) + 14
    headers = {"Content-Type": "application/json"}
    if declared:
        headers["Content-Length"] = str(size)

    def one() -> None:
        try:
            reply = httpx.post(url, content=body(BODY_MB), headers=headers, timeout=300)
            outcomes.append(str(reply.status_code))
        except httpx.HTTPError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def stored_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / (1 << 20)


def main() -> None:
    settings = temporary_settings(KNOWLEDGE)
    Runtime(settings).knowledge.sync()
    temp = Path(tempfile.mkdtemp(prefix="hr-bench-bounds-"))
    os.environ["GRADIO_TEMP_DIR"] = str(temp)
    rows = []
    with served(settings) as (url, server):
        start = memory_mb(server.pid)
        for route, count, declared in (
            ("call/chat", 1, True),
            ("call/chat", 4, True),
            ("queue/join", 4, False),
        ):
            outcomes = post_at_once(f"{url}gradio_api/{route}", count, declared)
            rss, peak = memory_mb(server.pid)
            kind = "Content-Length" if declared else "chunked"
            rows.append(
                f"| {count} × {BODY_MB} MB to `/gradio_api/{route}` ({kind}) "
                f"| {', '.join(sorted(set(outcomes)))} | {rss} | {peak} |"
            )
        data = os.urandom(UPLOAD_MB << 20)
        with httpx.Client(timeout=120) as client:
            codes = [
                client.post(
                    f"{url}gradio_api/upload", files={"files": (f"f{n}.md", data)}
                ).status_code
                for n in range(UPLOADS)
            ]
        during = stored_mb(temp)
    after = stored_mb(temp)
    accepted = codes.count(200)
    markdown = "\n".join(
        [
            "# Bounded requests",
            "",
            f"`serve` at rest: {start[0]} MB resident.",
            "",
            "| requests | answers | resident after (MB) | peak so far (MB) |",
            "| --- | --- | --- | --- |",
            *rows,
            "",
            f"{UPLOADS} uploads of {UPLOAD_MB} MB: {accepted} stored, "
            f"{UPLOADS - accepted} refused (413); {during:.0f} MB in the temporary folder "
            f"while serving, {after:.0f} MB after SIGTERM.",
            "",
            "Before the bounds (commit 7680497): 1 × 200 MB took serve from 333 MB to a "
            "933 MB peak; 4 × 200 MB to a 3059 MB peak with 2259 MB kept; all ten uploads "
            "were stored (191 MB) and left after SIGTERM.",
            "",
        ]
    )
    print(markdown)
    write_result("bounds.md", markdown)


if __name__ == "__main__":
    main()
