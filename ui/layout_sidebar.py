"""The sidebar: the chats this browser saved, searched and listed, and what acts on the
chat on screen (rename, delete and undo, pin, export).

The browser keeps its conversations, one localStorage key per chat, read and written by
the page script (page.js, ``window.hrChats``); the server checks whatever the browser
sends (:mod:`ui.chats`), since the browser is the user's, and keeps none of it. So each
event here reads the chats afresh into its first input and writes back what it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import gradio as gr
from gradio.events import Dependency

from core.language import LANGUAGES
from core.settings import Settings, installation_key
from ui import chats
from ui.handlers import last_answer, messages_of
from ui.layout_chat import ChatEvents, ChatTab, then_offer
from ui.relabel import Label
from ui.render import escape
from ui.texts import text

if TYPE_CHECKING:
    from ui.handlers import ChatApp

# The page script reads what this browser holds into an event's first input, fresh for
# every event that lists or changes the saved chats, and writes back what the server
# changed.
READ_CHATS_JS = (
    "async (held, ...rest) => {"
    " for (let i = 0; i < 50 && !window.hrChats; i++) await new Promise(r => setTimeout(r, 20));"
    " return [window.hrChats ? window.hrChats.read() : null, ...rest]; }"
)
WRITE_CHATS_JS = "(changes) => { window.hrChats && window.hrChats.write(changes); }"
# Downloads the chat on screen as Markdown, with each answer's sources (built in the
# browser from the bubbles, so no copy of the conversation is written on the server).
EXPORT_CHAT_JS = "() => window.hrExportChat && window.hrExportChat()"
# Where Gradio's BrowserState kept all chats in one value, before each had its own key.
LEGACY_CHATS_KEY = "hr-assistant-chats"


@dataclass(frozen=True)
class BrowserChats:
    """Between the page script and the server: what it read (``held``,
    chats.from_browser) and is to write (``to_store``, chats.changes), a button it
    clicks when another tab saved, the old single value (``legacy``), the id of the
    chat on screen (``current``, "" before its first answer), and this page's deleted
    chats, latest last (``deleted``: kept, like the chat on screen, for this page only)."""

    held: gr.JSON
    to_store: gr.JSON
    sync: gr.Button
    legacy: gr.BrowserState
    current: gr.State
    deleted: gr.State


@dataclass(frozen=True)
class Sidebar:
    """The sidebar's components. What acts on the chat on screen waits for it to be
    saved (its first answer)."""

    browser: BrowserChats
    title: gr.Markdown
    search: gr.Textbox
    chat_list: gr.Radio
    chat_title: gr.Textbox
    rename: gr.Button
    delete: gr.Button
    pin: gr.Button
    export: gr.Button
    deleted_box: gr.Group
    deleted_note: gr.Markdown
    undo: gr.Button

    @property
    def actions(self) -> list[Any]:
        """What :func:`chat_actions` updates, in its order."""
        return [self.chat_title, self.rename, self.delete, self.export, self.pin]

    def labels(self) -> list[Label]:
        return [
            (self.title, "chats_title", "value"),
            (self.search, "chat_search", "label"),
            (self.search, "chat_search_hint", "placeholder"),
            (self.chat_list, "chats", "label"),
            (self.chat_title, "chat_title", "label"),
            (self.rename, "rename", "value"),
            (self.delete, "delete_chat", "value"),
            (self.export, "export", "value"),
            (self.undo, "undo_chat", "value"),
        ]


def no_match_note() -> str:
    """The line the page script fills when no saved chat matches the search (page.js), in
    either language: the search never asks the server, not even for its words."""
    words = " ".join(
        f'data-{language}="{escape(text(language, "no_chat_match"))}"' for language in LANGUAGES
    )
    return f'<p class="hr-muted hr-chat-none" role="status" {words}></p>'


def browser_secret(settings: Settings) -> str:
    """This installation's key for the chats that browsers kept in Gradio's
    BrowserState before each chat had its own key: it decrypts them once, to move them."""
    return installation_key(settings, "browser-state")


def build_sidebar(settings: Settings) -> Sidebar:
    """The sidebar, with the hidden components the page script and the server share."""
    held = gr.JSON(visible=False)
    to_store = gr.JSON(visible=False)
    sync = gr.Button(visible="hidden", elem_id="chats-sync")
    # Gradio's BrowserState kept all chats in one value (encrypted with this
    # installation's key): read once at load, its chats move to keys of their own.
    legacy = gr.BrowserState(None, storage_key=LEGACY_CHATS_KEY, secret=browser_secret(settings))
    current = gr.State("")
    with gr.Sidebar(label=text("en", "chats"), open=True, width=270, elem_id="chat-sidebar"):
        title = gr.Markdown(text("en", "chats_title"), elem_id="chats-title")
        # Filters the list as you type, in the browser (page.js): no event listens to it,
        # so what is searched for never reaches the server (and Gradio would draw it
        # read-only unless told otherwise).
        search = gr.Textbox(
            label=text("en", "chat_search"),
            placeholder=text("en", "chat_search_hint"),
            lines=1,
            max_lines=1,
            interactive=True,
            elem_id="chat-search",
        )
        gr.HTML(no_match_note(), elem_id="chat-search-none")
        chat_list = gr.Radio(
            choices=[], label=text("en", "chats"), show_label=False, elem_id="chat-list"
        )
        chat_title = gr.Textbox(
            label=text("en", "chat_title"),
            max_length=chats.MAX_TITLE_CHARS,
            interactive=False,
            elem_id="chat-title",
        )
        rename, delete, pin, export = _chat_buttons()
        # A deleted chat can be brought back for as long as the page is open.
        with gr.Group(visible=False, elem_id="chat-deleted") as deleted_box:
            deleted_note = gr.Markdown("", elem_id="chat-deleted-note")
            undo = gr.Button(text("en", "undo_chat"), size="sm", elem_id="undo-delete-chat")
    return Sidebar(
        browser=BrowserChats(held, to_store, sync, legacy, current, deleted=gr.State([])),
        title=title,
        search=search,
        chat_list=chat_list,
        chat_title=chat_title,
        rename=rename,
        delete=delete,
        pin=pin,
        export=export,
        deleted_box=deleted_box,
        deleted_note=deleted_note,
        undo=undo,
    )


def _chat_buttons() -> tuple[gr.Button, gr.Button, gr.Button, gr.Button]:
    """Rename, delete, pin and export: off until a saved chat is on screen."""
    with gr.Row():
        rename = gr.Button(
            text("en", "rename"), size="sm", interactive=False, elem_id="rename-chat"
        )
        delete = gr.Button(
            text("en", "delete_chat"), size="sm", interactive=False, elem_id="delete-chat"
        )
    with gr.Row():
        # Its name says what it does, "Pin" or "Unpin": a screen reader says it too.
        pin = gr.Button(text("en", "pin"), size="sm", interactive=False, elem_id="pin-chat")
        export = gr.Button(
            text("en", "export"), size="sm", interactive=False, elem_id="export-chat"
        )
    return rename, delete, pin, export


def listing(saved: chats.Saved, language: str, chat_id: str) -> Any:
    """The list of saved chats, with ``chat_id`` chosen ("" none)."""
    return gr.update(choices=chats.choices(saved, language), value=chat_id or None)


def chat_actions(chat: dict[str, Any] | None, language: str) -> tuple[Any, ...]:
    """The chat's title, and whether it can be renamed, deleted, exported and pinned:
    only once there is a saved chat on screen (:attr:`Sidebar.actions`)."""
    on = chat is not None
    return (
        gr.update(value=chat["title"] if chat else "", interactive=on),
        *(gr.update(interactive=on) for _ in range(3)),
        pin_button(chat, language, interactive=on),
    )


def pin_button(chat: dict[str, Any] | None, language: str, **more: Any) -> Any:
    """The button names what it would do, "Pin chat" or "Unpin chat": its name tells a
    screen reader whether the chat on screen is pinned."""
    pinned = bool(chat and chat.get("pinned"))
    return gr.update(value=text(language, "unpin" if pinned else "pin"), **more)


def offer_undo(gone: list[dict[str, Any]], language: str) -> tuple[Any, ...]:
    """The offer to bring back the latest deleted chat, naming it (none: hidden)."""
    if not gone:
        return gone, gr.update(visible=False), ""
    title_gone = escape(str(gone[-1].get("title") or "…"))
    return gone, gr.update(visible=True), text(language, "chat_deleted", title=title_gone)


# How many updates SidebarEvents.shown returns (ChatSaving.shown_outputs).
SHOWN_COUNT = 12


class SidebarEvents:
    """The saved chats' event functions. ``browser`` is what the page script read
    (checked here, :func:`ui.chats.from_browser`); each returns the updates of its
    event's outputs, in their order (see :class:`ChatSaving`)."""

    def __init__(self, handlers: ChatApp) -> None:
        self.handlers = handlers

    def keep(
        self, browser: Any, records_now: list[Any], chat_id: str, language: str
    ) -> tuple[Any, ...]:
        """The chat on screen saved after an answer (a new one gets its id)."""
        before = chats.from_browser(browser)[0]
        after, chat_id = chats.remember(before, chat_id, records_now)
        return (
            chats.changes(before, after),
            chat_id,
            listing(after, language, chat_id),
            *chat_actions(chats.find(after, chat_id), language),
        )

    def shown(
        self,
        chat: dict[str, Any] | None,
        before: chats.Saved,
        after: chats.Saved,
        language: str,
        then: Sequence[chats.Change] = (),
    ) -> tuple[Any, ...]:
        """The page showing ``chat`` (None: a new one), and the changes that save
        ``after`` where the browser held ``before``, followed by ``then``."""
        records_now = chat["records"] if chat else []
        chat_id = chat["id"] if chat else ""
        return (
            messages_of(records_now),
            records_now,
            self.handlers.cards(last_answer(records_now), language),
            "",
            [*chats.changes(before, after), *then],
            chat_id,
            listing(after, language, chat_id),
            *chat_actions(chats.find(after, chat_id), language),
        )

    def start_over(self, browser: Any, language: str) -> tuple[Any, ...]:
        before = chats.from_browser(browser)[0]
        return self.shown(None, before, chats.opened(before, ""), language)

    def reopen(self, browser: Any, chat_id: str | None, language: str) -> tuple[Any, ...]:
        before = chats.from_browser(browser)[0]
        chat = chats.find(before, chat_id or "")
        after = chats.opened(before, chat["id"] if chat else "")
        return self.shown(chat, before, after, language)

    def restore(self, browser: Any, language: str, old: Any) -> tuple[Any, ...]:
        """The chats this browser holds (with those of the old single value moved to
        keys of their own), and the one this tab had on screen."""
        before, leftovers = chats.from_browser(browser)
        merged = chats.with_legacy(before, old)
        chat = chats.find(merged, merged["current"])
        after = chats.opened(merged, chat["id"] if chat else "")
        moved = [{"forget_legacy": True}] if old is not None else []
        return self.shown(chat, before, after, language, [*leftovers, *moved])

    def synced(self, browser: Any, chat_id: str, language: str) -> tuple[Any, ...]:
        """Another tab changed the saved chats (or the language changed here): the list
        and the pin follow. The chat on screen stays; asked on, it is saved as a new
        chat if the other tab added to it."""
        after = chats.opened(chats.from_browser(browser)[0], chat_id)
        return (
            listing(after, language, after["current"]),
            pin_button(chats.find(after, after["current"]), language),
        )

    def renamed(self, browser: Any, chat_id: str, new_title: str, language: str) -> tuple[Any, ...]:
        before = chats.from_browser(browser)[0]
        after = chats.rename(before, chat_id, new_title)
        return chats.changes(before, after), listing(after, language, chat_id)

    def toggle_pin(self, browser: Any, chat_id: str, language: str) -> tuple[Any, ...]:
        """Pin the chat on screen, or unpin it, as the browser holds it now."""
        before = chats.from_browser(browser)[0]
        after = chats.pin(before, chat_id, not chats.pinned(before, chat_id))
        return (
            chats.changes(before, after),
            listing(after, language, chat_id),
            pin_button(chats.find(after, chat_id), language),
        )

    def forget(
        self, browser: Any, chat_id: str, language: str, gone: list[dict[str, Any]]
    ) -> tuple[Any, ...]:
        before = chats.from_browser(browser)[0]
        chat = chats.find(before, chat_id)
        after = chats.opened(chats.remove(before, chat_id), "")
        gone = [*gone, chat] if chat else gone
        return (*self.shown(None, before, after, language), *offer_undo(gone, language))

    def bring_back(
        self, browser: Any, language: str, gone: list[dict[str, Any]]
    ) -> tuple[Any, ...]:
        before = chats.from_browser(browser)[0]
        if not gone:
            return (*(gr.update() for _ in range(SHOWN_COUNT)), *offer_undo(gone, language))
        *rest, latest = gone
        after = chats.restored(before, latest)
        chat = chats.find(after, latest["id"])
        after = chats.opened(after, chat["id"] if chat else "")
        return (*self.shown(chat, before, after, language), *offer_undo(rest, language))


