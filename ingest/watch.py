"""``ingest --watch``: re-sync the store whenever the articles folder changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.errors import AssistantError
from assistant.settings import Settings
from ingest.indexer import IngestReport, ingest_folder


def watch_folder(
    settings: Settings,
    folder: Path,
    on_report: Callable[[IngestReport], None],
    stop_after: int | None = None,
) -> None:
    """Block, re-ingesting after each batch of changes (``stop_after``: for tests)."""
    from watchfiles import watch

    from assistant.embeddings import build_embeddings

    embeddings = build_embeddings(settings.embeddings)  # loaded once for every re-sync
    for runs, _changes in enumerate(watch(folder, debounce=800, rust_timeout=0), start=1):
        try:
            on_report(ingest_folder(settings, folder, embeddings))
        except AssistantError as exc:  # an emptied folder, say: report it, keep watching
            print(f"hr-assistant: {exc}")
        if stop_after is not None and runs >= stop_after:
            return
