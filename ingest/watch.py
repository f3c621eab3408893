"""Follow the articles folder (``ingest --watch``, ``serve``): re-sync the store after
every batch of changes, and keep doing so whatever goes wrong.

A watcher that dies leaves the chat answering from a stale store while everything
says it follows the folder, so :class:`FolderWatcher` supervises itself: a failure is
logged with its cause, the next try waits longer each time (up to a minute), a folder
that is gone is waited for, and the folder is re-opened and synced again. Its
:class:`WatchState` says what it is doing, for the Articles tab.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.embeddings import IdentifiedEmbeddings
from core.errors import AssistantError, StoreError
from core.settings import Settings
from ingest.indexer import IngestReport, ingest_folder
from ingest.loaders import UNREADABLE_FOLDER, UnreadableFolderError

logger = logging.getLogger(__name__)

DEBOUNCE_MS = 800  # edits that settle within this time become one sync
# A quiet watch checks this often that its folder is still the one it opened: a folder
# removed and recreated is a new one, and the old watch never hears of it.
CHECK_FOLDER_MS = 2000
FIRST_RETRY_S = 1.0  # after a failure; doubled after each failure in a row
MAX_RETRY_S = 60.0
FOLDER_POLL_S = 1.0  # how often a missing folder is looked for


@dataclass(frozen=True)
class WatchState:
    """What the watcher is doing. Replaced whole on each change, so another thread
    reading ``FolderWatcher.state`` never sees half an update."""

    folder: Path
    following: bool = False
    last_sync: datetime | None = None  # when the last sync finished (UTC)
    skipped: tuple[dict[str, str], ...] = ()  # the files that sync could not ingest
    problem: str = ""  # why it is not following, or why the last sync failed
    # While a sync runs: (passages written, passages in all). One large article takes
    # an hour, and "last sync 12:04 UTC" alone says nothing of it meanwhile.
    syncing: tuple[int, int] | None = None


class FolderWatcher:
    """Syncs the store with ``folder`` after each change until stopped."""

    def __init__(
        self,
        settings: Settings,
        embeddings: IdentifiedEmbeddings,
        folder: Path,
        on_report: Callable[[IngestReport], None],
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.folder = folder
        self.on_report = on_report
        self.on_error = on_error
        self.state = WatchState(folder=folder)
        self._retry_s = FIRST_RETRY_S
        self._unreadable: list[Path] = []  # folders the last sync could not read
        self._folder_problem = False  # the problem is the folder's, not a sync's

    def run(self, stop: threading.Event, synced: IngestReport | None = None) -> None:
        """Block until ``stop`` is set. The folder is synced once the watch is open,
        then after every change. ``synced``, the report of a sync just made, is shown
        at once; the catch-up sync still runs, as a file can change between that sync
        and the watch opening (it finds nothing to do otherwise). Nothing but ``stop``
        ends it: after any failure it backs off, waits for the folder, re-opens it and
        syncs what changed meanwhile."""
        if synced is not None:
            self._synced(synced)
        catch_up = True
        while not stop.is_set():
            try:
                if self._wait_for_folder(stop):
                    self._follow(stop, catch_up)
            except Exception as exc:  # anything at all: this thread must not die quietly
                self._back_off(exc, stop)
            catch_up = True

    def _follow(self, stop: threading.Event, catch_up: bool) -> None:
        """Sync after each batch of changes until ``stop``, or until the folder is
        removed or replaced. The catch-up sync comes after the watch is open, so
        nothing changed in between goes unseen."""
        from watchfiles import watch

        opened = _identity(self.folder)
        # A problem with the folder itself ("folder not found") ends here; one a sync or
        # the store met stays until a sync succeeds (the catch-up runs at once).
        self._set(following=True, **({"problem": ""} if self._folder_problem else {}))
        self._folder_problem = False
        for changes in watch(
            self.folder,
            debounce=DEBOUNCE_MS,
            rust_timeout=CHECK_FOLDER_MS,
            yield_on_timeout=True,
            stop_event=stop,
            ignore_permission_denied=True,  # an unreadable subfolder is reported by the sync
        ):
            if _identity(self.folder) != opened:
                logger.warning("%s was removed or replaced; opening it again", self.folder)
                self._set(following=False, problem="folder removed or replaced")
                self._folder_problem = True
                return
            if self._unreadable_reads_again():  # the watch never covered it
                self._unreadable = []  # until the sync after opening it again
                return
            if changes or catch_up:
                # A catch-up that finds nothing changed is not worth a report: after
                # the sync the caller just reported, it would print a second one.
                self._sync(announce=bool(changes))
                catch_up = False

    def _sync(self, announce: bool = True) -> None:
        """One sync. A refusal (an emptied folder, say) is reported and the watch goes
        on until the next change; any other failure, the store's included, goes up to
        :meth:`run`, which syncs again after a pause."""
        try:
            report = ingest_folder(
                self.settings, self.embeddings, self.folder, progress=self._progressed
            )
        except StoreError as exc:
            # The store failing (a database down, a lease that cannot be taken) is no
            # refusal of the folder: run() backs off and syncs again, so the change is
            # caught up without waiting for the next edit. Said as a refusal is.
            if self.on_error is not None:
                self.on_error(str(exc))
            raise
        except AssistantError as exc:
            logger.warning("re-ingest of %s failed: %s", self.folder, exc)
            if isinstance(exc, UnreadableFolderError):  # the watch cannot see into it
                self._unreadable = [self.folder]
            self._set(problem=str(exc), syncing=None)
            if self.on_error is not None:
                self.on_error(str(exc))
            return
        if announce or report.added or report.updated or report.deleted:
            self.on_report(report)
        self._synced(report)

    def _progressed(self, done: int, total: int) -> None:
        """How far the sync under way is (an :data:`core.types.IngestProgress`). Its last
        step, every passage written, is left out: the sync ends a moment later, and the
        line would otherwise say "syncing: 187 of 187" of a sync with nothing left to do."""
        if done < total:
            self._set(syncing=(done, total))

    def _synced(self, report: IngestReport) -> None:
        self._retry_s = FIRST_RETRY_S
        self._unreadable = [
            self.folder / e["file"]
            for e in report.errors
            if e["error"].startswith(UNREADABLE_FOLDER)
        ]
        self._set(
            last_sync=datetime.now(UTC), skipped=tuple(report.errors), problem="", syncing=None
        )
        if report.errors:  # at the default log level: nobody may be watching the tab
            logger.warning(
                "synced %s; %d skipped: %s",
                self.folder,
                len(report.errors),
                "; ".join(f"{e['file']}: {e['error']}" for e in report.errors),
            )

    def _unreadable_reads_again(self) -> bool:
        """Whether a folder the last sync could not read can be read now (a cheap check
        on every tick: the watch could not see into it, so nothing else will tell)."""
        return any(os.access(path, os.R_OK | os.X_OK) for path in self._unreadable)

    def _wait_for_folder(self, stop: threading.Event) -> bool:
        """Return once the folder exists (True) or ``stop`` is set (False)."""
        if self.folder.is_dir():
            return True
        logger.warning("%s is not there; following it again once it is", self.folder)
        self._set(following=False, problem=f"folder not found: {self.folder}")
        self._folder_problem = True
        while not self.folder.is_dir():
            if stop.wait(FOLDER_POLL_S):
                return False
        logger.warning("%s is back; following it again", self.folder)
        return True

    def _back_off(self, exc: Exception, stop: threading.Event) -> None:
        """Log a failure with its cause, then wait, longer after each failure in a row."""
        logger.error(
            "following %s failed; trying again in %g s", self.folder, self._retry_s, exc_info=exc
        )
        self._set(following=False, problem=_describe(exc), syncing=None)
        stop.wait(self._retry_s)
        self._retry_s = min(2 * self._retry_s, MAX_RETRY_S)

    def _set(self, **changes: Any) -> None:
        self.state = replace(self.state, **changes)


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder is at ``folder`` now (device and inode), or None when none is."""
    try:
        found = os.stat(folder)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _describe(exc: BaseException) -> str:
    """A failure in one line, for the Articles tab."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__
