"""The Chat tab: the conversation with its follow-up suggestions and question box, the
reason form a thumbs-down asks for, and beside them the latest answer's sources and the
article a [n] opens.

What is said comes from :class:`ui.handlers.ChatApp`; this module lays the tab out and
turns the handlers' results into the updates of each event's outputs. Saving the chat
in the browser is the sidebar's (:mod:`ui.layout_sidebar`): an answer hands over to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr
from gradio.events import Dependency

from assistant.feedback import MAX_COMMENT_CHARS, REASONS
from assistant.suggestions import MAX_SUGGESTIONS
from ui.handlers import PendingVote, Record, last_answer
from ui.relabel import Label, Redraw
from ui.render import source_cards
from ui.texts import text

if TYPE_CHECKING:
    from core.settings import Settings
    from ui.handlers import ChatApp

# The opened article in view, scrolled to its cited passage, which takes the focus
# (page.js). Scrolling the page to the passage would scroll its title and Close away.
SHOW_CITED_JS = "() => window.hrShowCited && window.hrShowCited()"
# After a thumbs-down, its reason form in view with the focus in it (page.js).
SHOW_REASON_JS = "() => window.hrShowReason && window.hrShowReason()"
# The article open beside the chat, if any (page.js), for the switch to word it anew;
# then scrolled back to its cited passage, where it was, without taking the focus.
OPENED_PASSAGE_JS = (
    "(opener, language) => [window.hrOpenedPassage ? window.hrOpenedPassage() : '', language]"
)
SCROLL_TO_CITED_JS = "() => window.hrShowCited && window.hrShowCited({ focus: false })"
# The opener button's script hands over the class of the [n] or card activated.
TAKE_OPENER_JS = "(opener, language) => [window.hrOpener || opener, language]"


@dataclass(frozen=True)
class ReasonForm:
    """Asked after a thumbs-down; sending it is optional. ``pending`` is the
    thumbs-down the reason is for (:data:`ui.handlers.PendingVote`)."""

    box: gr.Group
    reason: gr.Radio
    comment: gr.Textbox
    send: gr.Button
    skip: gr.Button
    pending: gr.State


@dataclass(frozen=True)
class SourcePanel:
    """Beside the chat on a desktop, under it on a phone: the latest answer's sources
    and the article a [n] opens."""

    article_view: gr.HTML
    title: gr.Markdown
    sources: gr.HTML


@dataclass(frozen=True)
class ChatTab:
    """The Chat tab's components. ``records`` is the chat on screen as the server
    keeps it for this page (one record per message, :data:`ui.handlers.Record`)."""

    tab: gr.Tab
    records: gr.State
    chatbot: gr.Chatbot
    suggestions: tuple[gr.Button, ...]
    question: gr.Textbox
    send: gr.Button
    new_chat: gr.Button
    feedback: ReasonForm
    panel: SourcePanel
    # The page's script puts the passage a [n] or a card names here.
    opener: gr.Textbox
    open_button: gr.Button

    @property
    def answer_outputs(self) -> list[Any]:
        """What an answer updates as it streams (:meth:`ui.handlers.ChatApp.respond`):
        the bubbles, the records, the sources and the question box."""
        return [self.chatbot, self.records, self.panel.sources, self.question]

    def labels(self) -> list[Label]:
        return [
            (self.chatbot, "intro", "placeholder"),
            (self.tab, "chat_tab", "label"),
            (self.question, "placeholder", "placeholder"),
            (self.send, "send", "value"),
            (self.new_chat, "new_chat", "value"),
            (self.panel.title, "sources", "value"),
            (self.question, "question", "label"),
            (self.feedback.reason, "reason_label", "label"),
            (self.feedback.comment, "comment_label", "label"),
            (self.feedback.send, "reason_send", "value"),
            (self.feedback.skip, "reason_skip", "value"),
            (self.chatbot, "conversation", "label"),
        ]


def reason_choices(language: str) -> list[tuple[str, str]]:
    """What a thumbs-down may say was wrong, in the interface language."""
    return [(text(language, f"reason_{r}"), r) for r in REASONS]


def chat_redraw(chat: ChatTab) -> Redraw:
    """The reasons a thumbs-down may give follow the interface language."""
    return Redraw((chat.feedback.reason,), reason_update)


def reason_update(language: str) -> tuple[Any, ...]:
    return (gr.update(choices=reason_choices(language)),)


def build_chat_tab(settings: Settings) -> ChatTab:
    """The tab inside the open ``gr.Tabs``, in English until the browser's language
    is known."""
    with gr.Tab(text("en", "chat_tab"), id="chat", elem_id="chat-tab") as tab:
        records = gr.State([])
        with gr.Row(elem_id="chat-row"):
            with gr.Column(scale=3, min_width=320, elem_id="chat-column"):
                chatbot = _chatbot()
                # Follow-up questions from the articles, after each answer.
                with gr.Row(elem_id="suggestions"):
                    suggestions = tuple(
                        gr.Button(
                            "",
                            visible=False,
                            size="sm",
                            elem_classes=["hr-suggestion"],
                            elem_id=f"suggestion-{n}",
                        )
                        for n in range(MAX_SUGGESTIONS)
                    )
                question = gr.Textbox(
                    label=text("en", "question"),
                    placeholder=text("en", "placeholder"),
                    show_label=False,
                    # One line that grows: Enter sends, Shift+Enter a new line.
                    lines=1,
                    max_lines=8,
                    # The server's own limit: what the box takes is answered.
                    max_length=settings.max_question_chars,
                    elem_id="question",
                    autofocus=True,
                )
                with gr.Row():
                    send = gr.Button(text("en", "send"), variant="primary", elem_id="send")
                    new_chat = gr.Button(text("en", "new_chat"), elem_id="new-chat")
                feedback = _build_reason_form()
            panel = _build_source_panel()
        opener = gr.Textbox(visible="hidden", elem_id="opener")
        open_button = gr.Button(visible="hidden", elem_id="opener-go")
    return ChatTab(
        tab=tab,
        records=records,
        chatbot=chatbot,
        suggestions=suggestions,
        question=question,
        send=send,
        new_chat=new_chat,
        feedback=feedback,
        panel=panel,
        opener=opener,
        open_button=open_button,
    )


def _chatbot() -> gr.Chatbot:
    return gr.Chatbot(
        label=text("en", "conversation"),
        # What an empty chat says: how it answers.
        placeholder=text("en", "intro"),
        elem_id="chat",
        # Overridden by the CSS, which fits the chat to the window.
        height=460,
        show_label=False,
        sanitize_html=True,
        feedback_options=("Like", "Dislike"),
        layout="bubble",
        # Each answer has its own copy button, which copies its sources too; Gradio's
        # share button has nowhere to share to.
        buttons=[],
    )


def _build_reason_form() -> ReasonForm:
    pending = gr.State({})
    with gr.Group(visible=False, elem_id="feedback-reason") as box:
        reason = gr.Radio(
            choices=reason_choices("en"), label=text("en", "reason_label"), elem_id="reason"
        )
        comment = gr.Textbox(
            label=text("en", "comment_label"),
            lines=2,
            max_length=MAX_COMMENT_CHARS,
            elem_id="reason-comment",
        )
        with gr.Row():
            send = gr.Button(text("en", "reason_send"), elem_id="reason-send")
            skip = gr.Button(text("en", "reason_skip"), elem_id="reason-skip")
    return ReasonForm(box, reason, comment, send, skip, pending)


def _build_source_panel() -> SourcePanel:
    with gr.Column(scale=2, min_width=300, elem_id="source-panel"):
        article_view = gr.HTML("", elem_id="article-view")
        title = gr.Markdown(text("en", "sources"), elem_id="sources-title")
        sources = gr.HTML(source_cards([], "en"), elem_id="sources")
    return SourcePanel(article_view, title, sources)


def hidden_suggestions() -> tuple[Any, ...]:
    """Every suggestion button empty and hidden."""
    return tuple(gr.update(value="", visible=False) for _ in range(MAX_SUGGESTIONS))


class ChatEvents:
    """The Chat tab's event functions around the page's handlers: each returns the
    updates of its event's outputs, in their order (see the wire functions below)."""

    def __init__(self, handlers: ChatApp) -> None:
        self.handlers = handlers

    def offer(self, records_now: list[Record | None], language: str) -> tuple[Any, ...]:
        """The follow-up suggestions for the chat on screen, one update per button."""
        found = self.handlers.suggestions(records_now, language)
        return tuple(
            gr.update(value=found[n], visible=True)
            if n < len(found)
            else gr.update(value="", visible=False)
            for n in range(MAX_SUGGESTIONS)
        )

    def switched(self, language: str, records_now: list[Record | None]) -> str:
        """The latest answer's source cards in the new language."""
        return self.handlers.cards(last_answer(records_now), language)

    def reworded(self, opened: str, language: str) -> Any:
        """The article open beside the chat in the new language (none open: as it is)."""
        return self.handlers.open_source(opened, language) if opened else gr.update()

    def on_like(
        self, like: Any, records_now: list[Record | None], language: str
    ) -> tuple[Any, ...]:
        """A vote; a thumbs-down opens the reason form, emptied, for that answer."""
        pending = self.handlers.rate(like, records_now, language)
        return gr.update(visible=bool(pending)), pending, None, ""

    def on_reason(
        self, pending: PendingVote, why: str | None, note: str, language: str
    ) -> tuple[Any, ...]:
        """Send (or skip, ``why`` None) the reason: the thumbs-down's one toast."""
        toast = self.handlers.explain(pending, why, note, language)
        if toast:
            gr.Info(toast, title=text(language, "toast_info"))
        return gr.update(visible=False), {}


