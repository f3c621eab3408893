"""One write lease for every writer: real `hr-assistant` processes, real stores.

A CLI ingest of a folder that takes seconds to embed is started, and while it writes a
second writer, a reader or a `serve` comes along: each waits for the write and then
sees the finished store. In server mode a data folder without the shared bookkeeping
is refused before it can touch the shared collection.
"""

from __future__ import annotations

import fcntl
import json
import logging
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bench.synthetic import write_articles
from core.settings import Settings
from tests.conftest import (
    HR_ASSISTANT,
    end_lease_sessions,
    postgres_database,
    run_cli,
    settings_env,
)
from tests.core.test_lease import Taker
from tests.ingest.test_reingest import _consistency
from tests.ui.test_follow_store import running_serve

pytestmark = pytest.mark.integration

# Enough articles that embedding them takes several seconds on two cores.
ARTICLES = 24
WAITING = "waiting for another writer"


@dataclass
class Background:
    """A CLI ingest running in the background; its report once it has ended."""

    process: subprocess.Popen
    report: dict[str, Any] = field(default_factory=dict)


@contextmanager
def cli_ingest(settings: Settings, writing: Callable[[], bool]) -> Iterator[Background]:
    """A CLI ingest in the background, yielded once it has opened the store for writing
    (``writing``) and while it still runs; on leaving, it must have succeeded."""
    ingest = Background(
        subprocess.Popen(
            [*HR_ASSISTANT, "ingest", "--json"],
            env=settings_env(settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    )
    try:
        deadline = time.monotonic() + 180
        while not writing():
            assert ingest.process.poll() is None, "ingest ended before it wrote"
            assert time.monotonic() < deadline, "ingest never started writing"
            time.sleep(0.1)
        assert ingest.process.poll() is None, "ingest finished before the test could start"
        yield ingest
    finally:
        out, err = ingest.process.communicate(timeout=600)
    assert ingest.process.returncode == 0, err
    ingest.report = json.loads(out)


def embedded_writing(settings: Settings) -> Callable[[], bool]:
    """Whether an ingest has opened the embedded store (it embeds before it writes)."""
    return lambda: (settings.data_dir / "chroma" / "chroma.sqlite3").exists()


@pytest.fixture
def big_settings(make_settings, tmp_path: Path) -> Settings:
    folder = tmp_path / "knowledge"
    write_articles(folder, ARTICLES)
    return make_settings(knowledge_dir=folder)


def test_a_second_writer_waits_for_a_running_ingest(
    big_settings: Settings, embeddings, caplog: pytest.LogCaptureFixture
):
    from ingest.indexer import ingest_folder

    with (
        cli_ingest(big_settings, embedded_writing(big_settings)) as first,
        caplog.at_level(logging.WARNING),
    ):
        second = ingest_folder(big_settings, embeddings=embeddings)
    assert WAITING in caplog.text
    assert first.report["added"] == first.report["chunks"] == ARTICLES
    assert (second.added, second.skipped, second.deleted) == (0, ARTICLES, 0)
    _consistency(big_settings, embeddings)


def test_a_reader_loading_during_an_ingest_gets_the_finished_store(
    big_settings: Settings, embeddings
):
    from hr_assistant.runtime import Runtime

    with cli_ingest(big_settings, embedded_writing(big_settings)):
        assistant = Runtime(big_settings, embeddings=embeddings).assistant
    assert len(assistant.retriever.passages) == ARTICLES
    # The dense index holds every passage, not the part written when it was opened.
    vector = embeddings.embed_query("What does a recruiter do?")
    assert len(assistant.store.nearest(vector, 100)) == ARTICLES


def a_writer_could_start(settings: Settings) -> bool:
    """Whether a writer could take the embedded store's lease at once (a lock of its own
    on the lease's file, not waiting for it)."""
    from core.lease import LOCK_FILE

    with (settings.data_dir / LOCK_FILE).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def test_the_runtime_builds_its_models_before_it_takes_the_load_lease(
    make_settings, embeddings, monkeypatch: pytest.MonkeyPatch
):
    """Loading a model takes seconds (a language model, many): writers wait only while
    the store is read, not while the models load. Whether a writer could start is asked
    as each model is built and as the store is read."""
    import core.embeddings
    from assistant import chain, generation
    from hr_assistant.runtime import Runtime
    from ingest.indexer import ingest_folder

    settings = make_settings()
    ingest_folder(settings, embeddings=embeddings)
    writer_could_start: dict[str, bool] = {}

    def build_embeddings(name: str) -> Any:
        writer_could_start["embedder built"] = a_writer_could_start(settings)
        return embeddings  # the session's: the same model, loaded once

    def build_generator(settings: Settings) -> None:
        writer_could_start["language model built"] = a_writer_could_start(settings)

    retriever = chain.HybridRetriever

    def read_the_store(*args: Any) -> Any:
        writer_could_start["store read"] = a_writer_could_start(settings)
        return retriever(*args)

    monkeypatch.setattr(core.embeddings, "build_embeddings", build_embeddings)
    monkeypatch.setattr(generation.Generator, "from_settings", build_generator)
    monkeypatch.setattr(chain, "HybridRetriever", read_the_store)
    loaded = Runtime(settings).assistant
    assert writer_could_start == {
        "embedder built": True,
        "language model built": True,
        "store read": False,
    }
    assert loaded.retriever.passages


def test_a_serve_started_during_an_ingest_waits_and_loads_the_finished_store(
    big_settings: Settings, tmp_path: Path
):
    env = settings_env(big_settings, HR_ASSISTANT_LOG_LEVEL="INFO")
    log = tmp_path / "serve.log"
    with (
        cli_ingest(big_settings, embedded_writing(big_settings)),
        running_serve(env, log, "--no-watch"),
    ):
        refused = run_cli("ingest", env=settings_env(big_settings))
    text = log.read_text()
    assert WAITING in text
    views = re.findall(r"store view loaded: version \d+, (\d+) passages", text)
    assert views and int(views[0]) == ARTICLES, text[-3000:]
    # What held before holds: while it serves, a CLI ingest is turned away.
    assert refused.returncode != 0 and "owns this embedded store" in refused.stderr


# Server mode: a real `chroma run` and PostgreSQL.


def server_settings(tmp_path: Path, name: str, chroma_port: int, **values: object) -> Settings:
    return Settings(
        data_dir=tmp_path / f"data-{name}",
        chroma_host="127.0.0.1",
        chroma_port=chroma_port,
        collection=f"lease-{tmp_path.name[-8:]}",
        _env_file=None,
        **values,  # type: ignore[arg-type]
    )


def collection_ids(settings: Settings) -> list[str] | None:
    """The ids in the shared collection; None before it exists."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(
        host="127.0.0.1",
        port=settings.chroma_port,
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    if settings.collection not in {c.name for c in client.list_collections()}:
        return None
    return sorted(client.get_collection(settings.collection).get(include=[])["ids"])


def test_two_data_folders_on_one_server_write_one_at_a_time(
    chroma_port: int,
    postgres_url: str,
    tmp_path: Path,
    embeddings,
    caplog: pytest.LogCaptureFixture,
):
    from core.store import open_record_manager
    from ingest.indexer import ingest_folder

    folder = tmp_path / "knowledge"
    write_articles(folder, ARTICLES)
    values = {"knowledge_dir": folder, "database_url": postgres_url}
    one = server_settings(tmp_path, "one", chroma_port, **values)
    other = server_settings(tmp_path, "other", chroma_port, **values)
    with (
        cli_ingest(one, lambda: collection_ids(one) is not None) as first,
        caplog.at_level(logging.WARNING),
    ):
        second = ingest_folder(other, embeddings=embeddings)
    assert first.report["added"] == ARTICLES
    assert WAITING in caplog.text
    assert (second.added, second.skipped, second.deleted) == (0, ARTICLES, 0)
    stored = collection_ids(one)
    assert stored is not None and len(stored) == ARTICLES
    assert stored == sorted(open_record_manager(one).list_keys())


def test_a_server_without_shared_bookkeeping_is_refused(
    chroma_port: int, postgres_url: str, tmp_path: Path, embeddings
):
    from ingest.indexer import ingest_folder

    shared = server_settings(
        tmp_path, "shared", chroma_port, database_url=postgres_url, knowledge_dir=tmp_path / "a"
    )
    write_articles(shared.knowledge_dir, 3)
    ingest_folder(shared, embeddings=embeddings)
    before = collection_ids(shared)
    assert before is not None and len(before) == 3

    # Another data folder, other articles, the same collection, its own SQLite bookkeeping.
    alone = server_settings(tmp_path, "alone", chroma_port, knowledge_dir=tmp_path / "b")
    write_articles(alone.knowledge_dir, 2, start=50)
    for command in (["ingest", "--json"], ["serve", "--no-watch"]):
        result = run_cli(*command, env=settings_env(alone), timeout=180)
        assert result.returncode != 0, result.stdout
        assert result.stderr.count("\n") == 1, result.stderr
        assert "HR_ASSISTANT_DATABASE_URL" in result.stderr
    assert collection_ids(shared) == before


def test_an_ingest_that_lost_its_lease_stops_before_it_records_a_write(
    chroma_port: int,
    postgres_url: str,
    tmp_path: Path,
    embeddings,
    monkeypatch: pytest.MonkeyPatch,
):
    """The lease's database session ends mid-write (a server restart, an administrator's
    pg_terminate_backend): another writer may take the lease, so the ingest stops with one
    line before its next bookkeeping write, and the next sync finds the store consistent."""
    import ingest.indexer
    from core.errors import StoreError
    from core.store import open_record_manager
    from ingest.indexer import ingest_folder

    database = postgres_database(postgres_url, f"lost_{tmp_path.name[-8:]}")
    settings = server_settings(
        tmp_path, "lost", chroma_port, database_url=database, knowledge_dir=tmp_path / "k"
    )
    write_articles(settings.knowledge_dir, 3)
    documents = ingest.indexer.documents_with_units

    def end_the_lease_first(*args: Any) -> Any:
        assert end_lease_sessions(database) == 1
        assert Taker(settings, "write", tmp_path / "next.log").gets_it()  # the lock is gone
        return documents(*args)

    monkeypatch.setattr(ingest.indexer, "documents_with_units", end_the_lease_first)
    with pytest.raises(StoreError, match=r"^lost the write lease of collection") as lost:
        ingest_folder(settings, embeddings=embeddings)
    assert "\n" not in str(lost.value)
    monkeypatch.undo()
    again = ingest_folder(settings, embeddings=embeddings)
    assert again.added == again.chunks == 3
    stored = collection_ids(settings)
    assert stored is not None and len(stored) == 3
    assert stored == sorted(open_record_manager(settings).list_keys())
