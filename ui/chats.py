"""The conversations a browser keeps (in its localStorage, one key per chat, written by
the page script ``ui/page.js``): listed by their first question, reopened after a
reload, renamed, pinned, deleted.

Nothing of it is stored on the server, so nothing there identifies who asked what. These
are plain functions over the *saved value* so they can be tested without a browser: for
each event that lists or changes the chats, the page script reads what the browser holds
(:func:`from_browser`), and the server tells it back only what changed (:func:`changes`),
so that a tab never writes another tab's chats back stale.

The saved value comes back from the browser, so it is untrusted input: whoever controls
the browser can send anything. Only the chat's *records* (questions and answers as plain
data) are kept, each checked field by field and capped in size; the chat's bubbles are
rebuilt from them on the server (:func:`ui.handlers.messages_of`). Keeping Gradio's own
message dicts would let a forged one name a server file for the chat to serve.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
import uuid
from typing import Any

from core.language import LANGUAGES
from ui.texts import text

logger = logging.getLogger(__name__)

MAX_CHATS = 30  # the oldest go first: localStorage holds a few MB per site
MAX_TITLE_CHARS = 60
MAX_RECORDS = 100  # per chat: 50 questions and their answers; the oldest go first
MAX_QUESTION_CHARS = 2_500  # a saved question; the box takes max_question_chars (2000)
MAX_ANSWER_CHARS = 20_000
MAX_CITATIONS = 20
MAX_FIELD_CHARS = 5_000  # a citation's snippet, title, section …
# localStorage holds about 5 MB per site (UTF-16, after Gradio's encryption and base64):
# beyond this the browser would refuse to save, silently, so the oldest chats go first.
MAX_SAVED_CHARS = 1_200_000
_CHAT_ID = re.compile(r"[0-9a-f]{32}")
# The citation fields a saved chat keeps; one missing (a chat saved before "url") is "".
# The url is shown as a link only when it is http(s) (ui.render.origin_link).
_CITATION_TEXT = (
    "source",
    "title",
    "chunk_id",
    "snippet",
    "language",
    "section",
    "publisher",
    "url",
)
# Kept only when there is one, so a chat without machine translations (every chat saved
# before them) is the same value it always was, and not written back.
_OPTIONAL_CITATION_TEXT = ("translation",)

Record = dict[str, Any]
# {"chats": [{"id", "title", "records", "updated", "pinned"?}], "current": id}: the pinned
# chats first, then the others, each newest first. "pinned" is there only when true, so a
# chat saved before pins existed is the same value, and not written back.
Saved = dict[str, Any]
# What the page script writes: {"put": chat}, {"remove": id}, {"current": id} (the chat on
# screen in this tab), or {"forget_legacy": True} (once the old single value is moved).
Change = dict[str, Any]


def empty() -> Saved:
    return {"chats": [], "current": ""}


def _text(value: Any, limit: int) -> str | None:
    return value if isinstance(value, str) and len(value) <= limit else None


def _citation(value: Any) -> dict[str, Any] | None:
    """A citation as :class:`core.types.Citation` takes it, or None when malformed."""
    if not isinstance(value, dict) or set(value) - {"n", *_CITATION_TEXT, *_OPTIONAL_CITATION_TEXT}:
        return None
    n = value.get("n")
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 1000:
        return None
    fields = {k: _text(value.get(k, ""), MAX_FIELD_CHARS) for k in _CITATION_TEXT}
    fields |= {k: _text(value[k], MAX_FIELD_CHARS) for k in _OPTIONAL_CITATION_TEXT if value.get(k)}
    if any(v is None for v in fields.values()):
        return None
    return {"n": n, **fields}


def _citations(value: Any) -> list[dict[str, Any]] | None:
    if not isinstance(value, list) or len(value) > MAX_CITATIONS:
        return None
    checked = [_citation(c) for c in value]
    return None if any(c is None for c in checked) else checked  # type: ignore[return-value]


def valid_record(record: Any) -> Record | None:
    """One chat record checked field by field: a question, an answer or an error.

    Returns the record rebuilt from its known fields only, or None when anything is off.
    """
    if not isinstance(record, dict):
        return None
    if set(record) == {"question"}:
        question = _text(record["question"], MAX_QUESTION_CHARS)
        return {"question": question} if question is not None else None
    if set(record) == {"error"}:
        error = _text(record["error"], MAX_FIELD_CHARS)
        return {"error": error} if error is not None else None
    if "answer" not in record or set(record) - {
        "id",
        "seal",
        "answer",
        "asked",
        "language",
        "note",
        "citations",
        "closest",
    }:
        return None
    answer = {
        "id": _text(record.get("id", ""), 64),
        "answer": _text(record["answer"], MAX_ANSWER_CHARS),
        "asked": _text(record.get("asked", ""), MAX_QUESTION_CHARS),
        "note": _text(record.get("note", ""), MAX_FIELD_CHARS),
        "language": record.get("language") if record.get("language") in LANGUAGES else None,
        "citations": _citations(record.get("citations", [])),
        "closest": _citations(record.get("closest", [])),
    }
    if "seal" in record:
        # The server's mark on an answer it gave (ui.security.AnswerSeal): checked when
        # the answer is rated, not here, so a chat saved before answers had one shows.
        answer["seal"] = _text(record["seal"], 64)
    return None if any(v is None for v in answer.values()) else answer


def _valid_records(records: Any) -> list[Record] | None:
    """The records of one chat, in question/answer pairs; None when any is malformed."""
    if not isinstance(records, list):
        return None
    checked = [valid_record(r) for r in records]
    if any(r is None for r in checked):
        return None
    kept = [r for r in checked if r is not None]
    if len(kept) > MAX_RECORDS:
        kept = kept[-MAX_RECORDS:]
    while kept and "question" not in kept[0]:  # never start a chat with half a pair
        kept = kept[1:]
    return kept


def _valid_chat(chat: Any) -> dict[str, Any] | None:
    if not isinstance(chat, dict) or not _CHAT_ID.fullmatch(str(chat.get("id", ""))):
        return None
    records = _valid_records(chat.get("records"))
    title = _text(chat.get("title", ""), MAX_TITLE_CHARS)
    updated = chat.get("updated", 0.0)  # seconds since 1970; none in the old single value
    if not isinstance(updated, int | float) or isinstance(updated, bool):
        return None
    if not records or title is None or not math.isfinite(updated) or updated < 0:
        return None
    # A pin mark that is not a plain true is read as unpinned, never as a reason to drop
    # the conversation: it is a display flag (a later version may store more in it).
    pinned = chat.get("pinned", False)
    if not isinstance(pinned, bool):
        logger.warning("a saved chat's pin mark was not true or false; it is shown unpinned")
    checked = {"id": chat["id"], "title": title, "records": records, "updated": float(updated)}
    return _pinned(checked, pinned is True)


def _pinned(chat: dict[str, Any], on: bool) -> dict[str, Any]:
    """``chat`` pinned or not: the mark is kept only when it is on (see :data:`Saved`)."""
    unmarked = {k: v for k, v in chat.items() if k != "pinned"}
    return {**unmarked, "pinned": True} if on else unmarked


def _valid(saved: Any) -> Saved:
    """The saved value with every malformed chat left out (an empty one when
    localStorage held something else)."""
    if not isinstance(saved, dict) or not isinstance(saved.get("chats"), list):
        return empty()
    chats: list[dict[str, Any]] = []
    for raw in saved["chats"][: MAX_CHATS * 2]:
        chat = _valid_chat(raw)
        if chat is None:
            logger.warning("a saved chat from the browser was malformed and is left out")
        elif all(c["id"] != chat["id"] for c in chats):
            chats.append(chat)
    # The pinned first, each part newest first; stable: equal times keep their order. The
    # pinned are thus the last to go past MAX_CHATS.
    chats.sort(key=lambda c: (not c.get("pinned", False), -c["updated"]))
    current = saved.get("current")
    current = current if isinstance(current, str) and any(c["id"] == current for c in chats) else ""
    return {"chats": chats[:MAX_CHATS], "current": current}


def from_browser(stored: Any) -> tuple[Saved, list[Change]]:
    """The saved value from what the page script read (``{"chats": [...], "current":
    id}``), checked like any saved value; and the removal of the chats it holds that
    are malformed or past :data:`MAX_CHATS`, so they do not linger unseen."""
    saved = _valid(stored)
    held = stored.get("chats") if isinstance(stored, dict) else None
    ids = {c.get("id") for c in held if isinstance(c, dict)} if isinstance(held, list) else set()
    kept = {c["id"] for c in saved["chats"]}
    gone = sorted(i for i in ids if isinstance(i, str) and _CHAT_ID.fullmatch(i) and i not in kept)
    return saved, [{"remove": chat_id} for chat_id in gone]


def with_legacy(saved: Saved, legacy: Any) -> Saved:
    """``saved`` with the chats of Gradio's ``BrowserState`` (all chats in one value, as
    kept before each chat had its own key) that it lacks, older than its own, in order."""
    old = _valid(legacy)
    if not old["chats"]:
        return saved
    saved = _valid(saved)
    oldest = min([c["updated"] for c in saved["chats"]] + [time.time()])
    moved = [
        {**chat, "updated": max(oldest - 1 - n, 0.0)}
        for n, chat in enumerate(old["chats"])
        if find(saved, chat["id"]) is None
    ]
    current = saved["current"] or old["current"]
    return _valid({"chats": [*saved["chats"], *moved], "current": current})


def changes(before: Any, after: Any) -> list[Change]:
    """What the page script writes so that the browser, holding ``before`` as far as
    this page knows, holds ``after``: only the chats that changed, one key each. A chat
    that another tab saved meanwhile is not in ``before`` here, and so is left alone."""
    before, after = _valid(before), _valid(after)
    held = {c["id"]: c for c in before["chats"]}
    kept = {c["id"] for c in after["chats"]}
    out: list[Change] = [{"put": c} for c in after["chats"] if held.get(c["id"]) != c]
    out += [{"remove": chat_id} for chat_id in held if chat_id not in kept]
    if after["current"] != before["current"]:
        out.append({"current": after["current"]})
    return out


def current(saved: Any) -> str:
    """The id of the chat that was on screen when the browser last saved."""
    return str(_valid(saved)["current"])


def title_of(records: list[Any]) -> str:
    """A chat's default title: its first question, shortened."""
    first = next((r["question"] for r in records if isinstance(r, dict) and r.get("question")), "")
    title = " ".join(str(first).split())
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 2].rsplit(" ", 1)[0] + " …"
    return title or "…"


