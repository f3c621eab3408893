"""The page's handlers: what happens when someone asks, rates, opens an article or
manages articles. They call the assistant and the knowledge base and return what the
page shows; the layout that wires them to components is in the ``ui.layout_*`` modules
and :mod:`ui.insights_tab`, put together by :mod:`ui.app`.
"""

from __future__ import annotations

import html
import logging
import re
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import AssistantError
from core.language import is_valid_text
from core.types import Answer, Citation, IngestProgress
from ui.render import (
    answer_bubble,
    answer_html,
    article_html,
    chunk_of_open_class,
    escape,
    render_markdown,
    viewer_html,
)
from ui.render import source_cards as render_source_cards
from ui.security import VOTED_CITATION_FIELDS, AnswerSeal, AttemptLimiter
from ui.texts import (
    TEXTS,
    Said,
    Status,
    as_written,
    counted,
    kept_status,
    said,
    said_counted,
    status_of_kept,
    text,
    utc_time,
)

if TYPE_CHECKING:
    from assistant.chain import Assistant
    from assistant.feedback import FeedbackStore
    from assistant.insights import Insights, QuestionLog
    from ingest.indexer import IngestReport
    from ingest.knowledge_base import KnowledgeBase

logger = logging.getLogger(__name__)

STREAM_STEP_SECONDS = 0.02

# Marks an undo entry for a replaced article: undoing it puts the old file back over
# the upload that replaced it (a deleted one never overwrites a newer file).
REPLACED_MARK = "\x00replaced="

# What the chat remembers per message: the raw question, or the answer as JSON.
Record = dict[str, Any]
# A thumbs-down waiting for its reason: {"id": answer id, "about": its question's start}.
PendingVote = dict[str, str]
# How much of a question a toast quotes to say which answer it is about.
ABOUT_CHARS = 40


def _text_of(content: Any) -> str:
    """Message text from either a plain string or Gradio's list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    if isinstance(content, list):
        return " ".join(_text_of(part) for part in content)
    return ""


def user_turns(history: Sequence[Any]) -> list[str]:
    """The earlier user messages of a Gradio chat history, oldest first."""
    turns: list[str] = []
    for message in history or []:
        if isinstance(message, dict) and message.get("role") == "user":
            turn = _text_of(message.get("content")).strip()
            if turn:
                turns.append(turn)
    return turns


def _stream(body: str) -> Iterator[str]:
    """The answer's text in growing pieces, up to each [n] in turn, as a reader would see
    it typed."""
    ends = [m.end() for m in re.finditer(r"\[\d+\](?=\s)", body)]
    for end in [*ends, len(body)]:
        yield body[:end]


def _citations_of(record: Record | None) -> list[Citation]:
    if not record or "citations" not in record:
        return []
    return [Citation(**c) for c in record["citations"]]


def question_start(question: str) -> str:
    """The first words of a question, as a toast quotes it to say which answer it means
    (as text: a toast shows HTML)."""
    words = " ".join(question.split())
    if len(words) > ABOUT_CHARS:
        words = words[:ABOUT_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(words or "…")


def answer_of(record: Record) -> Answer:
    """The answer an answer record keeps, as the assistant gave it."""
    return Answer(
        question=str(record.get("asked", "")),
        text=str(record["answer"]),
        language=str(record.get("language", "en")),
        abstained=not record.get("citations"),
        citations=_citations_of(record),
        closest=[Citation(**c) for c in record.get("closest", [])],
        note=str(record.get("note", "")),
    )


def messages_of(records: Sequence[Record | None]) -> list[dict[str, str]]:
    """The chat's bubbles rebuilt from its records (a saved chat keeps only those), in
    every interface language (see :func:`ui.render.in_every_language`)."""
    messages = []
    for record in records:
        if not record:
            continue
        if "question" in record:
            messages.append({"role": "user", "content": escape(str(record["question"]))})
        elif "answer" in record:
            bubble = answer_bubble(answer_of(record))
            messages.append({"role": "assistant", "content": bubble})
        elif "error" in record:
            messages.append({"role": "assistant", "content": escape(str(record["error"]))})
    return messages


def last_answer(records: Sequence[Record | None]) -> Record | None:
    """The chat's latest answer record (None before the first answer)."""
    return next((r for r in reversed(records or []) if r and "answer" in r), None)


