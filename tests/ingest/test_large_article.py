"""One large article says how far its ingest is, by passages: real model, real store.

A 19 MB article takes about an hour to embed on two cores (``bench/big_article.py``);
progress counted by articles showed nothing all that time. These articles are a few
hundred passages: enough writes to see progress move, small enough for CI.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import termios
from pathlib import Path

import pytest

from bench.synthetic import short_sections_text
from core.settings import Settings
from core.store import open_record_manager
from ingest.indexer import PASSAGES_PER_WRITE, ingest_folder
from tests.conftest import HR_ASSISTANT, settings_env

pytestmark = pytest.mark.integration

PASSAGES = 5 * PASSAGES_PER_WRITE  # one section, one passage
# What tqdm writes for a step: " 40%|████      | 64/160 [00:09<00:13,  7.01passage/s]".
BAR_STEP = re.compile(r"(\d+)/(\d+) \[")


@pytest.fixture
def large(tmp_path: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "handbook.md").write_text(short_sections_text(PASSAGES, 7), encoding="utf-8")
    return Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge, _env_file=None)


def test_progress_counts_the_passages_written_so_far(large: Settings, embeddings):
    written: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:  # what the bookkeeping holds by then
        written.append((done, total, len(open_record_manager(large).list_keys())))

    report = ingest_folder(large, embeddings, progress=progress)

    assert report.chunks == report.added == PASSAGES
    steps = range(0, PASSAGES + 1, PASSAGES_PER_WRITE)
    # Before: one step over articles, 0 then 1 of 1, and nothing written before the end.
    assert written == [(done, PASSAGES, done) for done in steps]


def test_a_terminal_ingest_shows_a_bar_over_passages(large: Settings):
    """`hr-assistant ingest` on a terminal: tqdm's bar counts passages as they are
    written (before: articles, 0/1 for the whole article), then the one summary line."""
    leader, follower = pty.openpty()  # stderr is a terminal, as when a person runs it
    # ...of a person's size: tqdm draws nothing on a terminal 0 columns wide.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    ingest = subprocess.Popen(
        [*HR_ASSISTANT, "ingest"],
        env=settings_env(large),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    shown = _read_all(leader)
    stdout, _ = ingest.communicate(timeout=60)

    assert ingest.returncode == 0, shown
    steps = [(int(done), int(total)) for done, total in BAR_STEP.findall(shown)]
    assert {total for _, total in steps} == {PASSAGES}, shown
    done = [d for d, _ in steps]
    assert done == sorted(done) and done[-1] == PASSAGES, shown
    assert len({d for d in done if 0 < d < PASSAGES}) >= 3, shown
    assert f"1 articles, {PASSAGES} passages: {PASSAGES} added" in stdout.decode()


def _read_all(leader: int) -> str:
    """Everything written to a pseudo-terminal until its last writer closes it."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")
