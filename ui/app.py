"""The page (Gradio Blocks) put together, and what every launch of it passes.

Each area of the page has its own module, which lays out its components (a small
dataclass names them) and wires their events: the saved chats (:mod:`ui.layout_sidebar`),
the header (:mod:`ui.layout_header`), the chat with [n] markers, source cards and the
article viewer (:mod:`ui.layout_chat`), the Articles tab (:mod:`ui.layout_articles`) and
the Insights tab (:mod:`ui.insights_tab`); what follows the interface language is
:mod:`ui.relabel`'s. :func:`build_app` only builds them in page order and wires them
to the handlers in :mod:`ui.handlers`.

The UI only presents: questions go to :class:`assistant.chain.Assistant`, changes of
the articles to the knowledge base, ratings to :class:`assistant.feedback.FeedbackStore`;
nothing here decides what is answered.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from core.language import LANGUAGES
from core.settings import PROJECT_ROOT, Settings
from ui.handlers import ChatApp
from ui.insights_tab import (
    InsightsEvents,
    build_insights_footer,
    build_insights_tab,
    insights_redraw,
    wire_insights_tab,
)
from ui.layout_articles import (
    ArticlesEvents,
    articles_redraw,
    build_articles_tab,
    wire_admin_password,
    wire_articles_tab,
)
from ui.layout_chat import ChatEvents, build_chat_tab, chat_redraw, wire_asking, wire_chat_tab
from ui.layout_header import build_header, load_language, wire_header
from ui.layout_sidebar import ChatSaving, SidebarEvents, build_sidebar, wire_sidebar
from ui.limits import BodyLimits, UploadQuota, api_body_bytes
from ui.relabel import Labelled, wire_relabel
from ui.render import CSS
from ui.security import AttemptLimiter, ClientAddress, is_loopback, sign_in_checker
from ui.texts import text

if TYPE_CHECKING:
    from assistant.chain import Assistant
    from assistant.feedback import FeedbackStore
    from assistant.insights import QuestionLog
    from ingest.knowledge_base import KnowledgeBase

logger = logging.getLogger(__name__)

PAGE_JS = (Path(__file__).with_name("page.js")).read_text(encoding="utf-8")
# Where the page script takes the words it shows itself (see page_script).
PAGE_WORDS_MARK = "__HR_PAGE_WORDS__"
PAGE_WORDS = ("copied", "export_question", "page_title")

# Gradio's own words that it looks up in its translations, by their key there: the page
# gives them in each interface language (``launch(i18n=…)``), and its script sets
# Gradio's language to the interface language, so that what Gradio draws says them.
# "common.complete" has no translation in Gradio, not even English: without one, screen
# readers read out the key itself.
GRADIO_WORDS = {
    "chatbot.like": "gradio_like",
    "chatbot.dislike": "gradio_dislike",
    "chatbot.clear": "gradio_clear",
    "common.complete": "gradio_done",
    "upload_text.drop_file": "gradio_drop_file",
    "upload_text.click_to_upload": "gradio_click_to_upload",
}
# What Gradio has drawn keeps the words of its language then (the browser's, at load), and
# some of its labels are English whatever its language: the page script swaps these, as
# Gradio writes them in English, for the interface language's (page.js). The words of
# GRADIO_WORDS are swapped too.
GRADIO_DRAWN = {
    "Liked": "gradio_liked",
    "Disliked": "gradio_disliked",
    "chatbot conversation": "conversation",
    "Scroll down": "gradio_scroll_down",
    "Click to upload or drop files": "gradio_upload_area",
    "File upload": "gradio_file_input",
    "- or -": "gradio_or",
    "Toggle Sidebar": "gradio_sidebar",
    "More tabs": "gradio_more_tabs",
    "Close": "close",  # a toast's
    "Info": "toast_info",  # a toast's heading: Gradio writes its kind, not its title
    "Warning": "toast_warning",
}

# Questions answered at once; the others wait in Gradio's queue. More only share the two
# cores' GIL: with 20 sessions, 20 at once gave the same answers per second and a p95
# twice as long (bench/load.py).
CONCURRENT_ANSWERS = 4
# How often a waiting browser is told its place in the queue. Gradio's "auto" tells
# every waiting request each time one starts: 14 messages per answer with 20 sessions,
# each written by serve and read by a client; at 1 s, about 2.
QUEUE_STATUS_SECONDS = 1.0
# Gradio summarises its traffic log with pandas after every request (2 ms with 500
# requests logged, 7.5 ms at its cap of 10,000), for a monitoring page this app turns
# off (launch_kwargs): this many requests between summaries means never.
GRADIO_SUMMARY_EVERY = 10**12


def build_app(
    assistant: Assistant,
    knowledge: KnowledgeBase,
    feedback: FeedbackStore,
    question_log: QuestionLog | None = None,
    *,
    host: str = "127.0.0.1",
) -> gr.Blocks:
    """The page: the saved chats, a chat with source cards and an article viewer, an
    articles tab, and with the question log on, an insights tab. Each area is built in
    page order, then wired to the handlers (:class:`ui.handlers.ChatApp`).

    ``host``: the address `serve` binds. Beyond loopback, anyone who reaches the page
    could change the articles, so without an admin password the Articles tab is
    read-only there (on loopback it stays open, as for one person on their machine).
    """
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = assistant.settings
    manage, insights_shown = page_access(settings, host, question_log)
    handlers = ChatApp(assistant, knowledge, feedback, question_log, manage_articles=manage)
    # The window's title in English until the page script gives it the interface language's.
    with gr.Blocks(
        title=text("en", "page_title"), analytics_enabled=False, fill_width=False
    ) as app:
        sidebar = build_sidebar(settings)
        header = build_header()
        ui_language = header.ui_language
        with gr.Tabs() as tabs:
            chat = build_chat_tab(settings)
            articles = build_articles_tab(knowledge, settings, manage)
            insights = build_insights_tab() if insights_shown else None
        footer = build_insights_footer() if question_log is not None else None

        chat_events = ChatEvents(handlers)
        saving = ChatSaving(sidebar, chat, ui_language, SidebarEvents(handlers), chat_events)
        answering = wire_asking(chat, ui_language, chat_events, saving.keep)
        language_set = load_language(app, header)
        wire_sidebar(saving, language_set, answering)
        wire_chat_tab(chat, ui_language, chat_events)
        admin = articles.admin
        articles_events = ArticlesEvents(handlers, insights_shown)
        wire_articles_tab(articles, ui_language, articles_events, language_set)
        password_boxes = [admin.password_box]
        redraws = [articles_redraw(articles, articles_events), chat_redraw(chat)]
        if insights is not None:
            insights_events = InsightsEvents(handlers)
            wire_insights_tab(
                insights, ui_language, insights_events, tabs, admin.gap_asked, admin.key
            )
            password_boxes.append(insights.password_box)
            redraws.append(insights_redraw(insights, insights_events))
        if settings.admin_password:  # typed once, in either tab, it counts for both
            wire_admin_password(admin, ui_language, articles_events, password_boxes)
        areas: list[Labelled] = [sidebar, header, chat, articles]
        areas += [area for area in (insights, footer) if area is not None]
        wire_relabel(ui_language, [label for area in areas for label in area.labels()], redraws)
        wire_header(header)
        gr.api(handlers.api_chat, api_name="chat")
    return app


def queued(app: gr.Blocks) -> gr.Blocks:
    """``app`` with the queue ``serve`` runs: :data:`CONCURRENT_ANSWERS` at once, its
    waiting requests told their place every :data:`QUEUE_STATUS_SECONDS`, and no traffic
    summaries (Gradio reads that setting from the environment when the queue is made)."""
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(GRADIO_SUMMARY_EVERY))
    return app.queue(
        default_concurrency_limit=CONCURRENT_ANSWERS, status_update_rate=QUEUE_STATUS_SECONDS
    )


def page_access(
    settings: Settings, host: str, question_log: QuestionLog | None
) -> tuple[bool, bool]:
    """Whether the page manages the articles, and whether it has an Insights tab; where
    either is off for want of an admin password, the log says so."""
    manage = bool(settings.admin_password) or is_loopback(host)
    if not manage:
        logger.warning(
            "serving on %s without HR_ASSISTANT_ADMIN_PASSWORD: articles are read-only "
            "in the browser (set it to manage them there)",
            host,
        )
    # Other people's questions are for the article owners only: without an admin
    # password there is no tab (the CLI on the server still shows them).
    insights_shown = question_log is not None and bool(settings.admin_password)
    if question_log is not None and not settings.admin_password:
        logger.warning(
            "the Insights tab needs HR_ASSISTANT_ADMIN_PASSWORD; "
            "use `hr-assistant insights` on the server"
        )
    return manage, insights_shown


def page_script() -> str:
    """The page's script with the words it shows itself, and those it puts in place of
    Gradio's (:data:`GRADIO_DRAWN`), in every interface language, from ui/texts.py."""
    words: dict[str, Any] = {
        language: {key: text(language, key) for key in PAGE_WORDS} for language in LANGUAGES
    }
    drawn = {**GRADIO_DRAWN, **{text("en", key): key for key in GRADIO_WORDS.values()}}
    words["gradio"] = {
        label: {language: text(language, key) for language in LANGUAGES}
        for label, key in drawn.items()
    }
    return PAGE_JS.replace(PAGE_WORDS_MARK, json.dumps(words, ensure_ascii=False))


