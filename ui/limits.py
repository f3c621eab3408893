"""Bounds on what one request may cost `serve`: the size of its body, and the disk its
uploads take.

Gradio reads a whole request body into memory before any handler sees it (one 200 MB JSON
question took `serve` from 410 MB to a 1 GB peak), and keeps every upload in its temporary
folder. The middlewares here sit in front of Gradio's routes (``launch(app_kwargs=...)``,
see :func:`ui.app.launch_kwargs`) and refuse with 413 before anything is parsed or stored.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
from starlette.datastructures import Headers
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.responses import PlainTextResponse

from ui import chats

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from core.settings import Settings

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
GRADIO_API = "/gradio_api"
UPLOAD_PATH = f"{GRADIO_API}/upload"
# Named API calls (`/call/chat`, `/call/v2/chat`, `/run/chat`, `/api/chat`): the one public
# endpoint, `/chat`, takes a question and nothing else.
API_CALL_PREFIXES = tuple(f"{GRADIO_API}/{route}/" for route in ("call", "run", "api"))
# A `/chat` call may carry this many characters past the assistant's limit and still
# get the assistant's own "too long" message instead of a bare 413. (The question box
# takes exactly the assistant's limit: what it takes, the server answers.)
API_QUESTION_SLACK = 500
# A question's character costs at most 12 bytes of JSON ("\ud83d\ude00" for one emoji
# when the client escapes non-ASCII); the rest of a call (event data, session) is small.
JSON_BYTES_PER_CHAR = 12
ENVELOPE_BYTES = 4096
# Every other request of the page: its largest events carry the chats this browser keeps
# (at most chats.MAX_SAVED_CHARS characters, at most 4 bytes each as UTF-8) or the chat on
# screen (its bubbles); never more than a few MB, and nowhere near a 200 MB body.
PAGE_BODY_BYTES = 4 * chats.MAX_SAVED_CHARS + 3 * MIB
# An upload is used within minutes (the admin confirms a replacement or not); past this
# age it is deleted to make room, whether Gradio still knows of it or not.
UPLOAD_MAX_AGE_S = 3600.0


def api_body_bytes(max_question_chars: int) -> int:
    """The largest body a `/chat` call may have: a question somewhat past the limit (so
    that it is told it is too long), each character escaped as expensively as JSON
    allows, in its envelope."""
    return (max_question_chars + API_QUESTION_SLACK) * JSON_BYTES_PER_CHAR + ENVELOPE_BYTES


class BodyLimits:
    """ASGI middleware: a request body past its route's limit is refused with 413 before
    the route reads it, by its Content-Length or by the bytes counted as they stream in
    (a chunked body has no Content-Length).

    Starlette's own limit does the counting (FastAPI turns it into a 413 wherever a body
    is read); Gradio mounts its routes itself, so the limit is chosen here, by path.
    Uploads pass: Gradio's ``max_file_size`` and :class:`UploadQuota` bound them.
    """

    def __init__(self, app: ASGIApp, api_bytes: int, page_bytes: int = PAGE_BODY_BYTES) -> None:
        self.app = app
        self.api = RequestBodyLimitMiddleware(app, max_body_size=api_bytes)
        self.page = RequestBodyLimitMiddleware(app, max_body_size=page_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path == UPLOAD_PATH:
            await self.app(scope, receive, send)
        elif path.startswith(API_CALL_PREFIXES):
            await self.api(scope, receive, send)
        else:
            await self.page(scope, receive, send)


class UploadQuota:
    """ASGI middleware: the files in Gradio's upload folder stay under ``quota_bytes`` in
    all; an upload that would go past it is refused with 413 before Gradio stores any of it.

    Gradio offers a limit per file (``max_file_size``) and the deletion of files it knows
    of by age (``delete_cache``), but no total, and it never deletes what an upload cut off
    midway had written: so the total is kept here, over everything in the folder, and
    files older than ``max_age_s`` are deleted before each upload is measured.
    """

    def __init__(
        self,
        app: ASGIApp,
        folder: Path,
        quota_bytes: int,
        max_age_s: float = UPLOAD_MAX_AGE_S,
    ) -> None:
        self.app = app
        self.folder = folder
        self.quota_bytes = quota_bytes
        self.max_age_s = max_age_s
        self._in_flight = 0  # bytes let through to uploads still streaming in
        self._lock = anyio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != UPLOAD_PATH:
            await self.app(scope, receive, send)
            return
        declared = content_length(scope)
        async with self._lock:  # one measurement at a time: two cannot share the room
            stored = await anyio.to_thread.run_sync(stored_bytes, self.folder, self.max_age_s)
            room = self.quota_bytes - stored - self._in_flight
            admitted = room if declared is None else declared
            fits = room > 0 and admitted <= room
            if fits:
                self._in_flight += admitted
        if not fits:
            logger.warning(
                "upload refused: %s bytes, %d stored and %d arriving of %d allowed",
                "streamed" if declared is None else declared,
                stored,
                self._in_flight,
                self.quota_bytes,
            )
            refusal = PlainTextResponse(
                "Upload refused: the space for uploads is full; try again later.",
                status_code=413,
                headers={"Connection": "close"},
            )
            await refusal(scope, receive, send)
            return
        try:
            limited = RequestBodyLimitMiddleware(self.app, max_body_size=admitted)
            await limited(scope, receive, send)
        finally:
            self._in_flight -= admitted


def content_length(scope: Scope) -> int | None:
    """The request's declared body size, or None (chunked, or not a number)."""
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def stored_bytes(folder: Path, max_age_s: float) -> int:
    """Bytes of the files under ``folder``, after deleting those (and folders) older than
    ``max_age_s`` seconds."""
    cutoff = time.time() - max_age_s
    total = 0
    for root, _dirs, files in os.walk(folder, topdown=False):
        pruned = False
        for name in files:
            path = Path(root, name)
            try:
                status = path.lstat()
                if status.st_mtime < cutoff:
                    path.unlink()
                    pruned = True
                else:
                    total += status.st_size
            except FileNotFoundError:
                continue  # gone meanwhile: Gradio moves each upload once it is stored
        # A subfolder goes once emptied here, or once old and empty (Gradio makes one,
        # then moves an upload into it).
        here = Path(root)
        if here == folder:
            continue
        try:
            if (pruned or here.lstat().st_mtime < cutoff) and not any(here.iterdir()):
                here.rmdir()
        except OSError as exc:  # filled or removed meanwhile: the next pass looks again
            logger.debug("kept upload subfolder %s: %s", here, exc)
    return total


def upload_folder(settings: Settings, host: str, port: int) -> Path:
    """The temporary folder of one `serve` (its data folder, host and port): inside
    GRADIO_TEMP_DIR when set, else the system's. Its own, so that emptying it at start
    and stop touches no other process's uploads."""
    base = Path(os.environ.get("GRADIO_TEMP_DIR") or tempfile.gettempdir())
    key = f"{settings.data_dir.resolve()}|{host}|{port}"
    return base / f"hr-assistant-uploads-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def fresh_upload_folder(folder: Path) -> None:
    """Empty ``folder`` (a stopped or killed `serve` may have left uploads there) and
    create it, readable by this user only."""
    if folder.exists() or folder.is_symlink():
        shutil.rmtree(folder)  # refuses a link: never follows one out of the folder
    folder.mkdir(mode=0o700, parents=True)


def remove_upload_folder(folder: Path) -> None:
    """Delete ``folder`` as `serve` stops; a failure is logged, since stopping goes on."""
    if not (folder.exists() or folder.is_symlink()):
        return
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        logger.warning("could not delete the upload folder %s: %s", folder, exc)
