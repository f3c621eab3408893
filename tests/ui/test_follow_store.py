"""A running chat follows every re-ingest: real `serve` processes, real files, real stores.

Embedded store: `serve` owns it, re-ingests on every change of the articles folder and
turns a CLI ingest away. Chroma server + PostgreSQL: any process may ingest and every
`serve` reloads when the store version in PostgreSQL moves.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.settings import Settings
from tests.conftest import (
    HR_ASSISTANT,
    KNOWLEDGE,
    free_port,
    run_cli,
    settings_env,
    wait_until_ready,
    within_deadline,
)

pytestmark = pytest.mark.integration

EXTRA = Path(__file__).resolve().parent.parent / "data" / "knowledge_extra"
NEW_ARTICLE = "hr-business-partner"
NEW_TITLE = "What is an HR Business Partner"  # the /chat reply names sources by title
QUESTION = "What does an HR Business Partner do?"
# How long a running chat may take to follow an ingest (the watcher waits 0.8 s for
# edits to settle; ingest and reload take a few seconds on two cores).
DEADLINE_S = 60


@contextmanager
def running_serve(env: dict[str, str], log: Path, *args: str) -> Iterator[str]:
    from gradio_client import Client

    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [*HR_ASSISTANT, "serve", "--port", str(port), *args],
            env={**env, "GRADIO_ANALYTICS_ENABLED": "False"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_ready(lambda: Client(url, verbose=False), server, log, "serve", 180)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def ask(url: str, question: str) -> str:
    from gradio_client import Client

    return str(Client(url, verbose=False).predict(message=question, api_name="/chat"))


def followed(check: Callable[[], bool], what: str) -> float:
    """Seconds until the running chat shows ``check``; fails after ``DEADLINE_S``."""
    failure = f"the running chat did not follow the ingest: {what}"
    return within_deadline(check, failure, DEADLINE_S, poll_s=0.5)


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env=env)


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    return folder


def test_the_chat_follows_edits_of_the_articles_folder(knowledge: Path, tmp_path: Path):
    env = settings_env(
        Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge, _env_file=None)
    )
    with running_serve(env, tmp_path / "serve.log") as url:
        assert NEW_TITLE not in ask(url, QUESTION)

        # A CLI ingest would write vectors this process never sees: it is turned away.
        refused = cli(env, "ingest")
        assert refused.returncode != 0
        assert refused.stderr.count("\n") == 1
        assert "owns this embedded store" in refused.stderr

        shutil.copy(EXTRA / f"{NEW_ARTICLE}.md", knowledge)
        added = followed(lambda: NEW_TITLE in ask(url, QUESTION), "added article")

        article = knowledge / f"{NEW_ARTICLE}.md"
        article.write_text(
            article.read_text().replace(
                'title: "What is an HR Business Partner?"', 'title: "The HRBP role explained"'
            )
        )
        edited = followed(lambda: "The HRBP role explained" in ask(url, QUESTION), "edited title")

        article.unlink()
        deleted = followed(lambda: "The HRBP role explained" not in ask(url, QUESTION), "deletion")
        print(f"embedded: followed in {added:.1f} s (add), {edited:.1f} s, {deleted:.1f} s")


def test_the_chat_keeps_following_after_a_link_loop(knowledge: Path, tmp_path: Path):
    """`ln -s loop.md loop.md` used to end the watcher thread: the chat then answered
    from a stale store for good. Now the link is one skipped file, logged by default."""
    env = settings_env(
        Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge, _env_file=None)
    )
    log = tmp_path / "serve.log"
    with running_serve(env, log) as url:
        (knowledge / "loop.md").symlink_to("loop.md")
        time.sleep(2)  # its own sync comes first
        shutil.copy(EXTRA / f"{NEW_ARTICLE}.md", knowledge)
        followed(lambda: NEW_TITLE in ask(url, QUESTION), "an article after a link loop")
    assert "loop.md: link loop" in log.read_text()  # at the default log level


def test_two_chats_on_a_shared_server_follow_a_cli_ingest(
    knowledge: Path, tmp_path: Path, chroma_port: int, postgres_url: str
):
    shared = Settings(
        data_dir=tmp_path / "data",
        knowledge_dir=knowledge,
        chroma_host="127.0.0.1",
        chroma_port=chroma_port,
        database_url=postgres_url,
        collection=f"follow-{tmp_path.name[-8:]}",
        _env_file=None,
    )
    env = settings_env(shared)
    assert cli(env, "ingest").returncode == 0
    with (
        running_serve(env, tmp_path / "serve-1.log", "--no-watch") as first,
        running_serve(env, tmp_path / "serve-2.log", "--no-watch") as second,
    ):
        assert NEW_TITLE not in ask(first, QUESTION)
        shutil.copy(EXTRA / f"{NEW_ARTICLE}.md", knowledge)
        ingested = cli(env, "ingest")
        assert ingested.returncode == 0, ingested.stderr
        added = [
            followed(lambda url=url: NEW_TITLE in ask(url, QUESTION), "added")
            for url in (first, second)
        ]
        # `ingest --watch` from another process: the chats follow its re-ingests too.
        watcher = subprocess.Popen(
            [*HR_ASSISTANT, "ingest", "--watch"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert watcher.stdout is not None
        watcher.stdout.readline()  # its first sync is done
        time.sleep(2)  # and its watcher is set up
        (knowledge / f"{NEW_ARTICLE}.md").unlink()
        deleted = [
            followed(lambda url=url: NEW_TITLE not in ask(url, QUESTION), "deleted")
            for url in (first, second)
        ]
        watcher.terminate()
        watcher.wait(timeout=30)
        print(f"server mode: followed in {max(added):.1f} s (add), {max(deleted):.1f} s")
