"""The conversations a browser keeps (Gradio's ``BrowserState``, in its localStorage):
listed by their first question, reopened after a reload, renamed, deleted.

Nothing of it is stored on the server, so nothing there identifies who asked what. These
are plain functions over the saved value so they can be tested without a browser.
"""

from __future__ import annotations

import uuid
from typing import Any

MAX_CHATS = 30  # the oldest go first: localStorage holds a few MB per site
MAX_TITLE_CHARS = 60

Saved = dict[str, Any]  # {"chats": [{"id", "title", "messages", "records"}], "current": id}


def empty() -> Saved:
    return {"chats": [], "current": ""}


def _valid(saved: Any) -> Saved:
    """The saved value, or an empty one when localStorage held something else."""
    if not isinstance(saved, dict) or not isinstance(saved.get("chats"), list):
        return empty()
    chats = [
        c
        for c in saved["chats"]
        if isinstance(c, dict)
        and isinstance(c.get("id"), str)
        and isinstance(c.get("messages"), list)
        and isinstance(c.get("records"), list)
    ]
    current = saved.get("current") if isinstance(saved.get("current"), str) else ""
    return {"chats": chats, "current": current}


def current(saved: Any) -> str:
    """The id of the chat that was on screen when the browser last saved."""
    return str(_valid(saved)["current"])


def title_of(records: list[Any]) -> str:
    """A chat's default title: its first question, shortened."""
    first = next((r["question"] for r in records if r and r.get("question")), "")
    title = " ".join(str(first).split())
    if len(title) > MAX_TITLE_CHARS:
        title = title[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + " …"
    return title or "…"


def remember(
    saved: Any, chat_id: str, messages: list[Any], records: list[Any]
) -> tuple[Saved, str]:
    """Save the chat on screen (a new one when ``chat_id`` is empty), newest first;
    returns the saved value and the chat's id."""
    saved = _valid(saved)
    if not messages:
        return saved, chat_id
    chat_id = chat_id or uuid.uuid4().hex
    old = find(saved, chat_id)
    chat = {
        "id": chat_id,
        "title": (old or {}).get("title") or title_of(records),
        "messages": messages,
        "records": records,
    }
    others = [c for c in saved["chats"] if c["id"] != chat_id]
    return {"chats": [chat, *others][:MAX_CHATS], "current": chat_id}, chat_id


def find(saved: Any, chat_id: str) -> dict[str, Any] | None:
    return next((c for c in _valid(saved)["chats"] if c["id"] == chat_id), None)


def opened(saved: Any, chat_id: str) -> Saved:
    """The saved value with ``chat_id`` as the chat to reopen after a reload."""
    saved = _valid(saved)
    return {**saved, "current": chat_id if find(saved, chat_id) else ""}


def rename(saved: Any, chat_id: str, title: str) -> Saved:
    saved = _valid(saved)
    title = " ".join(title.split())[:MAX_TITLE_CHARS]
    if not title:
        return saved
    chats = [{**c, "title": title} if c["id"] == chat_id else c for c in saved["chats"]]
    return {**saved, "chats": chats}


def remove(saved: Any, chat_id: str) -> Saved:
    saved = _valid(saved)
    chats = [c for c in saved["chats"] if c["id"] != chat_id]
    current = "" if saved["current"] == chat_id else saved["current"]
    return {"chats": chats, "current": current}


def choices(saved: Any) -> list[tuple[str, str]]:
    """(title, id) of every saved chat, newest first, for the list beside the chat."""
    return [(str(c.get("title") or "…"), c["id"]) for c in _valid(saved)["chats"]]