def _continues(stored: list[Record], shown: list[Record]) -> bool:
    """Whether the chat on screen is the stored chat with turns added (its oldest ones
    may have gone past :data:`MAX_RECORDS`), not a copy another tab has added to since."""
    shifts = range(0, len(stored), 2) if len(shown) >= MAX_RECORDS else range(1)
    return any(stored[k:] == shown[: len(stored) - k] for k in shifts)


def remember(saved: Any, chat_id: str, records: list[Any]) -> tuple[Saved, str]:
    """Save the chat on screen (a new one when ``chat_id`` is empty, or when another tab
    has added to it meanwhile: both are kept), newest first; returns the saved value
    and the chat's id."""
    saved = _valid(saved)
    checked = _valid_records(records)
    if not checked:
        if records:
            logger.warning("the chat on screen could not be saved: a record is malformed")
        return saved, chat_id
    old = find(saved, chat_id)
    if old is not None and not _continues(old["records"], checked):
        logger.info("a chat changed in another tab: this tab's turns are kept as a new chat")
        old, chat_id = None, ""
    chat_id = chat_id if _CHAT_ID.fullmatch(chat_id or "") else uuid.uuid4().hex
    chat = {
        "id": chat_id,
        "title": (old or {}).get("title") or title_of(checked),
        "records": checked,
        "updated": time.time(),
    }
    chat = _pinned(chat, bool((old or {}).get("pinned")))
    others = [c for c in saved["chats"] if c["id"] != chat_id]
    kept = [chat, *others][:MAX_CHATS]
    while len(kept) > 1 and len(json.dumps(kept, ensure_ascii=False)) > MAX_SAVED_CHARS:
        kept.pop()
    return {"chats": kept, "current": chat_id}, chat_id


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