@dataclass(frozen=True)
class ChatSaving:
    """How the events of the saved chats are wired: each reads what the browser holds,
    then the page script writes what it changed, and where it put a chat on screen, the
    follow-up suggestions of that chat are offered."""

    sidebar: Sidebar
    chat: ChatTab
    ui_language: gr.Radio
    events: SidebarEvents
    chat_events: ChatEvents

    @property
    def kept_outputs(self) -> list[Any]:
        """What :meth:`SidebarEvents.keep` updates, in its order."""
        browser = self.sidebar.browser
        return [browser.to_store, browser.current, self.sidebar.chat_list, *self.sidebar.actions]

    @property
    def shown_outputs(self) -> list[Any]:
        """What :meth:`SidebarEvents.shown` updates, in its order."""
        chat = self.chat
        screen = [chat.chatbot, chat.records, chat.panel.sources, chat.panel.article_view]
        return [*screen, *self.kept_outputs]

    def reads(
        self,
        trigger: Callable[..., Any],
        fn: Callable[..., tuple[Any, ...]],
        inputs: Sequence[Any],
        outputs: Sequence[Any],
        cancels: list[dict[str, Any]] | None = None,
    ) -> Dependency:
        """``trigger`` runs ``fn`` on what the browser holds, then ``inputs``."""
        return trigger(
            fn,
            inputs=[self.sidebar.browser.held, *inputs],
            outputs=list(outputs),
            js=READ_CHATS_JS,
            api_visibility="private",
            cancels=cancels,
        )

    def stored(self, event: Dependency) -> Dependency:
        """Then the page script writes what ``event`` changed of the saved chats."""
        return event.then(None, inputs=[self.sidebar.browser.to_store], js=WRITE_CHATS_JS)

    def offered(self, event: Dependency) -> Dependency:
        """Then the saved chats are written and the follow-up suggestions offered for
        the chat now on screen."""
        return then_offer(self.stored(event), self.chat, self.ui_language, self.chat_events)

    def keep(self, answered: Dependency) -> None:
        """After an answer: the chat saved in the browser, then its suggestions."""
        inputs = [self.chat.records, self.sidebar.browser.current, self.ui_language]
        self.offered(self.reads(answered.then, self.events.keep, inputs, self.kept_outputs))


