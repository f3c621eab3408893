"""The Articles tab: the articles the chat answers from, whether their folder is
followed, one article to read, and below them the admin (upload, delete, undo,
re-ingest, and the log of what was done).

Beyond loopback, anyone who reaches the page could change the articles: without an
admin password there the admin is hidden and read-only (``manage``), and whatever a
client sends is refused by the handlers too (:class:`ui.handlers.ChatApp`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
from gradio.events import Dependency

from ui.relabel import Label, PasswordBox, Redraw, saying
from ui.render import escape, status_markdown, table_html
from ui.security import request_client
from ui.texts import Status, number, said, text, utc_time

if TYPE_CHECKING:
    from core.settings import Settings
    from core.types import IngestProgress
    from ingest.knowledge_base import KnowledgeBase
    from ingest.watch import WatchState
    from ui.handlers import ChatApp

WATCH_STATUS_EVERY_S = 10  # how often an open Articles tab reads the watcher's state
# Gradio hands a handler that declares a Progress default its event's progress bar.
INGEST_PROGRESS = gr.Progress()
HIDE = gr.update(visible=False)


@dataclass(frozen=True)
class Confirm:
    """Deleting, and uploading over an article, ask first; both can be undone."""

    box: gr.Group
    question: gr.Markdown
    yes: gr.Button
    no: gr.Button


@dataclass(frozen=True)
class Admin:
    """The admin's components. ``key``: the admin password once it checked out, kept on
    the server for this page: typed once, in the Articles or the Insights tab, it
    counts for both. ``trashed``: this page's deletions and replacements, for undo;
    ``pending_upload``: uploads waiting for "replace?"; ``delete_asked``: the article
    the delete question named ("Yes" deletes it, even when the list changed since)."""

    key: gr.State
    title: gr.Markdown
    off: gr.Markdown
    password: gr.Textbox
    gap_note: gr.Markdown  # the questions an article should answer, drawn from gap_asked
    gap_asked: gr.State  # the questions of the gap picked in the Insights tab
    upload: gr.File
    delete_pick: gr.Dropdown
    delete: gr.Button
    delete_confirm: Confirm
    replace_confirm: Confirm
    undo: gr.Button
    reingest: gr.Button
    status: gr.Markdown
    said: gr.State  # what the status line says (a Status), for a switch of language
    audit_title: gr.Markdown
    audit_table: gr.HTML
    trashed: gr.State
    pending_upload: gr.State
    delete_asked: gr.State

    @property
    def password_box(self) -> PasswordBox:
        """Its password box, and the status line that answers it."""
        return self.password, self.status, self.said


@dataclass(frozen=True)
class ArticlesTab:
    """The Articles tab's components."""

    tab: gr.Tab
    intro: gr.Markdown
    watch: gr.HTML  # whether the articles folder is followed (watch_status)
    watch_timer: gr.Timer  # reads it again every WATCH_STATUS_EVERY_S
    table: gr.HTML
    pick: gr.Dropdown
    full: gr.HTML
    admin: Admin

    @property
    def refreshed_outputs(self) -> list[Any]:
        """What :meth:`ArticlesEvents.refreshed` updates after an admin action."""
        admin = self.admin
        listed = [self.table, self.pick, admin.delete_pick, admin.audit_table]
        return [admin.status, admin.said, *listed, admin.trashed, admin.undo]

    def labels(self) -> list[Label]:
        admin = self.admin
        return [
            (self.tab, "articles_tab", "label"),
            (self.intro, "articles_intro", "value"),
            (self.pick, "read_article", "label"),
            (admin.title, "admin", "value"),
            (admin.off, "admin_off", "value"),
            (admin.password, "admin_password", "label"),
            (admin.upload, "upload", "label"),
            (admin.delete_pick, "delete_pick", "label"),
            (admin.delete, "delete", "value"),
            (admin.reingest, "reingest", "value"),
            (admin.delete_confirm.yes, "delete_yes", "value"),
            (admin.delete_confirm.no, "cancel", "value"),
            (admin.replace_confirm.yes, "replace_yes", "value"),
            (admin.replace_confirm.no, "cancel", "value"),
            (admin.undo, "undo", "value"),
            (admin.audit_title, "audit", "value"),
        ]


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
        if state.syncing is not None:
            done, total = (number(language, n) for n in state.syncing)
            details.append(text(language, "watch_syncing", done=done, total=total))
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


