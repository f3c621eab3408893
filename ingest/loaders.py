"""Read one article file into an :class:`~assistant.types.Article`."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.language import LANGUAGES, detect_language
from assistant.types import Article
from ingest.cleaning import clean_text

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt")


class LoadError(Exception):
    """A file that cannot be ingested; the message is the reason shown to the maintainer."""


def article_id_for(path: Path) -> str:
    """The article id: the file name without its extension."""
    return path.stem


def _split_front_matter(raw: str) -> tuple[dict[str, object], str]:
    if not raw.startswith("---"):
        return {}, raw
    lines = raw.splitlines()
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            try:
                meta = yaml.safe_load("\n".join(lines[1:end])) or {}
            except yaml.YAMLError as exc:
                raise LoadError(
                    f"front matter is not valid YAML ({exc.__class__.__name__})"
                ) from exc
            if not isinstance(meta, dict):
                raise LoadError("front matter is not a mapping")
            return meta, "\n".join(lines[end + 1 :])
    return {}, raw


def _human_size(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size / 1024:g} KB"


def _read_text(path: Path, max_bytes: int) -> str:
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(f"file is larger than the {_human_size(max_bytes)} limit")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError("text is not UTF-8") from exc


def load_article(path: Path, max_bytes: int = 20 * 1024 * 1024) -> Article:
    """Load, clean and describe one article.

    Raises:
        LoadError: the file is unsupported, unreadable, too large or holds no text.
    """
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type {path.suffix or '(none)'}")
    try:
        raw = _read_text(path, max_bytes)
    except OSError as exc:
        raise LoadError(f"cannot read file ({exc.strerror or exc.__class__.__name__})") from exc
    meta, body = _split_front_matter(raw) if path.suffix.lower() != ".txt" else ({}, raw)
    author = str(meta.get("author") or "")
    text = clean_text(body, author=author)
    if not text.strip():
        raise LoadError("no text left after cleaning")
    title = str(meta.get("title") or "").strip() or _first_line(text) or path.stem
    language = str(meta.get("language") or "").strip().lower()
    if language not in LANGUAGES:
        language = detect_language(text)
    return Article(
        id=article_id_for(path),
        title=title,
        language=language,
        text=text,
        publisher=str(meta.get("publisher") or ""),
        author=author,
        path=str(path),
    )


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:200]
    return ""


def list_article_files(folder: Path) -> list[Path]:
    """Files in ``folder`` (recursively) that look like articles, in a stable order."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not p.name.startswith("~")
    )
