"""The one way to change the store: sync the articles folder, add or delete an article.

The CLI's ``ingest`` (and ``--watch``), ``serve``'s watcher and the Articles tab all go
through a :class:`KnowledgeBase`; whoever answers from the store is told after every
change that altered it (``on_change``), and reloads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from core.embeddings import IdentifiedEmbeddings
from core.errors import AssistantError, EmptyStoreError
from core.settings import Settings
from core.store import StoreVersion, ingested_articles, open_store, read_all
from core.types import IngestProgress
from ingest.audit import AuditLog
from ingest.indexer import IngestReport, ingest_folder
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.uploads import (
    article_file,
    move_to_trash,
    restore_from_trash,
    safe_file_name,
    save_upload,
)

if TYPE_CHECKING:
    from ingest.watch import FolderWatcher, WatchState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleInfo:
    """One stored article as the Articles tab lists it."""

    id: str
    title: str
    language: str
    publisher: str
    chunks: int
    last_ingested: datetime | None  # UTC; None when the bookkeeping has no time for it


class KnowledgeBase:
    """The articles folder and the store kept in line with it."""

    suffixes = SUPPORTED_SUFFIXES  # the file types it reads

    def __init__(
        self,
        settings: Settings,
        embeddings: IdentifiedEmbeddings,
        on_change: Callable[[IngestReport], None] | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.on_change = on_change
        self._listing: tuple[int, list[ArticleInfo]] | None = None
        self._versions: StoreVersion | None = None
        self._listing_lock = threading.Lock()
        self._watcher: FolderWatcher | None = None

    def sync(
        self, folder: Path | None = None, *, progress: IngestProgress | None = None
    ) -> IngestReport:
        """Bring the store in line with ``folder`` (default: the articles folder),
        telling ``progress`` how many passages are written as it goes.

        Raises:
            AssistantError: see :func:`ingest.indexer.ingest_folder`.
        """
        report = ingest_folder(self.settings, self.embeddings, folder, progress=progress)
        self._changed(report)
        return report

    def ensure_ingested(self) -> IngestReport | None:
        """Ingest once when the store has nothing yet, so a fresh checkout chats at once."""
        try:
            open_store(self.settings, self.embeddings, create=False)
        except EmptyStoreError:
            return self.sync()
        return None

    def add(self, uploads: Sequence[tuple[Path, str]]) -> tuple[list[Path], list[str]]:
        """Copy uploaded files (path, name the user gave) into the articles folder under
        safe names, without syncing; returns what was saved and a reason per refusal."""
        saved: list[Path] = []
        refused: list[str] = []
        for source, original_name in uploads:
            try:
                saved.append(
                    save_upload(
                        source,
                        original_name,
                        self.settings.knowledge_dir,
                        self.settings.max_file_bytes,
                    )
                )
            except AssistantError as exc:
                refused.append(str(exc))
        return saved, refused

    def clashes(self, names: Sequence[str]) -> list[tuple[str, ArticleInfo | None]]:
        """The uploads (names as the user gave them) that would replace an article
        already in the folder, each with the article it would replace.

        An article is its file name without the extension, so ``verlof.docx`` replaces
        ``verlof.md`` as much as a new ``verlof.md`` does: two files of one article
        would fight over the same passages.
        """
        stored = {a.id: a for a in self.articles()}
        found = []
        for name in names:
            try:
                safe = safe_file_name(name)
            except AssistantError:
                continue  # refused later, with its reason, by add()
            if (self.settings.knowledge_dir / safe).exists() or self._has_file(Path(safe).stem):
                found.append((safe, stored.get(Path(safe).stem)))
        return found

    @staticmethod
    def file_name(name: str) -> str:
        """The name an upload is saved under (the given name when it is refused)."""
        try:
            return safe_file_name(name)
        except AssistantError:
            return name

    def _has_file(self, article_id: str) -> bool:
        try:
            article_file(article_id, self.settings.knowledge_dir)
        except AssistantError:
            return False
        return True

    def trash(self, article_id: str) -> Path:
        """Move the article's file to the trash in the data folder (a sync then drops
        its passages); returns the trashed file, for :meth:`restore`.

        Raises:
            AssistantError: the article has no file in the folder.
        """
        path = article_file(article_id, self.settings.knowledge_dir)
        return move_to_trash(path, self.trash_dir)

    def restore(self, trashed: Path, *, over_newer: bool = False) -> Path:
        """Put a trashed article file back (a sync then ingests it again). With
        ``over_newer`` (undoing a replace) the file that replaced it goes to the trash.

        Raises:
            AssistantError: it is gone from the trash, is not in it, or its name is taken.
        """
        if trashed.resolve().parent != self.trash_dir.resolve():
            raise AssistantError(f"'{trashed.name}' is not in the trash")
        newer = self.settings.knowledge_dir / trashed.name.split("--", 1)[-1]
        if over_newer and newer.is_file() and trashed.is_file():
            move_to_trash(newer, self.trash_dir)
        return restore_from_trash(trashed, self.settings.knowledge_dir)

    @property
    def trash_dir(self) -> Path:
        return self.settings.data_dir / "trash"

    @cached_property
    def audit(self) -> AuditLog:
        """Where admin changes to the articles are written down."""
        return AuditLog.for_settings(self.settings)

    def articles(self) -> list[ArticleInfo]:
        """Every stored article with its passage count and when it last changed, read
        again only after the store version moved."""
        if self._versions is None:
            self._versions = StoreVersion.for_settings(self.settings)
        version = self._versions.current()
        with self._listing_lock:
            if self._listing is not None and self._listing[0] == version:
                return self._listing[1]
        try:
            store = open_store(self.settings, self.embeddings, create=False)
        except EmptyStoreError:
            return []
        by_id: dict[str, list[dict[str, object]]] = {}
        for metadata in read_all(store, ["metadatas"])["metadatas"]:
            if metadata:
                by_id.setdefault(str(metadata.get("article_id", "")), []).append(metadata)
        stamps = ingested_articles(self.settings)
        listing = [
            ArticleInfo(
                id=article_id,
                title=str(passages[0].get("title", "")),
                language=str(passages[0].get("language", "")),
                publisher=str(passages[0].get("publisher", "")),
                chunks=len(passages),
                last_ingested=(
                    datetime.fromtimestamp(stamps[article_id], UTC)
                    if stamps.get(article_id)
                    else None
                ),
            )
            for article_id, passages in sorted(
                by_id.items(), key=lambda kv: str(kv[1][0].get("title", "")).lower()
            )
        ]
        with self._listing_lock:
            self._listing = (version, listing)
        return listing

    def watch(
        self,
        folder: Path | None = None,
        *,
        stop_event: threading.Event | None = None,
        synced: IngestReport | None = None,
        on_report: Callable[[IngestReport], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Block until ``stop_event``, syncing the folder once the watch is open
        (``synced``: the report of a sync just made, shown at once; the catch-up is
        reported only when it changed something) and after each batch of changes. Failures do not
        end it (see :class:`ingest.watch.FolderWatcher`); :meth:`watch_state` says
        what it is doing."""
        from ingest.watch import FolderWatcher

        def reported(report: IngestReport) -> None:
            self._changed(report)
            if on_report is not None:
                on_report(report)

        self._watcher = FolderWatcher(
            self.settings,
            self.embeddings,
            folder or self.settings.knowledge_dir,
            reported,
            on_error,
        )
        self._watcher.run(stop_event or threading.Event(), synced)

    def watch_state(self) -> WatchState | None:
        """What this process's watcher of the folder is doing; None when none runs."""
        return self._watcher.state if self._watcher is not None else None

    def _changed(self, report: IngestReport) -> None:
        logger.info("synced: %s", report.to_json())
        if self.on_change is not None and (report.added or report.updated or report.deleted):
            self.on_change(report)