# Gradio passes the rating only to a parameter annotated with the real LikeData class;
# this module's annotations are strings, so it is set here.
ChatEvents.on_like.__annotations__ = {"like": gr.LikeData}


def then_offer(event: Dependency, chat: ChatTab, ui_language: gr.Radio, events: ChatEvents) -> Any:
    """Then the follow-up suggestions for the chat now on screen."""
    return event.then(
        events.offer,
        inputs=[chat.records, ui_language],
        outputs=list(chat.suggestions),
        api_visibility="private",
    )


def wire_asking(
    chat: ChatTab, ui_language: gr.Radio, events: ChatEvents, keep: Callable[[Dependency], None]
) -> list[dict[str, Any]]:
    """Enter, Send or a suggestion asks; ``keep`` chains what follows each answer (the
    sidebar saves the chat). Returns the answer events, which a switch of chat cancels:
    an answer still streaming belongs to the chat being left (Gradio types ``cancels``
    as dicts, which its events are)."""
    answering: list[dict[str, Any]] = []

    def answered(event: Dependency) -> None:
        answer = event.then(
            events.handlers.respond,
            inputs=[chat.question, chat.chatbot, chat.records, ui_language],
            outputs=chat.answer_outputs,
            api_visibility="private",
        )
        answering.append(answer)
        keep(answer)

    suggestions = list(chat.suggestions)
    for trigger in (chat.question.submit, chat.send.click):
        # The suggestions go first: they belong to the answer being replaced.
        answered(trigger(hidden_suggestions, outputs=suggestions, api_visibility="private"))
    for button in chat.suggestions:
        # A suggestion is asked as if typed: into the box, then sent.
        answered(
            button.click(
                lambda chosen: (chosen, *hidden_suggestions()),
                inputs=[button],
                outputs=[chat.question, *suggestions],
                api_visibility="private",
            )
        )
    return answering


