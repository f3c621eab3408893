"""Read one article file into an :class:`~core.types.Article`."""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from core.errors import AssistantError
from core.language import LANGUAGES, detect_language
from core.types import Article
from ingest.cleaning import clean_text

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx")


# Less text than this is a page without an article (a menu, a cookie notice), not content.
MIN_ARTICLE_CHARS = 40
# Why a link is refused; its article id keeps nothing in the store (it was never content).
OUTSIDE_LINK = "link to a file outside the knowledge folder"
OUTSIDE_FOLDER_LINK = "link to a folder outside the knowledge folder"
OUTSIDE_LINKS = (OUTSIDE_LINK, OUTSIDE_FOLDER_LINK)
# A link that leads back to itself (``ln -s loop.md loop.md``): one refused entry.
LINK_LOOP = "link loop (the link leads back to itself)"
# Why a folder's files are missing from a listing; an ingest that meets it deletes
# nothing, since the store cannot tell which articles lived in that folder.
UNREADABLE_FOLDER = "folder cannot be read"
# Names that are never articles: hidden files and folders, editors' backup files.
HIDDEN = (".", "~")


class LoadError(Exception):
    """A file that cannot be ingested; the message is the reason shown to the maintainer."""


class UnreadableFolderError(AssistantError):
    """The knowledge folder itself cannot be read: nothing in it can be told apart."""


def article_id_for(path: Path) -> str:
    """The article id: the file name without its extension, in Unicode's composed form
    (NFC). A Mac writes "é" decomposed, as "e" and an accent: either spelling is one id.
    """
    return unicodedata.normalize("NFC", path.stem)


def control_characters(name: str) -> list[str]:
    """The control characters (line breaks, tabs, ...) in ``name``, as escapes ("\\n")."""
    return [_escaped(c) for c in name if unicodedata.category(c) == "Cc"]


def shown_name(name: str) -> str:
    """``name`` as a report shows it: composed (NFC), on one line, control characters
    written as escapes."""
    return "".join(
        _escaped(c) if unicodedata.category(c) == "Cc" else c
        for c in unicodedata.normalize("NFC", name)
    )


def _escaped(char: str) -> str:
    return repr(char)[1:-1]


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
    if lines[0].strip() == "---":
        raise LoadError("front matter has no closing '---' line")
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


def _check_size(path: Path, max_bytes: int) -> None:
    if path.stat().st_size > max_bytes:
        raise LoadError(f"file is larger than the {_human_size(max_bytes)} limit")


def _read_markdown(path: Path, max_bytes: int) -> tuple[dict[str, object], str]:
    return _split_front_matter(_read_text(path, max_bytes))


def _read_plain(path: Path, max_bytes: int) -> tuple[dict[str, object], str]:
    return {}, _read_text(path, max_bytes)


def _read_html(path: Path, max_bytes: int) -> tuple[dict[str, object], str]:
    """The page's main text only: navigation, scripts, footers and banners are dropped."""
    import trafilatura

    _check_size(path, max_bytes)
    data = path.read_bytes()
    body = trafilatura.extract(
        data,
        output_format="markdown",
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if body is None:
        raise LoadError("not readable HTML (no article text found)")
    meta: dict[str, object] = {}
    found = trafilatura.extract_metadata(data)
    if found is not None:
        meta = {"title": found.title or "", "author": found.author or ""}
        meta["publisher"] = found.sitename or ""
        meta["url"] = found.url or ""
    language = re.search(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2})", data[:4096])
    if language:
        meta["language"] = language.group(1).decode().lower()
    return meta, body


def _read_pdf(path: Path, max_bytes: int) -> tuple[dict[str, object], str]:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    _check_size(path, max_bytes)
    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str(reader.metadata.title or "") if reader.metadata else ""
    except LimitReachedError as exc:
        # pypdf stops inflating a stream past its own output limits (a PDF bomb).
        raise LoadError("PDF stream inflates past the decompression limit") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError("not a readable PDF") from exc
    except Exception as exc:  # a corrupt PDF can raise almost anything inside pypdf
        raise LoadError("not a readable PDF") from exc
    return {"title": title}, "\n\n".join(_paragraphs_from_lines(p) for p in pages)


def _paragraphs_from_lines(page_text: str) -> str:
    """PDF text comes as lines; a line that ends a sentence or a bullet ends a block."""
    blocks: list[str] = []
    current: list[str] = []
    for line in (ln.strip() for ln in page_text.splitlines()):
        if not line:
            if current:
                blocks.append(" ".join(current))
                current = []
            continue
        if re.match(r"^[•\-–*]\s+", line):
            if current:
                blocks.append(" ".join(current))
            current = ["- " + re.sub(r"^[•\-–*]\s+", "", line)]
            continue
        current.append(line)
        if re.search(r"[.!?:]$", line) or len(line) < 60:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    merged: list[str] = []
    for block in blocks:  # neighbouring bullets form one list block
        if merged and block.startswith("- ") and merged[-1].split("\n")[-1].startswith("- "):
            merged[-1] = f"{merged[-1]}\n{block}"
        else:
            merged.append(block)
    return "\n\n".join(merged)


