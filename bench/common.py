"""Shared set-up for the benchmarks: a temporary store over the chosen articles."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.settings import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"
TEST_DATA = PROJECT_ROOT / "tests" / "data"
EXTRA_KNOWLEDGE = TEST_DATA / "knowledge_extra"
RESULTS = Path(__file__).parent / "results"
# Debian's Chromium, as the browser tests and the browser benchmark drive it.
CHROMIUM = Path("/usr/bin/chromium")
# Flags that keep Chromium from calling out to Google's services on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def temporary_settings(*folders: Path) -> Settings:
    """Settings over a fresh data folder and a copy of the articles in ``folders``."""
    root = Path(tempfile.mkdtemp(prefix="hr-bench-"))
    knowledge = root / "knowledge"
    knowledge.mkdir()
    for folder in folders:
        for path in folder.glob("*.md"):
            shutil.copy(path, knowledge / path.name)
    return Settings(data_dir=root / "data", knowledge_dir=knowledge, _env_file=None)


def write_result(name: str, markdown: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(markdown, encoding="utf-8")
    return path


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that points a ``hr-assistant`` subprocess at ``settings``' data."""
    return {
        **os.environ,
        "HR_ASSISTANT_DATA_DIR": str(settings.data_dir),
        "HR_ASSISTANT_KNOWLEDGE_DIR": str(settings.knowledge_dir),
    }


@contextmanager
def served(settings: Settings) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real ``hr-assistant serve`` on a free loopback port, ready for gradio_client."""
    from gradio_client import Client

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hr_assistant", "serve", "--port", str(port)],
        env=settings_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:
                Client(url, verbose=False)
                break
            except Exception:
                time.sleep(0.5)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def peak_memory_mb(pid: int) -> float:
    """Peak resident memory of a running process (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(x.split()[1]) for x in status.splitlines() if "VmHWM" in x) / 1024
