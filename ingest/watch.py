"""Re-sync the store whenever the articles folder changes (``ingest --watch``, ``serve``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from core.embeddings import IdentifiedEmbeddings
from core.errors import AssistantError
from core.settings import Settings
from ingest.indexer import IngestReport, ingest_folder

logger = logging.getLogger(__name__)


def watch_folder(
    settings: Settings,
    folder: Path,
    on_report: Callable[[IngestReport], None],
    stop_after: int | None = None,
    *,
    embeddings: IdentifiedEmbeddings,
    stop_event: threading.Event | None = None,
    on_error: Callable[[str], None] | None = None,
) -> None:
    """Block, re-ingesting after each batch of changes, until ``stop_event`` is set
    (``stop_after``: a number of re-syncs, for tests)."""
    from watchfiles import watch

    changes = watch(folder, debounce=800, rust_timeout=0, stop_event=stop_event)
    for runs, _changed in enumerate(changes, start=1):
        try:
            on_report(ingest_folder(settings, embeddings, folder))
        except AssistantError as exc:  # an emptied folder, say: report it, keep watching
            logger.warning("re-ingest of %s failed: %s", folder, exc)
            if on_error is not None:
                on_error(str(exc))
        if stop_after is not None and runs >= stop_after:
            return
