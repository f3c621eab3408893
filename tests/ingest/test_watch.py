"""The folder watcher, run as ``serve`` runs it, with real files, the real model and a
real embedded store: it follows every change and outlives what used to end it."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.errors import StoreError
from core.store import ingested_articles
from ingest.indexer import IngestReport
from ingest.knowledge_base import KnowledgeBase
from ingest.watch import WatchState
from tests.conftest import EXTRA_KNOWLEDGE, KNOWLEDGE, within_deadline

pytestmark = pytest.mark.integration

NEW = "hr-business-partner"  # an article the folder does not hold at first
DEADLINE_S = 60


@pytest.fixture
def base(make_settings, embeddings, tmp_path: Path) -> KnowledgeBase:
    """A knowledge base over its own copy of the articles, ingested."""
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    knowledge = KnowledgeBase(make_settings(knowledge_dir=folder), embeddings)
    knowledge.sync()
    return knowledge


@contextmanager
def watching(base: KnowledgeBase, synced: IngestReport | None = None) -> Iterator[None]:
    """``base`` watching its folder in a thread, as ``serve`` runs it; stopped after."""
    stop = threading.Event()
    kwargs = {"stop_event": stop, "synced": synced}
    thread = threading.Thread(target=base.watch, kwargs=kwargs, daemon=True)
    thread.start()
    time.sleep(1.5)  # the watch is open
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive(), "the watcher did not stop when asked"


def eventually(check: Callable[[], object], what: str) -> None:
    within_deadline(check, f"the watcher did not follow: {what}", DEADLINE_S)


def stored(base: KnowledgeBase) -> set[str]:
    return set(ingested_articles(base.settings))


def state(base: KnowledgeBase) -> WatchState:
    found = base.watch_state()
    assert found is not None, "no watcher runs"
    return found


def test_the_watcher_follows_a_deleted_article(base: KnowledgeBase):
    with watching(base):
        (base.settings.knowledge_dir / "people-operations-vs-hr.md").unlink()
        eventually(lambda: "people-operations-vs-hr" not in stored(base), "a deletion")
        assert state(base).following and state(base).last_sync is not None


def test_the_watcher_survives_a_failing_sync_and_keeps_following(
    base: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    import ingest.watch

    folder = base.settings.knowledge_dir
    real_ingest = ingest.watch.ingest_folder
    failed: list[str] = []

    def fails_once_the_article_is_there(*args, **kwargs):
        if (folder / f"{NEW}.md").exists() and not failed:
            failed.append(NEW)  # as a unique-key violation in the embedding cache did
            raise RuntimeError("injected: the embedding cache refused a write")
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr(ingest.watch, "ingest_folder", fails_once_the_article_is_there)
    caplog.set_level(logging.WARNING)
    with watching(base):
        shutil.copy(EXTRA_KNOWLEDGE / f"{NEW}.md", folder)
        eventually(lambda: NEW in stored(base), "an article whose first sync failed")
        assert failed
        logged = [r for r in caplog.records if r.exc_info and "injected" in str(r.exc_info[1])]
        assert logged and logged[0].levelno >= logging.WARNING  # the cause, at the default level

        (folder / f"{NEW}.md").unlink()
        eventually(lambda: NEW not in stored(base), "a later deletion")
        assert state(base).following and not state(base).problem


def test_a_change_between_the_first_sync_and_the_watch_is_followed(base: KnowledgeBase):
    first = base.sync()  # as serve's first ingest, which the watch is told about
    shutil.copy(EXTRA_KNOWLEDGE / f"{NEW}.md", base.settings.knowledge_dir)  # meanwhile
    with watching(base, synced=first):
        eventually(lambda: NEW in stored(base), "an article added before the watch opened")


def test_a_sync_the_store_failed_is_made_again_without_another_edit(
    base: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
):
    import ingest.watch

    folder = base.settings.knowledge_dir
    real_ingest = ingest.watch.ingest_folder
    failed: list[str] = []

    def store_down_once(*args, **kwargs):
        if (folder / f"{NEW}.md").exists() and not failed:
            failed.append(NEW)  # as when the bookkeeping database is briefly unreachable
            raise StoreError("injected: the database cannot be reached")
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr(ingest.watch, "ingest_folder", store_down_once)
    with watching(base):
        shutil.copy(EXTRA_KNOWLEDGE / f"{NEW}.md", folder)
        eventually(lambda: failed, "the failing sync")
        eventually(lambda: NEW in stored(base), "the article, with no further change")


def test_a_removed_and_recreated_folder_is_followed_again(base: KnowledgeBase):
    folder = base.settings.knowledge_dir
    with watching(base):
        shutil.rmtree(folder)
        eventually(lambda: not state(base).following, "the folder going")
        assert state(base).problem.startswith("folder not found")

        folder.mkdir()
        shutil.copy(EXTRA_KNOWLEDGE / f"{NEW}.md", folder)
        # One sync adds the new article, then removes those that left with the old
        # folder (in that order, so nothing replaced is ever missing): wait for both.
        eventually(lambda: stored(base) == {NEW}, "only the recreated folder's article")
        eventually(lambda: state(base).following and not state(base).problem, "no problem")


def test_an_unreadable_subfolder_is_reported_and_followed_once_it_reads(
    base: KnowledgeBase, caplog: pytest.LogCaptureFixture
):
    team = base.settings.knowledge_dir / "team"
    team.mkdir()
    shutil.copy(EXTRA_KNOWLEDGE / f"{NEW}.md", team)
    team.chmod(0)
    caplog.set_level(logging.WARNING)
    try:
        if os.access(team, os.R_OK):
            pytest.skip("chmod 000 does not stop this user (root) from reading a folder")
        with watching(base):
            eventually(lambda: state(base).skipped, "the unreadable folder")
            assert state(base).following
            assert state(base).skipped == (
                {"file": "team", "error": "folder cannot be read (Permission denied)"},
            )
            assert "team: folder cannot be read" in caplog.text  # at the default log level

            team.chmod(0o755)  # the watch could not see into it: it is opened again
            eventually(lambda: NEW in stored(base), "the folder's article once it reads")
            (team / f"{NEW}.md").unlink()
            eventually(lambda: NEW not in stored(base), "a change inside the folder")
    finally:
        team.chmod(0o755)