def cards_of(
    record: Record | None, ui_language: str, ingested: Mapping[str, datetime] | None = None
) -> str:
    """The source cards of an answer, or of a refusal's closest passages; ``ingested``:
    when each article (by id) was last ingested (see :meth:`ChatApp.ingested`)."""
    citations = _citations_of(record)
    if citations or not record:
        return render_source_cards(citations, ui_language, ingested=ingested)
    closest = [Citation(**c) for c in record.get("closest", [])]
    return render_source_cards(closest, ui_language, closest=bool(closest), ingested=ingested)


class ChatApp:
    """The handlers of the page, around one assistant and one feedback store."""

    def __init__(
        self,
        assistant: Assistant,
        knowledge: KnowledgeBase,
        feedback: FeedbackStore,
        question_log: QuestionLog | None = None,
        *,
        manage_articles: bool = True,
    ) -> None:
        self.assistant = assistant
        # False on a network address without an admin password: the tab is read-only,
        # and whatever a client sends to the handlers is refused too.
        self.manage_articles = manage_articles
        self.knowledge = knowledge
        self.feedback = feedback
        self.question_log = question_log  # None unless HR_ASSISTANT_INSIGHTS=on
        self.admin_attempts = AttemptLimiter()
        self.seal = AnswerSeal.for_settings(assistant.settings)

    def ask(self, question: str, history: Sequence[str]) -> tuple[Answer | None, str]:
        """The answer, or the friendly refusal to show instead."""
        try:
            return self.assistant.ask(question, history), ""
        except AssistantError as exc:
            return None, str(exc)

    def respond(
        self,
        message: str,
        chat: list[dict[str, Any]],
        records: list[Record | None],
        ui_language: str,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat, then show it with its own sources."""
        import gradio as gr

        if not message.strip():  # Enter on an empty box: nothing to ask, nothing to rate
            yield gr.update(), gr.update(), gr.update(), ""
            return
        chat = list(chat or [])
        records = list(records or [])
        earlier = [r["question"] for r in records if r and r.get("question")]
        chat.append({"role": "user", "content": escape(message.strip())})
        records.append({"question": message.strip()})
        chat.append({"role": "assistant", "content": ""})
        streamed = False
        try:
            stream = self.assistant.ask_stream(message, earlier)
            for piece in stream:
                # A language model's reply, its [n] markers already checked.
                streamed = True
                chat[-1] = {"role": "assistant", "content": answer_html(piece)}
                yield chat, records, gr.update(), ""
            answer = stream.answer
        except AssistantError as exc:
            chat[-1] = {"role": "assistant", "content": escape(str(exc))}
            records.append({"error": str(exc)})
            yield chat, records, gr.update(), ""
            return
        answer_id = uuid.uuid4().hex
        self.log(answer, answer_id)
        record: Record = {
            # Which answer a vote belongs to: changing the vote replaces it.
            "id": answer_id,
            "answer": answer.text,
            "asked": answer.question,
            "language": answer.language,
            "note": answer.note,
            "citations": [dict(c.__dict__) for c in answer.citations],
            "closest": [dict(c.__dict__) for c in answer.closest],
        }
        record["seal"] = self.seal.seal(record)  # a vote counts only for what this server gave
        records.append(record)
        if not streamed:  # extractive: shown as if typed, sentence by sentence
            for partial in _stream(answer.text):
                chat[-1] = {"role": "assistant", "content": answer_html(partial, answer.note)}
                yield chat, records, gr.update(), ""
                time.sleep(STREAM_STEP_SECONDS)
        chat[-1] = {"role": "assistant", "content": answer_bubble(answer)}
        # A refusal shows the closest passages where an answer shows its sources.
        yield chat, records, self.cards(records[-1], ui_language), ""

    def suggestions(self, records: list[Record | None], ui_language: str) -> list[str]:
        """Follow-up questions for the latest answer of the chat (none after an error);
        on an empty chat, questions to start with."""
        if not records:
            try:
                return self.assistant.starters(ui_language)
            except Exception:  # a suggestion is a nicety: never let it break the chat
                logger.exception("could not make starter questions")
                return []
        if not records[-1] or "answer" not in records[-1]:
            return []
        answer = answer_of(records[-1])
        asked = [str(r["question"]) for r in records if r and r.get("question")]
        try:
            return self.assistant.suggestions(answer, asked)
        except Exception:  # a suggestion is a nicety: never let it break the chat
            logger.exception("could not make follow-up suggestions")
            return []

    def insights(self, since_days: int) -> Insights:
        """The insights of the question log (the tab exists only when it is on)."""
        from assistant.insights import report

        assert self.question_log is not None
        return report(self.question_log, self.assistant, since_days)

    def log(self, answer: Answer, answer_id: str) -> None:
        """Write the question to the insights log when it is on; a failing log never
        costs the user the answer."""
        if self.question_log is None:
            return
        try:
            self.question_log.record(answer, answer_id)
        except Exception:
            logger.exception("could not write the question log")

    def ingested(self) -> dict[str, datetime]:
        """When each stored article was last ingested, by article id: from the knowledge
        base's listing, which reads the store again only after it changed (the Articles
        tab's own), so a render costs what showing that tab costs. Empty when it cannot
        be read: the cards and the article are shown without it."""
        try:
            articles = self.knowledge.articles()
        except Exception:  # a time on a card is a nicety: never let it break the answer
            logger.exception("could not read when the articles were ingested")
            return {}
        return {a.id: a.last_ingested for a in articles if a.last_ingested is not None}

    def cards(self, record: Record | None, ui_language: str) -> str:
        """:func:`cards_of` with when each cited article was last ingested."""
        return cards_of(record, ui_language, self.ingested())

    def open_source(self, opener: str | None, ui_language: str) -> str:
        """The article of the passage that a [n] or a source card names (its
        :func:`ui.render.open_class`), with that passage marked."""
        chunk_id = chunk_of_open_class(opener or "")
        if not chunk_id:
            return ""
        article_id = chunk_id.rsplit("#", 1)[0]
        passages = self.assistant.retriever.article(article_id)
        if not any(p.chunk_id == chunk_id for p in passages):
            # An answer from before a re-ingest may point at a passage that changed.
            return f'<p class="hr-muted">{escape(text(ui_language, "passage_gone"))}</p>'
        return viewer_html(passages, chunk_id, ui_language, self.ingested().get(article_id))

    def read_article(self, article_id: str | None, ui_language: str) -> str:
        if not article_id:
            return ""
        passages = self.assistant.retriever.article(article_id)
        return article_html(passages, None, ui_language, ingested=self.ingested().get(article_id))

    def rate(self, like: Any, records: list[Record | None], ui_language: str) -> PendingVote:
        """Store the one current vote on the rated answer (clicking the same thumb again
        takes it back). Each vote gets one toast naming the answer's question; a
        thumbs-down gets it once the page has asked what was wrong (:meth:`explain`), so
        it is returned as pending ({} for any other vote). An answer this server did not
        give as it stands (the chat comes back from the browser's storage) is refused:
        nothing is written."""
        import gradio as gr

        index = like.index[0] if isinstance(like.index, list | tuple) else like.index
        if not isinstance(index, int) or not 0 <= index < len(records or []):
            return {}
        record = records[index]
        if not record or "answer" not in record:
            return {}
        if not self.seal.verify(record):
            logger.warning(
                "vote refused: the answer at position %d of the chat was not given by this"
                " server as it stands (a forged or edited chat, or one saved before answers"
                " were sealed)",
                index,
            )
            gr.Warning(text(ui_language, "vote_refused"), title=text(ui_language, "toast_warning"))
            return {}
        # Gradio sends True / False for a thumb selected, anything else when unselected.
        liked = like.liked if isinstance(like.liked, bool) else None
        answer_id = str(record["id"])
        self.feedback.vote(
            answer_id=answer_id,
            liked=liked,
            question=str(record["asked"]),
            answer=str(record["answer"]),
            language=str(record["language"]),
            citations=[{k: c[k] for k in VOTED_CITATION_FIELDS} for c in record["citations"]],
        )
        # Not the answer's id: it is kept in the browser only (see core.privacy).
        logger.info("vote %s recorded", liked)
        if self.question_log is not None:
            rating = None if liked is None else ("up" if liked else "down")
            try:
                self.question_log.vote(answer_id, rating)
            except Exception:
                logger.exception("could not write the vote to the question log")
        about = question_start(str(record["asked"]))
        if liked is False:
            return {"id": answer_id, "about": about}
        thanks = text(ui_language, "thanks" if liked else "vote_removed", question=about)
        gr.Info(thanks, title=text(ui_language, "toast_info"))
        return {}

    def explain(
        self, pending: PendingVote, reason: str | None, comment: str, ui_language: str
    ) -> str:
        """Keep what was wrong with a thumbs-down answer (none chosen: the vote stands
        without); the one toast of that thumbs-down ("" when none is pending)."""
        answer_id, about = pending.get("id", ""), pending.get("about", "…")
        if not answer_id:
            return ""
        if not reason:
            return text(ui_language, "thanks", question=about)
        try:
            kept = self.feedback.explain(answer_id, reason, comment or "")
        except ValueError as exc:
            logger.warning("feedback reason refused: %s", exc)
            return text(ui_language, "thanks", question=about)
        if kept and self.question_log is not None:
            try:
                self.question_log.vote(answer_id, "down", reason)
            except Exception:
                logger.exception("could not write the reason to the question log")
        return text(ui_language, "reason_thanks" if kept else "thanks", question=about)

    # --- managing articles (the same ingest as the CLI) ---------------------------------

    # What an admin action says is a Status, kept as text keys and values: the status
    # line says it in the interface language, and again in the one switched to.

    def admin_refusal(self, password: str | None, *, client: str) -> Status:
        """Why an admin action is refused (nothing when the password is right or none
        is set). ``client``: who asks (:func:`ui.security.request_client`), so that one
        guesser's wrong passwords lock out no other admin."""
        if not self.manage_articles:
            return (said("admin_off"),)
        expected = self.assistant.settings.admin_password
        if not expected or self.admin_attempts.check(password, expected, client):
            return ()
        if self.admin_attempts.blocked(client):
            return (said("too_many_attempts"),)
        return (said("wrong_password"),)

    def sync(
        self, notes: list[Said], action: str, article: str, progress: IngestProgress | None = None
    ) -> Status:
        """Bring the store in line with the articles folder, write the admin action to
        the audit log and say what happened (the assistant reloads when the knowledge
        base reports a change); ``progress`` is told how far it is."""
        try:
            report = self.knowledge.sync(progress=progress)
        except AssistantError as exc:
            self.knowledge.audit.record(action, article, failed(exc))
            return (*notes, as_written(str(exc)))
        except Exception as exc:  # the file has moved already: its undo must survive
            logger.exception("ingest after %s of %s failed", action, article)
            self.knowledge.audit.record(action, article, failed(exc))
            return (*notes, said("sync_failed", plain=True))
        summary = ingested_said(*ingest_counts(report))
        errors = [
            said("file_error", plain=True, file=e.get("file", ""), error=e.get("error", ""))
            for e in report.errors
        ]
        self.knowledge.audit.record(action, article, audit_record((summary, *errors)))
        return (*notes, summary, *errors)

    def audit_rows(self, ui_language: str) -> list[list[str]]:
        """The latest admin actions, newest first, as the Articles tab lists them: their
        action and outcome in the interface language (the log keeps what an outcome
        says, :func:`audit_record`)."""
        return [
            [
                utc_time(e.at),
                audit_action(e.action, ui_language),
                e.article,
                audit_outcome(e.outcome, ui_language),
            ]
            for e in self.knowledge.audit.recent()
        ]

    @staticmethod
    def uploads_of(files: list[Any] | None) -> list[tuple[Path, str]]:
        """(temporary path, name the user gave) of each file Gradio received."""
        uploads = []
        for item in files or []:
            source = Path(getattr(item, "name", item))
            uploads.append((source, getattr(item, "orig_name", None) or source.name))
        return uploads

    def replace_question(self, uploads: list[tuple[Path, str]], ui_language: str) -> str:
        """What an upload would replace, as the question to confirm ("" when nothing)."""
        clashes = self.knowledge.clashes([name for _, name in uploads])
        if not clashes:
            return ""
        named = [
            text(
                ui_language,
                "replaces",
                name=name,
                title=info.title,
                passages=counted(ui_language, "passage", info.chunks),
            )
            if info
            else name
            for name, info in clashes
        ]
        return escape(text(ui_language, "confirm_replace", names="; ".join(named)))

    def upload(
        self,
        uploads: list[tuple[Path, str]],
        password: str,
        progress: IngestProgress | None = None,
        *,
        client: str,
    ) -> tuple[Status, list[str]]:
        """Save the uploads (an article they replace goes to the trash first) and sync;
        returns the status and the trashed files, which an undo can bring back."""
        if refusal := self.admin_refusal(password, client=client):
            return refusal, []
        trashed: list[str] = []
        kept_out: list[str] = []  # replacing these failed: the old article stays
        not_replaced: list[Said] = []
        for name, _info in self.knowledge.clashes([name for _, name in uploads]):
            try:
                trashed.append(f"{self.knowledge.trash(Path(name).stem)}{REPLACED_MARK}1")
            except AssistantError as exc:
                logger.warning("could not trash %s before replacing it: %s", name, exc)
                kept_out.append(name)
                not_replaced.append(said("file_error", plain=True, file=name, error=str(exc)))
        uploads = [
            (path, name) for path, name in uploads if self.knowledge.file_name(name) not in kept_out
        ]
        saved, refused = self.knowledge.add(uploads)
        notes = [said("saved", plain=True, name=path.name) for path in saved]
        notes += not_replaced + [as_written(reason) for reason in refused]
        names = ", ".join(path.name for path in saved) or ", ".join(n for _, n in uploads)
        action = "replace" if trashed else "upload"
        return self.sync(notes, action, names, progress), trashed

    def delete_question(self, article_id: str | None, ui_language: str) -> str:
        """The confirmation to ask before deleting, naming the article and its size."""
        info = next((a for a in self.knowledge.articles() if a.id == article_id), None)
        if info is None:
            return ""
        passages = counted(ui_language, "passage", info.chunks)
        return escape(text(ui_language, "confirm_delete", title=info.title, passages=passages))

    def delete(
        self,
        article_id: str | None,
        password: str,
        progress: IngestProgress | None = None,
        *,
        client: str,
    ) -> tuple[Status, str]:
        """Move the article's file to the trash and sync; returns the status and the
        trashed file ("" when nothing was deleted)."""
        if refusal := self.admin_refusal(password, client=client):
            return refusal, ""
        if not article_id:
            return (), ""
        try:
            trashed = self.knowledge.trash(article_id)
        except AssistantError as exc:
            self.knowledge.audit.record("delete", article_id, failed(exc))
            return (as_written(str(exc)),), ""
        name = trashed.name.split("--", 1)[-1]
        note = said("deleted", plain=True, name=name)
        return self.sync([note], "delete", name, progress), str(trashed)

    def undo(
        self,
        trashed: list[str],
        password: str,
        progress: IngestProgress | None = None,
        *,
        client: str,
    ) -> tuple[Status, list[str]]:
        """Bring back the latest file this session deleted or replaced (a replaced one
        returns over its replacement); returns the status and what is left to undo."""
        if refusal := self.admin_refusal(password, client=client):
            return refusal, trashed
        if not trashed:
            return (), []
        *rest, last = trashed
        path, _, kind = last.partition(REPLACED_MARK)
        try:
            restored = self.knowledge.restore(Path(path), over_newer=bool(kind))
        except AssistantError as exc:
            self.knowledge.audit.record("undo", Path(path).name, failed(exc))
            return (as_written(str(exc)),), rest
        note = said("restored", plain=True, name=restored.name)
        return self.sync([note], "undo", restored.name, progress), rest

    def reingest(
        self, password: str, progress: IngestProgress | None = None, *, client: str
    ) -> Status:
        if refusal := self.admin_refusal(password, client=client):
            return refusal
        return self.sync([], "reingest", "", progress)

    def api_chat(self, message: str) -> str:
        """The ``/chat`` API: one question, its answer and sources as Markdown.

        The call comes from anyone's code: a question that is not text gets a one-line
        error, and no traceback in the server's log.
        """
        if problem := malformed_question(message):
            import gradio as gr

            logger.info("/chat call refused: %s", problem)
            raise gr.Error(problem, print_exception=False)
        answer, refusal = self.ask(message, [])
        if answer is None:
            return refusal
        self.log(answer, uuid.uuid4().hex)
        return render_markdown(answer)


def ingested_line(language: str, report: IngestReport) -> str:
    """What a sync did, in one line: "1 article, 5 passages: 1 added, …"."""
    return ingested_words(language, *ingest_counts(report))


def ingest_counts(report: IngestReport) -> tuple[int, int, int, int, int]:
    return (report.articles, report.chunks, report.added, report.deleted, report.skipped)


def ingested_words(
    language: str, articles: int, chunks: int, added: int, deleted: int, skipped: int
) -> str:
    """:func:`ingested_line` from its numbers."""
    return ingested_said(articles, chunks, added, deleted, skipped)(language)


def ingested_said(articles: int, chunks: int, added: int, deleted: int, skipped: int) -> Said:
    """:func:`ingested_words`, to be said in any language (shown as text)."""
    return said(
        "ingested",
        plain=True,
        articles=said_counted("article", articles),
        chunks=said_counted("passage", chunks),
        added=added,
        deleted=deleted,
        skipped=skipped,
    )


# What the admin log keeps of an outcome (ingest.audit.MAX_FIELD_CHARS; tests/ui check
# that the two agree), and the longest value of one that is kept whole.
OUTCOME_CHARS = 500
VALUE_CHARS = 160


def audit_record(status: Status) -> str:
    """An admin action's outcome as the log keeps it: what it says (text keys and their
    values, :func:`ui.texts.kept_status`), said in the interface language whenever the
    log is shown. Kept whole within :data:`OUTCOME_CHARS` (cut, it could not be read
    back): a long value is shortened, and the last parts give way to their count."""
    for longest in (VALUE_CHARS, VALUE_CHARS // 4):
        parts = [_shortened(part, longest) for part in status]
        for shown in range(len(parts), 0, -1):
            left = len(parts) - shown
            kept = kept_status(
                (*parts[:shown], *([said("audit_more", count=left)] if left else []))
            )
            if len(kept) <= OUTCOME_CHARS:
                return kept
    logger.warning("an admin log outcome too long to keep: %s", status)
    return kept_status((as_written("…"),))


def _shortened(part: Said, longest: int) -> Said:
    """``part`` with each text value (and its words) at most ``longest`` characters."""

    def short(value: object) -> object:
        if isinstance(value, Said):
            return _shortened(value, longest)
        if isinstance(value, str) and len(value) > longest:
            return value[: longest - 1] + "…"
        return value

    words = str(short(part.words))
    return Said(part.key, tuple((k, short(v)) for k, v in part.values), words, part.plain)


def failed(problem: object) -> str:
    """The admin log's outcome of an action that failed."""
    return audit_record((said("audit_failed", plain=True, problem=str(problem)),))


def audit_action(action: str, language: str) -> str:
    """An admin log action ("upload", "delete" …) in ``language`` (unknown: as written)."""
    key = f"audit_{action}"
    return text(language, key) if key in TEXTS["en"] else action


def audit_outcome(outcome: str, language: str) -> str:
    """An admin log outcome in ``language``; one the log kept before outcomes were kept
    as what they say (English words) is shown as it was written."""
    status = status_of_kept(outcome)
    if status is None:
        return outcome
    return " ".join(part(language) for part in status)


# What a JSON value that is not a string was, as a caller of the API would name it.
_JSON_KINDS: dict[type, str] = {
    type(None): "null",
    bool: "true or false",
    int: "a number",
    float: "a number",
    list: "a list",
    dict: "an object",
}


def malformed_question(message: object) -> str:
    """Why ``message`` cannot be asked as a question ("" when it can): it is not text
    (a number, a list, null …), or it holds a lone surrogate no encoding can write."""
    if not isinstance(message, str):
        kind = _JSON_KINDS.get(type(message), type(message).__name__)
        return f"The question must be text, not {kind}."
    if not is_valid_text(message):
        return "The question is not valid text: it holds a lone UTF-16 surrogate."
    return ""
