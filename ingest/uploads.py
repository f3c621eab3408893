"""Adding and removing article files from the browser, confined to the knowledge folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from core.errors import AssistantError
from ingest.loaders import SUPPORTED_SUFFIXES

MAX_NAME_CHARS = 120


def safe_file_name(name: str) -> str:
    """A plain file name from whatever the browser sent: no folders, no odd characters.

    Raises:
        AssistantError: nothing usable is left, or the type is not an article type.
    """
    base = re.split(r"[\\\\/]", name.strip())[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = f".{suffix.lower()}" if suffix else ""
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(SUPPORTED_SUFFIXES)
        raise AssistantError(f"'{base}' is not an article file (allowed: {allowed})")
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:MAX_NAME_CHARS]
    if not clean:
        raise AssistantError(f"'{base}' has no usable file name")
    return f"{clean}{suffix}"


def save_upload(source: Path, original_name: str, folder: Path, max_bytes: int) -> Path:
    """Copy an uploaded file into ``folder`` under a safe name; returns where it went."""
    name = safe_file_name(original_name)
    if source.stat().st_size > max_bytes:
        raise AssistantError(f"'{name}' is larger than {max_bytes // (1024 * 1024)} MB")
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / name).resolve()
    if target.parent != folder.resolve():
        raise AssistantError(f"'{original_name}' would be written outside the knowledge folder")
    shutil.copyfile(source, target)
    return target


def delete_article_file(article_id: str, folder: Path) -> Path:
    """Remove the file of ``article_id`` from ``folder``; the next ingest drops its passages."""
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file() and path.stem == article_id and path.suffix.lower() in SUPPORTED_SUFFIXES:
            path.unlink()
            return path
    raise AssistantError(f"no article file for '{article_id}' in {folder}")