def article_headers(language: str) -> list[str]:
    return [text(language, k) for k in ("col_title", "col_language", "col_chunks", "col_ingested")]


def audit_headers(language: str) -> list[str]:
    return [text(language, k) for k in ("col_at", "col_action", "col_article", "col_outcome")]


def build_articles_tab(knowledge: KnowledgeBase, settings: Settings, manage: bool) -> ArticlesTab:
    """The tab inside the open ``gr.Tabs``; its status and tables are filled at each page
    load (:func:`wire_articles_tab`)."""
    with gr.Tab(text("en", "articles_tab"), id="articles", elem_id="articles-tab") as tab:
        intro = gr.Markdown(text("en", "articles_intro"))
        # Filled and kept up to date by wire_articles_tab, not by a value function with
        # ``every``: Gradio would make that event a public API endpoint.
        watch = gr.HTML("", elem_id="watch-status")
        watch_timer = gr.Timer(WATCH_STATUS_EVERY_S)
        # A plain table (not a Dataframe): on a phone each row stacks its columns
        # instead of hiding all but the title off screen.
        table = gr.HTML("", elem_id="articles-table")
        pick = gr.Dropdown(
            choices=[], value=None, label=text("en", "read_article"), elem_id="article-pick"
        )
        full = gr.HTML("", elem_id="article-full")
        admin = _build_admin(knowledge, settings, manage)
    return ArticlesTab(tab, intro, watch, watch_timer, table, pick, full, admin)


def _build_admin(knowledge: KnowledgeBase, settings: Settings, manage: bool) -> Admin:
    key = gr.State("")
    title = gr.Markdown(text("en", "admin"))
    off = gr.Markdown(text("en", "admin_off"), visible=not manage, elem_id="admin-off")
    password = gr.Textbox(
        label=text("en", "admin_password"),
        type="password",
        visible=bool(settings.admin_password),
        elem_id="admin-password",
    )
    gap_note = gr.Markdown("", elem_id="gap-note")
    gap_asked = gr.State([])
    upload = _build_upload(knowledge, settings, manage)
    with gr.Row(visible=manage):
        delete_pick = gr.Dropdown(
            choices=[], value=None, label=text("en", "delete_pick"), elem_id="delete-pick", scale=3
        )
        delete = gr.Button(text("en", "delete"), elem_id="delete", scale=1)
    delete_confirm = _confirm("delete", "delete_yes")
    replace_confirm = _confirm("replace", "replace_yes")
    undo = gr.Button(text("en", "undo"), visible=False, elem_id="undo")
    reingest = gr.Button(text("en", "reingest"), visible=manage, elem_id="reingest")
    status = gr.Markdown("", elem_id="admin-status")
    audit_title = gr.Markdown(text("en", "audit"))
    return Admin(
        key=key,
        title=title,
        off=off,
        password=password,
        gap_note=gap_note,
        gap_asked=gap_asked,
        upload=upload,
        delete_pick=delete_pick,
        delete=delete,
        delete_confirm=delete_confirm,
        replace_confirm=replace_confirm,
        undo=undo,
        reingest=reingest,
        status=status,
        said=gr.State(()),
        audit_title=audit_title,
        audit_table=gr.HTML("", elem_id="audit-table"),
        trashed=gr.State([]),
        pending_upload=gr.State([]),
        delete_asked=gr.State(""),
    )


def _build_upload(knowledge: KnowledgeBase, settings: Settings, manage: bool) -> gr.File:
    """With an admin password, files can be dropped only once it checks out: Gradio
    stores an upload before any handler could refuse it."""
    return gr.File(
        label=text("en", "upload"),
        file_count="multiple",
        file_types=list(knowledge.suffixes),
        interactive=not settings.admin_password,
        visible=manage,
        elem_id="upload",
    )


