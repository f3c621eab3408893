"""Adding and removing article files from the browser, confined to the knowledge folder."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from core.errors import AssistantError
from ingest.loaders import SUPPORTED_SUFFIXES, article_id_for

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


def article_file(article_id: str, folder: Path) -> Path:
    """The file of ``article_id`` in ``folder``.

    Raises:
        AssistantError: the article has no file there.
    """
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if (
            path.is_file()
            and article_id_for(path) == article_id
            and path.suffix.lower() in SUPPORTED_SUFFIXES
        ):
            return path
    raise AssistantError(f"no article file for '{article_id}' in {folder}")


def move_to_trash(path: Path, trash: Path) -> Path:
    """Move an article file into ``trash`` under a time-stamped name; returns where it
    went. Deleting from the browser can then be undone (and an owner can still recover
    the file after the session)."""
    trash.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = trash / f"{stamp}--{path.name}"
    shutil.move(path, target)
    return target


def restore_from_trash(trashed: Path, folder: Path) -> Path:
    """Put a trashed file back into ``folder`` under its old name.

    Raises:
        AssistantError: it is no longer in the trash, or a file of that name came back.
    """
    name = trashed.name.split("--", 1)[-1]
    target = folder / name
    if not trashed.is_file():
        raise AssistantError(f"'{name}' is no longer in the trash")
    if target.exists():
        raise AssistantError(f"'{name}' exists again in the knowledge folder: not replaced")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.move(trashed, target)
    return target