def wire_chat_tab(chat: ChatTab, ui_language: gr.Radio, events: ChatEvents) -> None:
    """The thumbs and their reason form, the [n] and cards that open an article, and
    what a switch of language words anew (on the switch only: at load, the sidebar's
    restore shows the chat)."""
    form = chat.feedback
    chat.chatbot.like(
        events.on_like,
        inputs=[chat.records, ui_language],
        outputs=[form.box, form.pending, form.reason, form.comment],
        api_visibility="private",
    ).then(None, js=SHOW_REASON_JS)
    form.send.click(
        events.on_reason,
        inputs=[form.pending, form.reason, form.comment, ui_language],
        outputs=[form.box, form.pending],
        api_visibility="private",
    )
    form.skip.click(
        lambda pending, language: events.on_reason(pending, None, "", language),
        inputs=[form.pending, ui_language],
        outputs=[form.box, form.pending],
        api_visibility="private",
    )
    chat.open_button.click(
        events.handlers.open_source,
        inputs=[chat.opener, ui_language],
        outputs=[chat.panel.article_view],
        js=TAKE_OPENER_JS,
        api_visibility="private",
    ).then(None, js=SHOW_CITED_JS)
    _wire_switch(chat, ui_language, events)


def _wire_switch(chat: ChatTab, ui_language: gr.Radio, events: ChatEvents) -> None:
    """The sources, suggestions and open article follow a switch of language."""
    switched = ui_language.input(
        events.switched,
        inputs=[ui_language, chat.records],
        outputs=[chat.panel.sources],
        api_visibility="private",
    )
    then_offer(switched, chat, ui_language, events)
    # The page script says which passage is open (an article closed since, or one a new
    # chat took away, is not worded anew: it would show again).
    ui_language.input(
        events.reworded,
        inputs=[chat.opener, ui_language],
        outputs=[chat.panel.article_view],
        js=OPENED_PASSAGE_JS,
        api_visibility="private",
    ).then(None, js=SCROLL_TO_CITED_JS)
