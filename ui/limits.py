"""Bounds on what one request may cost `serve`: the size of its body.

Gradio reads a whole request body into memory before any handler sees it (one 200 MB JSON
question took `serve` from 410 MB to a 1 GB peak). The middleware here sits in front of
Gradio's routes (``launch(app_kwargs=...)``, see :func:`ui.app.launch_kwargs`) and refuses
with 413 before anything is parsed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.middleware.body_limit import RequestBodyLimitMiddleware

from ui import chats

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
GRADIO_API = "/gradio_api"
UPLOAD_PATH = f"{GRADIO_API}/upload"
# Named API calls (`/call/chat`, `/call/v2/chat`, `/run/chat`, `/api/chat`): the one public
# endpoint, `/chat`, takes a question and nothing else.
API_CALL_PREFIXES = tuple(f"{GRADIO_API}/{route}/" for route in ("call", "run", "api"))
# The question box takes this many characters past the assistant's limit, so that a
# question pasted a little too long is refused with a message, not cut off.
QUESTION_BOX_SLACK = 500
# A question's character costs at most 12 bytes of JSON ("\ud83d\ude00" for one emoji
# when the client escapes non-ASCII); the rest of a call (event data, session) is small.
JSON_BYTES_PER_CHAR = 12
ENVELOPE_BYTES = 4096
# Every other request of the page: its largest events carry the chats this browser keeps
# (at most chats.MAX_SAVED_CHARS characters, at most 4 bytes each as UTF-8) or the chat on
# screen (its bubbles); never more than a few MB, and nowhere near a 200 MB body.
PAGE_BODY_BYTES = 4 * chats.MAX_SAVED_CHARS + 3 * MIB


def api_body_bytes(max_question_chars: int) -> int:
    """The largest body a legal `/chat` call needs: the longest question the question box
    takes, each character escaped as expensively as JSON allows, in its envelope."""
    return (max_question_chars + QUESTION_BOX_SLACK) * JSON_BYTES_PER_CHAR + ENVELOPE_BYTES


class BodyLimits:
    """ASGI middleware: a request body past its route's limit is refused with 413 before
    the route reads it, by its Content-Length or by the bytes counted as they stream in
    (a chunked body has no Content-Length).

    Starlette's own limit does the counting (FastAPI turns it into a 413 wherever a body
    is read); Gradio mounts its routes itself, so the limit is chosen here, by path.
    Uploads pass: Gradio's ``max_file_size`` bounds each file.
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