def _confirm(action: str, yes_key: str) -> Confirm:
    """The question before ``action`` ("delete", "replace"), hidden until asked."""
    with gr.Group(visible=False, elem_id=f"{action}-confirm") as box:
        question = gr.Markdown("", elem_id=f"{action}-question")
        with gr.Row():
            yes = gr.Button(text("en", yes_key), variant="stop", elem_id=f"{action}-yes")
            no = gr.Button(text("en", "cancel"), elem_id=f"{action}-no")
    return Confirm(box, question, yes, no)


# How many updates ArticlesEvents.refreshed returns (ArticlesTab.refreshed_outputs).
REFRESHED_COUNT = 8


class ArticlesEvents:
    """The Articles tab's event functions around the page's handlers: each returns the
    updates of its event's outputs, in their order (see the wire functions below).

    Each admin action takes the password box and the password this page confirmed
    (``key``): the one typed in either tab counts for both, and an action clicked while
    the box is being left still sees what was typed."""

    def __init__(self, handlers: ChatApp, insights_shown: bool) -> None:
        self.handlers = handlers
        self.insights_shown = insights_shown

    def articles_table(self, language: str) -> str:
        rows = [
            [a.title, text(language, f"lang_{a.language}"), a.chunks, utc_time(a.last_ingested)]
            for a in self.handlers.knowledge.articles()
        ]
        return table_html(article_headers(language), rows, text(language, "articles_tab"))

    def audit_table(self, language: str) -> str:
        caption = text(language, "audit").lstrip("# ")
        return table_html(audit_headers(language), self.handlers.audit_rows(language), caption)

    def folder_status(self, language: str) -> str:
        knowledge = self.handlers.knowledge
        return watch_status(knowledge.watch_state(), knowledge.settings.knowledge_dir, language)

    def article_choices(self) -> list[tuple[str, str]]:
        return [(a.title, a.id) for a in self.handlers.knowledge.articles()]

    def current_articles(self, language: str) -> tuple[Any, ...]:
        """The folder status, the articles and the admin log as they are when the page
        opens, not as they were when the chat started: the watcher, another page or
        another process may have changed them since."""
        choices = self.article_choices()
        return (
            self.folder_status(language),
            self.articles_table(language),
            gr.update(choices=choices),
            gr.update(choices=choices),
            self.audit_table(language),
        )

    def reworded(
        self,
        language: str,
        article_id: str | None,
        status: Status,
        delete_asked: str | None,
        pending: list[list[str]] | None,
        gap_asked: list[str] | None,
    ) -> tuple[Any, ...]:
        """The folder status, the tables, the article being read, what the last admin
        action said, a delete or replace question still open and the note of a content
        gap's questions, in the new language."""
        handlers = self.handlers
        uploads = [(Path(path), name) for path, name in pending or []]
        return (
            self.folder_status(language),
            self.articles_table(language),
            self.audit_table(language),
            handlers.read_article(article_id, language),
            status_markdown(language, status),
            # An open question's box keeps what it said if its subject is gone meanwhile.
            (delete_asked and handlers.delete_question(delete_asked, language)) or gr.update(),
            (uploads and handlers.replace_question(uploads, language)) or gr.update(),
            gap_note(language, gap_asked),
        )

    def refreshed(self, status: Status, language: str, undo: list[str]) -> tuple[Any, ...]:
        """After an admin action: what it said, the articles and the log as they are
        now, and the undo it leaves."""
        choices = self.article_choices()
        return (
            *saying(status, language),
            self.articles_table(language),
            gr.update(choices=choices, value=None),
            gr.update(choices=choices, value=None),
            self.audit_table(language),
            undo,
            gr.update(visible=bool(undo)),
        )

    def on_upload(
        self,
        files: Any,
        password: str,
        key: str,
        language: str,
        undo: list[str],
        request: gr.Request,
        progress: gr.Progress = INGEST_PROGRESS,
    ) -> tuple[Any, ...]:
        """Save the dropped files, or first ask whether to replace the articles they
        would overwrite (nothing is saved yet)."""
        handlers, client = self.handlers, request_client(request)
        uploads = handlers.uploads_of(files)
        refusal = handlers.admin_refusal(key or password, client=client)
        question = "" if refusal else handlers.replace_question(uploads, language)
        if question:
            pairs = [[str(path), name] for path, name in uploads]
            unchanged = (gr.update(),) * REFRESHED_COUNT
            return (*unchanged, gr.update(visible=True), question, pairs)
        status, moved = handlers.upload(
            uploads, key or password, told(progress, language), client=client
        )
        return (*self.refreshed(status, language, undo + moved), HIDE, "", [])

    def on_replace(
        self,
        pairs: list[list[str]],
        password: str,
        key: str,
        language: str,
        undo: list[str],
        request: gr.Request,
        progress: gr.Progress = INGEST_PROGRESS,
    ) -> tuple[Any, ...]:
        uploads = [(Path(path), name) for path, name in pairs]
        status, moved = self.handlers.upload(
            uploads, key or password, told(progress, language), client=request_client(request)
        )
        return (*self.refreshed(status, language, undo + moved), HIDE, "", [])

    def on_delete(
        self,
        article_id: str | None,
        password: str,
        key: str,
        language: str,
        undo: list[str],
        request: gr.Request,
        progress: gr.Progress = INGEST_PROGRESS,
    ) -> tuple[Any, ...]:
        status, moved = self.handlers.delete(
            article_id, key or password, told(progress, language), client=request_client(request)
        )
        undone = [*undo, moved] if moved else undo
        return (*self.refreshed(status, language, undone), HIDE, "")  # nothing asked now

    def on_undo(
        self,
        password: str,
        key: str,
        language: str,
        undo: list[str],
        request: gr.Request,
        progress: gr.Progress = INGEST_PROGRESS,
    ) -> tuple[Any, ...]:
        status, left = self.handlers.undo(
            undo, key or password, told(progress, language), client=request_client(request)
        )
        return self.refreshed(status, language, left)

    def on_reingest(
        self,
        password: str,
        key: str,
        language: str,
        undo: list[str],
        request: gr.Request,
        progress: gr.Progress = INGEST_PROGRESS,
    ) -> tuple[Any, ...]:
        status = self.handlers.reingest(
            key or password, told(progress, language), client=request_client(request)
        )
        return self.refreshed(status, language, undo)

    def ask_delete(
        self, article_id: str | None, password: str, key: str, language: str, request: gr.Request
    ) -> tuple[Any, ...]:
        """The delete question for the article picked (or why not)."""
        refusal = self.handlers.admin_refusal(key or password, client=request_client(request))
        question = "" if refusal else self.handlers.delete_question(article_id, language)
        status = refusal or (() if question else (said("pick_first"),))
        confirmed = article_id if question else ""
        return gr.update(visible=bool(question)), question, *saying(status, language), confirmed

    def confirm_admin(
        self, password: str, key: str, language: str, request: gr.Request
    ) -> tuple[Any, ...]:
        """Check the admin password typed in either tab, once: right, it opens the
        upload and the Insights tab and says so; wrong, it says why (wrong passwords
        are counted per client: ``request`` says which)."""
        if key or not password:  # confirmed already, or nothing typed: nothing to say
            return key, gr.update(), gr.update(), gr.update()
        refusal = self.handlers.admin_refusal(password, client=request_client(request))
        if refusal:
            return "", gr.update(interactive=False), *saying(refusal, language)
        accepted = said("admin_ok_insights" if self.insights_shown else "admin_ok")
        return password, gr.update(interactive=True), *saying((accepted,), language)