def gradio_words() -> Any:
    """Gradio's own words that it translates (:data:`GRADIO_WORDS`), in the page's."""
    return gr.I18n(
        **{
            language: {gradio_key: text(language, key) for gradio_key, key in GRADIO_WORDS.items()}
            for language in LANGUAGES
        }
    )


def theme() -> Any:
    """Gradio's default look with the system's fonts: the page loads nothing from outside."""
    return gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "Consolas", "monospace"],
    )


def launch_kwargs(settings: Settings, uploads: Path | None = None) -> dict[str, Any]:
    """What every launch of the page passes: look, password, bounded requests, no outside
    requests. ``uploads``: the temporary folder this process owns (GRADIO_TEMP_DIR), whose
    uploads are then held to ``upload_quota_bytes`` in all."""
    from starlette.middleware import Middleware

    # Outermost first: each request's client is known to the sign-in, and a body too
    # large is refused before Gradio parses or stores it (ui.limits).
    middleware = [
        Middleware(ClientAddress),
        Middleware(BodyLimits, api_bytes=api_body_bytes(settings.max_question_chars)),
    ]
    if uploads is not None:
        quota = max(settings.upload_quota_bytes, settings.max_file_bytes)
        middleware.append(Middleware(UploadQuota, folder=uploads, quota_bytes=quota))
    return {
        "theme": theme(),
        "css": CSS,
        "auth": (
            sign_in_checker("hr", settings.ui_password, AttemptLimiter())
            if settings.ui_password
            else None
        ),
        # Gradio keeps an upload in its temporary folder before any handler runs: the
        # article size limit holds there too.
        "max_file_size": settings.max_file_bytes,
        "app_kwargs": {"middleware": middleware},
        # Never served as a file, whatever a request names: the stores, the feedback,
        # the key of the browsers' saved chats, the repository itself.
        "blocked_paths": [str(settings.data_dir), str(PROJECT_ROOT / ".git")],
        "js": page_script(),
        "i18n": gradio_words(),
        # No "Use via API / Built with Gradio / Settings" footer: its settings panel
        # offers developer tools and a second language switch to HR staff.
        "footer_links": [],
        # No /monitoring pages: Gradio's traffic log keeps each request's session, and
        # its summary would be open to anyone who reaches the page.
        "enable_monitoring": False,
        "show_error": False,
        "quiet": True,
        "ssr_mode": False,
    }