class _Reads(NamedTuple):
    """One event of the saved chats (a row of :func:`wire_sidebar`'s table)."""

    triggers: tuple[Callable[..., Any], ...]
    fn: Callable[..., tuple[Any, ...]]
    inputs: list[Any]  # after what the browser holds
    outputs: list[Any]
    then: Callable[[Dependency], Dependency] | None  # ChatSaving.stored or .offered
    # Stops an answer still streaming: it belongs to the chat being left, and could
    # otherwise write into the next chat or be saved under its id.
    stops_answer: bool = False


def wire_sidebar(
    saving: ChatSaving, language_set: Dependency, answering: list[dict[str, Any]]
) -> None:
    """The saved chats' events (:func:`_events`); ``answering``: the answer events
    (:func:`ui.layout_chat.wire_asking`), which a switch of chat stops."""
    assert len(saving.shown_outputs) == SHOWN_COUNT, "SidebarEvents.shown and its outputs"
    for row in _events(saving, language_set):
        for trigger in row.triggers:
            cancels = answering if row.stops_answer else None
            event = saving.reads(trigger, row.fn, row.inputs, row.outputs, cancels)
            if row.then is not None:
                row.then(event)
    side, browser, language = saving.sidebar, saving.sidebar.browser, saving.ui_language
    side.export.click(None, js=EXPORT_CHAT_JS)
    undo_offer = [browser.deleted, side.deleted_box, side.deleted_note]
    language.input(
        offer_undo, inputs=[browser.deleted, language], outputs=undo_offer, api_visibility="private"
    )