# A .docx is a zip of XML parts. A crafted one inflates a 1 MB file to gigabytes of XML
# that python-docx would parse in memory; its declared sizes are checked first.
MAX_UNPACKED_FACTOR = 10
MAX_COMPRESSION_RATIO = 100


def check_archive(path: Path, max_bytes: int) -> None:
    """Refuse a zip (.docx) whose parts unpack to more than ``MAX_UNPACKED_FACTOR`` times
    the file size limit, or that compress suspiciously well (a zip bomb)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError("not a readable Word document") from exc
    unpacked = sum(part.file_size for part in parts)
    limit = MAX_UNPACKED_FACTOR * max_bytes
    if unpacked > limit:
        raise LoadError(
            f"Word document unpacks to {_human_size(unpacked)}, over the {_human_size(limit)} limit"
        )
    for part in parts:
        ratio = part.file_size // max(part.compress_size, 1)
        if part.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
            raise LoadError(f"Word document part {part.filename} inflates {ratio}-fold")


def _read_docx(path: Path, max_bytes: int) -> tuple[dict[str, object], str]:
    import docx

    _check_size(path, max_bytes)
    check_archive(path, max_bytes)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises package, zip and XML errors alike
        raise LoadError("not a readable Word document") from exc
    blocks: list[str] = []
    items: list[str] = []
    for paragraph in document.paragraphs:
        line = paragraph.text.strip()
        style = (paragraph.style.name if paragraph.style is not None else "").lower()
        if style.startswith("list") and line:
            items.append(f"- {line}")
            continue
        if items:
            blocks.append("\n".join(items))
            items = []
        if line:
            blocks.append(line)
    if items:
        blocks.append("\n".join(items))
    properties = document.core_properties
    meta = {"title": properties.title or "", "author": properties.author or ""}
    return meta, "\n\n".join(blocks)


_READERS = {
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".txt": _read_plain,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}


def load_article(path: Path, max_bytes: int = 20 * 1024 * 1024) -> Article:
    """Load, clean and describe one article.

    The title comes from the front matter or document properties, else the first
    heading or line, else the file name.

    Raises:
        LoadError: the file is unsupported, unreadable, too large or holds no text.
    """
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise LoadError(f"unsupported file type {path.suffix or '(none)'}")
    try:
        _check_size(path, max_bytes)
        meta, body = reader(path, max_bytes)
    except OSError as exc:
        raise LoadError(f"cannot read file ({exc.strerror or exc.__class__.__name__})") from exc
    author = str(meta.get("author") or "")
    text = clean_text(body, author=author)
    if len(text.strip()) < MIN_ARTICLE_CHARS:
        raise LoadError("no article text found (empty after cleaning)")
    title = str(meta.get("title") or "").strip() or _first_line(text) or article_id_for(path)
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
        url=web_address(meta.get("url")),
    )


# Longer web addresses are tracking links, not where an article lives.
MAX_URL_CHARS = 500


def web_address(value: object) -> str:
    """``value`` when it is an http(s) address with a host, else "": the address is shown
    as a link and read for the country it names, so nothing else may pass
    ("javascript:…", a path, text with spaces)."""
    text = str(value or "").strip()
    if not text or len(text) > MAX_URL_CHARS or any(c.isspace() or ord(c) < 32 for c in text):
        return ""
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return ""
    return text if parts.scheme in ("http", "https") and host else ""


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:200]
    return ""


def list_article_files(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Regular files in ``folder`` (recursively) that may be articles, in a stable order,
    and the entries refused with why: links leading outside the folder, broken links,
    link loops, folders that cannot be read, pipes, devices and other things that are
    not plain files. Hidden entries (``.`` or ``~``) are never listed.

    A folder that cannot be read is refused rather than skipped: its articles must not
    look deleted (see :data:`UNREADABLE_FOLDER`).
    """
    root = folder.resolve()
    candidates, refused = _walk(folder)
    files: list[Path] = []
    for path in sorted(candidates):
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError) as exc:  # 3.11 raises RuntimeError for a loop
                refused.append((path, _link_problem(exc)))
                continue
            if not target.is_relative_to(root):
                refused.append((path, OUTSIDE_FOLDER_LINK if target.is_dir() else OUTSIDE_LINK))
                continue
            if target.is_dir():
                continue  # a link to a folder inside: its files are listed where they are
        if not path.is_file():
            refused.append((path, "not a regular file"))
            continue
        files.append(path)
    return files, refused


def _walk(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every visible entry under ``folder`` but the folders walked into (links to folders
    included, never followed), and the folders that could not be read."""
    candidates: list[Path] = []
    refused: list[tuple[Path, str]] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename) if error.filename else folder
        refused.append((where, f"{UNREADABLE_FOLDER} ({error.strerror or type(error).__name__})"))

    for top, dirs, names in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(HIDDEN)]
        here = Path(top)
        candidates += [here / name for name in names if not name.startswith(HIDDEN)]
        candidates += [here / d for d in dirs if (here / d).is_symlink()]
    return candidates, refused


def _link_problem(exc: OSError | RuntimeError) -> str:
    """Why a link cannot be followed, in the maintainer's words."""
    if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:
        return LINK_LOOP
    if isinstance(exc, FileNotFoundError):
        return "broken link"
    return f"cannot follow link ({exc.strerror or type(exc).__name__})"