def pin(saved: Any, chat_id: str, on: bool) -> Saved:
    """``saved`` with ``chat_id`` pinned (listed first, and the last to go past
    :data:`MAX_CHATS`) or unpinned. Its time stays: among the pinned, as among the
    others, the newest is first."""
    saved = _valid(saved)
    chats = [_pinned(c, on) if c["id"] == chat_id else c for c in saved["chats"]]
    return _valid({**saved, "chats": chats})


def pinned(saved: Any, chat_id: str) -> bool:
    return bool((find(saved, chat_id) or {}).get("pinned"))


def remove(saved: Any, chat_id: str) -> Saved:
    saved = _valid(saved)
    chats = [c for c in saved["chats"] if c["id"] != chat_id]
    current = "" if saved["current"] == chat_id else saved["current"]
    return {"chats": chats, "current": current}


def restored(saved: Any, chat: Any) -> Saved:
    """``saved`` with a deleted ``chat`` back in its place among the others (by when it
    was last updated), checked like any chat; unchanged when it is there already."""
    saved = _valid(saved)
    if not isinstance(chat, dict) or find(saved, str(chat.get("id", ""))) is not None:
        return saved
    return _valid({**saved, "chats": [*saved["chats"], chat]})


def choices(saved: Any, language: str = "en") -> list[tuple[str, str]]:
    """(label, id) of every saved chat for the list beside the chat: the pinned first,
    each named so in words (read out alike, and drawn with any font), then the others;
    each part newest first."""
    return [(_label(c, language), c["id"]) for c in _valid(saved)["chats"]]


def _label(chat: dict[str, Any], language: str) -> str:
    title = str(chat.get("title") or "…")
    return text(language, "pinned_chat", title=title) if chat.get("pinned") else title