def told(progress: gr.Progress, language: str) -> IngestProgress:
    """An ingest's progress on the bar Gradio shows over the admin's outputs, in
    passages: one large article takes an hour."""

    def tell(done: int, total: int) -> None:
        progress((done, total), unit=text(language, "passages_unit"))

    return tell


def gap_note(language: str, asked: list[str] | None) -> str:
    """Above the upload: the questions of a content gap picked in the Insights tab, that
    the article to add should answer ("" when none was picked)."""
    if not asked:
        return ""
    listed = "\n".join(f"- {escape(question)}" for question in asked)
    return f"{text(language, 'ins_gap_note')}\n\n{listed}"


def articles_redraw(articles: ArticlesTab, events: ArticlesEvents) -> Redraw:
    """The folder status, the tables, the article being read, the admin status line, an
    open delete or replace question and a content gap's note follow the language."""
    admin = articles.admin
    outputs = (
        articles.watch,
        articles.table,
        admin.audit_table,
        articles.full,
        admin.status,
        admin.delete_confirm.question,
        admin.replace_confirm.question,
        admin.gap_note,
    )
    inputs = (articles.pick, admin.said, admin.delete_asked, admin.pending_upload, admin.gap_asked)
    return Redraw(outputs, events.reworded, inputs)


def wire_articles_tab(
    articles: ArticlesTab, ui_language: gr.Radio, events: ArticlesEvents, language_set: Dependency
) -> None:
    """Reading an article, the folder status and the lists filled at each page load
    (``language_set``: the load's language event), the folder status read again while
    the page is open, and the admin actions."""
    admin = articles.admin
    articles.watch_timer.tick(
        events.folder_status,
        inputs=[ui_language],
        outputs=[articles.watch],
        show_progress="hidden",
        api_visibility="private",
    )
    articles.pick.change(
        events.handlers.read_article,
        inputs=[articles.pick, ui_language],
        outputs=[articles.full],
        api_visibility="private",
    )
    admin.gap_asked.change(
        gap_note,
        inputs=[ui_language, admin.gap_asked],
        outputs=[admin.gap_note],
        api_visibility="private",
    )
    language_set.then(
        events.current_articles,
        inputs=[ui_language],
        outputs=[
            articles.watch,
            articles.table,
            articles.pick,
            admin.delete_pick,
            admin.audit_table,
        ],
        api_visibility="private",
    )
    _wire_admin(articles, ui_language, events)