def _events(saving: ChatSaving, language_set: Dependency) -> list[_Reads]:
    """The events that read the saved chats, as a table. ``language_set``: the page
    load's language event; the list and the chat that was on screen follow it, in that
    language, then its suggestions (one chain: run side by side, a later step could
    overwrite an earlier one with the wrong language)."""
    side, browser, lang = saving.sidebar, saving.sidebar.browser, saving.ui_language
    on, shown, chat = saving.events, saving.shown_outputs, saving.chat
    current, listed = browser.current, [side.chat_list, side.pin]
    undone = [*shown, browser.deleted, side.deleted_box, side.deleted_note]
    stored, offered = saving.stored, saving.offered
    stops = {"stops_answer": True}
    return [
        _Reads((chat.new_chat.click,), on.start_over, [lang], shown, offered, **stops),
        _Reads((side.chat_list.input,), on.reopen, [side.chat_list, lang], shown, offered, **stops),
        _Reads((language_set.then,), on.restore, [lang, browser.legacy], shown, offered),
        # Another tab saved, or the switch here (at load, restore shows them).
        _Reads((browser.sync.click, lang.input), on.synced, [current, lang], listed, None),
        _Reads(
            (side.rename.click, side.chat_title.submit),
            on.renamed,
            [current, side.chat_title, lang],
            [browser.to_store, side.chat_list],
            stored,
        ),
        _Reads(
            (side.pin.click,), on.toggle_pin, [current, lang], [browser.to_store, *listed], stored
        ),
        # "Delete chat" and the chat box's own trash icon (Gradio's "Clear") both delete
        # the chat on screen, and both can be undone.
        _Reads(
            (side.delete.click, chat.chatbot.clear),
            on.forget,
            [current, lang, browser.deleted],
            undone,
            offered,
            **stops,
        ),
        _Reads(
            (side.undo.click,), on.bring_back, [lang, browser.deleted], undone, offered, **stops
        ),
    ]
