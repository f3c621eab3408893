"""The page's layout (Gradio Blocks): the chat with [n] markers and source cards, the
article viewer and the Articles tab, wired to the handlers in :mod:`ui.handlers`.

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

from core.language import LANGUAGES
from core.settings import PROJECT_ROOT, Settings
from ui.handlers import ChatApp
from ui.insights_tab import add_insights_tab
from ui.layout_chat import ChatEvents, build_chat_tab, wire_asking, wire_chat_tab
from ui.layout_header import build_header, load_language, wire_header
from ui.layout_sidebar import ChatSaving, SidebarEvents, build_sidebar, wire_sidebar
from ui.limits import BodyLimits, UploadQuota, api_body_bytes
from ui.relabel import Label, Redraw, wire_relabel
from ui.render import CSS, escape, table_html
from ui.security import AttemptLimiter, ClientAddress, is_loopback, sign_in_checker
from ui.texts import text, utc_time

if TYPE_CHECKING:
    from assistant.chain import Assistant
    from assistant.feedback import FeedbackStore
    from assistant.insights import QuestionLog
    from ingest.knowledge_base import KnowledgeBase
    from ingest.watch import WatchState

logger = logging.getLogger(__name__)

WATCH_STATUS_EVERY_S = 10  # how often an open Articles tab reads the watcher's state

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


def build_app(
    assistant: Assistant,
    knowledge: KnowledgeBase,
    feedback: FeedbackStore,
    question_log: QuestionLog | None = None,
    *,
    host: str = "127.0.0.1",
) -> Any:
    """The page: a chat with source cards and an article viewer, an articles tab, and
    with the question log on, an insights tab.

    ``host``: the address `serve` binds. Beyond loopback, anyone who reaches the page
    could change the articles, so without an admin password the Articles tab is
    read-only there (on loopback it stays open, as for one person on their machine).
    """
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    settings = assistant.settings
    manage = bool(settings.admin_password) or is_loopback(host)
    if not manage:
        logger.warning(
            "serving on %s without HR_ASSISTANT_ADMIN_PASSWORD: articles are read-only "
            "in the browser (set it to manage them there)",
            host,
        )
    handlers = ChatApp(assistant, knowledge, feedback, question_log, manage_articles=manage)
    chat_events = ChatEvents(handlers)

    def article_rows(language: str) -> list[list[Any]]:
        return [
            [a.title, text(language, f"lang_{a.language}"), a.chunks, utc_time(a.last_ingested)]
            for a in knowledge.articles()
        ]

    def articles_table(language: str) -> str:
        return table_html(headers(language), article_rows(language), text(language, "articles_tab"))

    def audit_table_html(language: str) -> str:
        return table_html(
            audit_headers(language),
            handlers.audit_rows(language),
            text(language, "audit").lstrip("# "),
        )

    def article_choices() -> list[tuple[str, str]]:
        return [(a.title, a.id) for a in knowledge.articles()]

    def headers(language: str) -> list[str]:
        return [
            text(language, k) for k in ("col_title", "col_language", "col_chunks", "col_ingested")
        ]

    # The window's title in English until the page script gives it the interface language's.
    with gr.Blocks(
        title=text("en", "page_title"), analytics_enabled=False, fill_width=False
    ) as app:
        # The admin password once it checked out, kept on the server for this page: typed
        # once, in the Articles or the Insights tab, it counts for both.
        admin_key = gr.State("")
        sidebar = build_sidebar(settings)
        header = build_header()
        ui_language = header.ui_language
        with gr.Tabs() as tabs:
            chat = build_chat_tab(settings)
            with gr.Tab(
                text("en", "articles_tab"), id="articles", elem_id="articles-tab"
            ) as art_tab:
                articles_intro = gr.Markdown(text("en", "articles_intro"))
                gr.HTML(
                    lambda language: watch_status(
                        knowledge.watch_state(), settings.knowledge_dir, language
                    ),
                    inputs=[ui_language],
                    every=WATCH_STATUS_EVERY_S,
                    elem_id="watch-status",
                )
                # A plain table (not a Dataframe): on a phone each row stacks its
                # columns instead of hiding all but the title off screen.
                table = gr.HTML("", elem_id="articles-table")  # filled at each page load
                article_pick = gr.Dropdown(
                    choices=[],
                    value=None,
                    label=text("en", "read_article"),
                    elem_id="article-pick",
                )
                article_full = gr.HTML("", elem_id="article-full")
                admin_title = gr.Markdown(text("en", "admin"))
                admin_off = gr.Markdown(
                    text("en", "admin_off"), visible=not manage, elem_id="admin-off"
                )
                admin_password = gr.Textbox(
                    label=text("en", "admin_password"),
                    type="password",
                    visible=bool(settings.admin_password),
                    elem_id="admin-password",
                )
                # From the Insights tab: the questions an article to add should answer.
                gap_note = gr.Markdown("", elem_id="gap-note")
                # With an admin password, files can be dropped only once it checks out:
                # Gradio stores an upload before any handler could refuse it.
                upload = gr.File(
                    label=text("en", "upload"),
                    file_count="multiple",
                    file_types=list(knowledge.suffixes),
                    interactive=not settings.admin_password,
                    visible=manage,
                    elem_id="upload",
                )
                with gr.Row(visible=manage):
                    delete_pick = gr.Dropdown(
                        choices=[],
                        value=None,
                        label=text("en", "delete_pick"),
                        elem_id="delete-pick",
                        scale=3,
                    )
                    delete_button = gr.Button(text("en", "delete"), elem_id="delete", scale=1)
                # Deleting, and uploading over an article, ask first; both can be undone.
                with gr.Group(visible=False, elem_id="delete-confirm") as delete_confirm:
                    delete_question = gr.Markdown("", elem_id="delete-question")
                    with gr.Row():
                        delete_yes = gr.Button(
                            text("en", "delete_yes"), variant="stop", elem_id="delete-yes"
                        )
                        delete_no = gr.Button(text("en", "cancel"), elem_id="delete-no")
                with gr.Group(visible=False, elem_id="replace-confirm") as replace_confirm:
                    replace_question = gr.Markdown("", elem_id="replace-question")
                    with gr.Row():
                        replace_yes = gr.Button(
                            text("en", "replace_yes"), variant="stop", elem_id="replace-yes"
                        )
                        replace_no = gr.Button(text("en", "cancel"), elem_id="replace-no")
                undo_button = gr.Button(text("en", "undo"), visible=False, elem_id="undo")
                reingest_button = gr.Button(
                    text("en", "reingest"), visible=manage, elem_id="reingest"
                )
                admin_status = gr.Markdown("", elem_id="admin-status")
                audit_title = gr.Markdown(text("en", "audit"))
                audit_table = gr.HTML("", elem_id="audit-table")
                trashed = gr.State([])  # this page's deletions and replacements, for undo
                pending_upload = gr.State([])  # uploads waiting for "replace?"
            # Other people's questions are for the article owners only: without an admin
            # password there is no tab (the CLI on the server still shows them).
            insights_shown = question_log is not None and bool(settings.admin_password)
            insights_labels: list[tuple[Any, str, str]] = []
            insights_password: tuple[Any, Any] | None = None  # its password box and status
            if insights_shown:
                insights_labels, insights_password = add_insights_tab(
                    gr, handlers, ui_language, tabs, gap_note, admin_key
                )
            if question_log is not None and not settings.admin_password:
                logger.warning(
                    "the Insights tab needs HR_ASSISTANT_ADMIN_PASSWORD; "
                    "use `hr-assistant insights` on the server"
                )
        if question_log is not None:  # say so on every page while questions are logged
            insights_footer = gr.Markdown(text("en", "insights_footer"), elem_id="insights-footer")
            insights_labels.append((insights_footer, "insights_footer", "value"))

        saving = ChatSaving(sidebar, chat, ui_language, SidebarEvents(handlers), chat_events)
        answering = wire_asking(chat, ui_language, chat_events, saving.keep)
        language_set = load_language(app, header)
        wire_sidebar(saving, language_set, answering)
        article_pick.change(
            handlers.read_article,
            inputs=[article_pick, ui_language],
            outputs=[article_full],
            api_visibility="private",
        )

        def refreshed(status: str, language: str, undo: list[str]) -> tuple[Any, ...]:
            choices = article_choices()
            return (
                status,
                articles_table(language),
                gr.update(choices=choices, value=None),
                gr.update(choices=choices, value=None),
                audit_table_html(language),
                undo,
                gr.update(visible=bool(undo)),
            )

        def current_articles(language: str) -> tuple[Any, ...]:
            """The articles and the admin log as they are when the page opens, not as
            they were when the chat started: the watcher, another page or another
            process may have changed them since."""
            choices = article_choices()
            return (
                articles_table(language),
                gr.update(choices=choices),
                gr.update(choices=choices),
                audit_table_html(language),
            )

        language_set.then(
            current_articles,
            inputs=[ui_language],
            outputs=[table, article_pick, delete_pick, audit_table],
            api_visibility="private",
        )

        admin_outputs = [
            admin_status,
            table,
            article_pick,
            delete_pick,
            audit_table,
            trashed,
            undo_button,
        ]
        hide = gr.update(visible=False)

        # Each admin action takes the password box and the password this page confirmed
        # (``admin_key``): the one typed in either tab counts for both, and an action
        # clicked while the box is being left still sees what was typed.
        def on_upload(
            files: Any,
            password: str,
            key: str,
            language: str,
            undo: list[str],
            progress: Any = None,
        ) -> tuple[Any, ...]:
            uploads = handlers.uploads_of(files)
            refusal = handlers.admin_refusal(key or password, language)
            question_text = "" if refusal else handlers.replace_question(uploads, language)
            if question_text:  # ask first; nothing is saved yet
                pairs = [[str(path), name] for path, name in uploads]
                shown = gr.update(visible=True)
                return (gr.update(),) * len(admin_outputs) + (shown, question_text, pairs)
            status, moved = handlers.upload(uploads, key or password, language)
            return (*refreshed(status, language, undo + moved), hide, "", [])

        def on_replace(
            pairs: list[list[str]],
            password: str,
            key: str,
            language: str,
            undo: list[str],
            progress: Any = None,
        ) -> tuple[Any, ...]:
            uploads = [(Path(path), name) for path, name in pairs]
            status, moved = handlers.upload(uploads, key or password, language)
            return (*refreshed(status, language, undo + moved), hide, "", [])

        def on_delete(
            article_id: str | None,
            password: str,
            key: str,
            language: str,
            undo: list[str],
            progress: Any = None,
        ) -> tuple[Any, ...]:
            status, moved = handlers.delete(article_id, key or password, language)
            return (*refreshed(status, language, [*undo, moved] if moved else undo), hide)

        def on_undo(
            undo: list[str], password: str, key: str, language: str, progress: Any = None
        ) -> tuple[Any, ...]:
            status, left = handlers.undo(undo, key or password, language)
            return refreshed(status, language, left)

        def on_reingest(
            password: str, key: str, language: str, undo: list[str], progress: Any = None
        ) -> tuple[Any, ...]:
            return refreshed(handlers.reingest(key or password, language), language, undo)

        # Gradio shows ingest's tqdm bar when a handler declares a tracking Progress default.
        for handler in (on_upload, on_replace, on_delete, on_undo, on_reingest):
            handler.__defaults__ = (gr.Progress(track_tqdm=True),)

        def confirm_admin(password: str, key: str, language: str) -> tuple[Any, ...]:
            """Check the admin password typed in either tab, once: right, it opens the
            upload and the Insights tab and says so; wrong, it says why."""
            if key or not password:  # confirmed already, or nothing typed: nothing to say
                return key, gr.update(), gr.update()
            refusal = handlers.admin_refusal(password, language)
            if refusal:
                return "", gr.update(interactive=False), refusal
            accepted = "admin_ok_insights" if insights_shown else "admin_ok"
            return password, gr.update(interactive=True), text(language, accepted)

        def confirms_admin(box: Any, status: Any) -> None:
            """Leaving ``box`` or pressing Enter in it checks the admin password."""
            for event in (box.blur, box.submit):
                event(
                    confirm_admin,
                    inputs=[box, admin_key, ui_language],
                    outputs=[admin_key, upload, status],
                    api_visibility="private",
                )

        if settings.admin_password:
            confirms_admin(admin_password, admin_status)
            if insights_password is not None:
                confirms_admin(*insights_password)
        upload.upload(
            on_upload,
            inputs=[upload, admin_password, admin_key, ui_language, trashed],
            outputs=[*admin_outputs, replace_confirm, replace_question, pending_upload],
            api_visibility="private",
        ).then(lambda: None, outputs=[upload], api_visibility="private")
        replace_yes.click(
            on_replace,
            inputs=[pending_upload, admin_password, admin_key, ui_language, trashed],
            outputs=[*admin_outputs, replace_confirm, replace_question, pending_upload],
            api_visibility="private",
        )
        replace_no.click(
            lambda language: (hide, [], text(language, "cancelled")),
            inputs=[ui_language],
            outputs=[replace_confirm, pending_upload, admin_status],
            api_visibility="private",
        )

        def ask_delete(
            article_id: str | None, password: str, key: str, language: str
        ) -> tuple[Any, ...]:
            refusal = handlers.admin_refusal(key or password, language)
            question_text = "" if refusal else handlers.delete_question(article_id, language)
            status = refusal or ("" if question_text else text(language, "pick_first"))
            confirmed = article_id if question_text else ""
            return gr.update(visible=bool(question_text)), question_text, status, confirmed

        # "Yes" deletes the article the question named, even when the list changed since.
        delete_asked = gr.State("")
        delete_button.click(
            ask_delete,
            inputs=[delete_pick, admin_password, admin_key, ui_language],
            outputs=[delete_confirm, delete_question, admin_status, delete_asked],
            api_visibility="private",
        )
        delete_yes.click(
            on_delete,
            inputs=[delete_asked, admin_password, admin_key, ui_language, trashed],
            outputs=[*admin_outputs, delete_confirm],
            api_visibility="private",
        )
        delete_no.click(
            lambda language: (hide, text(language, "cancelled")),
            inputs=[ui_language],
            outputs=[delete_confirm, admin_status],
            api_visibility="private",
        )
        undo_button.click(
            on_undo,
            inputs=[trashed, admin_password, admin_key, ui_language],
            outputs=admin_outputs,
            api_visibility="private",
        )
        reingest_button.click(
            on_reingest,
            inputs=[admin_password, admin_key, ui_language, trashed],
            outputs=admin_outputs,
            api_visibility="private",
        )

        # Every text that follows the interface language: (component, text key, property).
        # The switch's updates and its outputs both come from this one table.
        labelled: list[Label] = [
            *header.labels(),
            *chat.labels(),
            (art_tab, "articles_tab", "label"),
            *sidebar.labels(),
            (articles_intro, "articles_intro", "value"),
            (article_pick, "read_article", "label"),
            (admin_title, "admin", "value"),
            (admin_off, "admin_off", "value"),
            (admin_password, "admin_password", "label"),
            (upload, "upload", "label"),
            (delete_pick, "delete_pick", "label"),
            (delete_button, "delete", "value"),
            (reingest_button, "reingest", "value"),
            (delete_yes, "delete_yes", "value"),
            (delete_no, "cancel", "value"),
            (replace_yes, "replace_yes", "value"),
            (replace_no, "cancel", "value"),
            (undo_button, "undo", "value"),
            (audit_title, "audit", "value"),
            *insights_labels,
        ]

        def articles_reworded(language: str, article_id: str | None) -> tuple[Any, ...]:
            return (
                articles_table(language),
                audit_table_html(language),
                handlers.read_article(article_id, language),
            )

        wire_relabel(
            ui_language,
            labelled,
            [
                Redraw((table, audit_table, article_full), articles_reworded, (article_pick,)),
                *chat.redraws(),
            ],
        )
        wire_header(header)

        wire_chat_tab(chat, ui_language, chat_events)
        gr.api(handlers.api_chat, api_name="chat")
    return app


def watch_status(state: WatchState | None, folder: Path, language: str) -> str:
    """One line on whether the articles folder is followed: the chat answers from a
    stale store while it is not, and only the watcher's own state can tell. File names
    and failures are shown as text, never as markup, and without server paths."""
    folder = state.folder if state is not None else folder
    name = f"{folder.name}/"
    if state is None or not state.following:
        if state is None:
            problem = text(language, "watch_off")
        else:
            problem = state.problem or text(language, "watch_starting")
        line = text(language, "watch_not_following", folder=name, problem=problem)
    else:
        details = []
        if state.last_sync is not None:
            details.append(text(language, "watch_last_sync", time=utc_time(state.last_sync)))
        if state.skipped:
            files = ", ".join(f"{e['file']} ({e['error']})" for e in state.skipped[:5])
            files += ", …" if len(state.skipped) > 5 else ""
            key = "watch_skipped_one" if len(state.skipped) == 1 else "watch_skipped"
            details.append(text(language, key, count=len(state.skipped), files=files))
        if state.problem:
            details.append(text(language, "watch_failed", problem=state.problem))
        line = " — ".join([text(language, "watch_following", folder=name), ", ".join(details)])
    line = line.replace(f"{folder}/", name).replace(str(folder), name)
    line = line.removesuffix(" — ").rstrip(".")
    return f'<p class="hr-muted">{escape(line)}.</p>'


def audit_headers(language: str) -> list[str]:
    return [text(language, k) for k in ("col_at", "col_action", "col_article", "col_outcome")]


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
    import gradio as gr

    return gr.I18n(
        **{
            language: {gradio_key: text(language, key) for gradio_key, key in GRADIO_WORDS.items()}
            for language in LANGUAGES
        }
    )


def theme() -> Any:
    """Gradio's default look with the system's fonts: the page loads nothing from outside."""
    import gradio as gr

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
        "show_error": False,
        "quiet": True,
        "ssr_mode": False,
    }