def _wire_admin(articles: ArticlesTab, ui_language: gr.Radio, events: ArticlesEvents) -> None:
    admin, refreshed = articles.admin, articles.refreshed_outputs
    assert len(refreshed) == REFRESHED_COUNT, "ArticlesEvents.refreshed and its outputs"
    replace, delete = admin.replace_confirm, admin.delete_confirm

    def act(
        trigger: Callable[..., Any], fn: Callable[..., Any], subject: list[Any], outputs: list[Any]
    ) -> Any:
        """``trigger`` runs the admin action ``fn`` on ``subject`` (its first inputs)."""
        return trigger(
            fn,
            inputs=[*subject, admin.password, admin.key, ui_language, admin.trashed],
            outputs=outputs,
            api_visibility="private",
        )

    asked = [*refreshed, replace.box, replace.question, admin.pending_upload]
    act(admin.upload.upload, events.on_upload, [admin.upload], asked).then(
        lambda: None, outputs=[admin.upload], api_visibility="private"
    )  # then the drop area is empty again, for the next files
    act(replace.yes.click, events.on_replace, [admin.pending_upload], asked)
    deleted = [*refreshed, delete.box, admin.delete_asked]
    act(delete.yes.click, events.on_delete, [admin.delete_asked], deleted)
    act(admin.undo.click, events.on_undo, [], refreshed)
    act(admin.reingest.click, events.on_reingest, [], refreshed)
    delete_asks = [delete.box, delete.question, admin.status, admin.said, admin.delete_asked]
    admin.delete.click(
        events.ask_delete,
        inputs=[admin.delete_pick, admin.password, admin.key, ui_language],
        outputs=delete_asks,
        api_visibility="private",
    )
    cancelled = (said("cancelled"),)
    replace.no.click(
        lambda language: (HIDE, [], *saying(cancelled, language)),
        inputs=[ui_language],
        outputs=[replace.box, admin.pending_upload, admin.status, admin.said],
        api_visibility="private",
    )
    delete.no.click(
        lambda language: (HIDE, *saying(cancelled, language), ""),
        inputs=[ui_language],
        outputs=[delete.box, admin.status, admin.said, admin.delete_asked],
        api_visibility="private",
    )


def wire_admin_password(
    admin: Admin, ui_language: gr.Radio, events: ArticlesEvents, boxes: Sequence[PasswordBox]
) -> None:
    """Leaving a password box or pressing Enter in it checks the admin password;
    ``boxes``: each box with the status line that answers (and what it says)."""
    for box, status, status_said in boxes:
        for event in (box.blur, box.submit):
            event(
                events.confirm_admin,
                inputs=[box, admin.key, ui_language],
                outputs=[admin.key, admin.upload, status, status_said],
                api_visibility="private",
            )
