"""Thumbs up/down on answers (one current vote each, a reason for a thumbs-down), kept
in the bookkeeping database for later review.

SQLite in the data folder by default; with ``HR_ASSISTANT_DATABASE_URL`` (PostgreSQL,
say) several chat processes share one table. The question, answer and comment are kept
under the privacy policy of :mod:`core.privacy`, the same as the question log's: masked,
to the hour, for the same number of days, the answer's id keyed.
"""

from __future__ import annotations

import csv
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

from core.privacy import PrivacyPolicy
from core.settings import Settings

logger = logging.getLogger(__name__)

COLUMNS = (
    "id",
    "created_at",
    "rating",
    "reason",
    "comment",
    "question",
    "answer",
    "language",
    "citations",
    "answer_id",
)
# What a thumbs-down may say was wrong (the chat offers these; "other" takes free text).
REASONS = ("wrong_source", "outdated", "incomplete", "not_what_i_asked", "other")
MAX_COMMENT_CHARS = 1000

_metadata = MetaData()
_feedback = Table(
    "hr_feedback",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", String(32), nullable=False),  # the hour (core.privacy.hour_of)
    Column("rating", String(4), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("citations", Text, nullable=False),
    # Added after the first release: older tables get them on open (see _add_new_columns).
    Column("answer_id", String(64), nullable=True, index=True),  # keyed (core.privacy)
    Column("reason", String(32), nullable=True),
    Column("comment", Text, nullable=True),
)
_NEW_COLUMNS = ("answer_id", "reason", "comment")


class FeedbackStore:
    """One table of votes, one current vote per answer; SQLAlchemy's pool makes it safe
    from the chat's threads."""

    def __init__(self, url: str, policy: PrivacyPolicy) -> None:
        """``policy``: masking, hours, retention and the keyed answer ids, the same as
        the question log's."""
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.policy = policy
        self._engine = create_engine(url)
        _metadata.create_all(self._engine)
        self._add_new_columns()
        self._apply_policy_to_older_rows()

    @classmethod
    def for_settings(cls, settings: Settings, policy: PrivacyPolicy | None = None) -> FeedbackStore:
        return cls(settings.feedback_db_url, policy or PrivacyPolicy.for_settings(settings))

    def _add_new_columns(self) -> None:
        """A table written by an older version lacks the newer columns: add them, so
        existing votes are kept (no migration tool for three nullable columns)."""
        present = {c["name"] for c in inspect(self._engine).get_columns("hr_feedback")}
        missing = [name for name in _NEW_COLUMNS if name not in present]
        preparer = self._engine.dialect.identifier_preparer
        for name in missing:
            column = _feedback.c[name]
            kind = column.type.compile(dialect=self._engine.dialect)
            try:
                # One transaction per column: another process starting at the same time
                # may add it first, and then only that column's ALTER fails.
                with self._engine.begin() as connection:
                    connection.execute(
                        text(f"ALTER TABLE hr_feedback ADD COLUMN {preparer.quote(name)} {kind}")
                    )
                logger.info("feedback table: added column %s", name)
            except DBAPIError:
                columns = inspect(self._engine).get_columns("hr_feedback")
                if name not in {c["name"] for c in columns}:
                    raise
                logger.info("feedback table: column %s was added by another process", name)
        for index in _feedback.indexes:  # an upgraded table lacks the newer indexes
            try:
                index.create(self._engine, checkfirst=True)
            except DBAPIError:
                logger.info("feedback table: index %s exists already", index.name, exc_info=True)

    def _apply_policy_to_older_rows(self) -> None:
        """Votes written before the privacy policy kept the text as typed, the second and
        the answer's own id: bring them under it. They are told apart by their time
        (``…T12:34:56+00:00``, not ``…T12:00Z``); each row is rewritten only if its time
        is still the old one, so two processes starting together rewrite it once."""
        c = _feedback.c
        older = ~c.created_at.like("____-__-__T__:00Z")
        with self._engine.begin() as connection:
            self._purge(connection, datetime.now(UTC))
            rows = connection.execute(
                select(c.id, c.created_at, c.question, c.answer, c.comment, c.answer_id).where(
                    older
                )
            ).all()
            for row in rows:
                connection.execute(
                    update(_feedback)
                    .where(c.id == row.id, c.created_at == row.created_at)
                    .values(
                        created_at=self.policy.hour(_moment(row.created_at)),
                        question=self.policy.mask(row.question),
                        answer=self.policy.mask_echo(row.answer, row.question),
                        comment=None if row.comment is None else self.policy.mask(row.comment),
                        answer_id=None if row.answer_id is None else self._key(row.answer_id),
                    )
                )
        if rows:
            logger.info(
                "feedback table: %d older votes brought under the privacy policy", len(rows)
            )

    def _key(self, answer_id: str) -> str:
        return self.policy.answer_key(_feedback.name, answer_id)

    def _purge(self, connection: Any, now: datetime) -> None:
        """Drop the votes past the retention period (as the question log does)."""
        connection.execute(
            delete(_feedback).where(_feedback.c.created_at < self.policy.cutoff(now))
        )

    def vote(
        self,
        *,
        answer_id: str,
        liked: bool | None,
        question: str,
        answer: str,
        language: str,
        citations: list[dict[str, Any]],
        now: datetime | None = None,
    ) -> None:
        """Set the one current vote on an answer: a new vote replaces the earlier one,
        ``liked=None`` takes it back. Kept masked, to the hour; older votes go."""
        now = now or datetime.now(UTC)
        key = self._key(answer_id)
        with self._engine.begin() as connection:
            self._purge(connection, now)
            connection.execute(delete(_feedback).where(_feedback.c.answer_id == key))
            if liked is None:
                return
            connection.execute(
                insert(_feedback).values(
                    created_at=self.policy.hour(now),
                    rating="up" if liked else "down",
                    question=self.policy.mask(question),
                    answer=self.policy.mask_echo(answer, question),
                    language=language,
                    citations=json.dumps(citations, ensure_ascii=False),
                    answer_id=key,
                )
            )

    def explain(self, answer_id: str, reason: str, comment: str = "") -> bool:
        """Say what was wrong with a thumbs-down answer (the comment masked); False when
        it has none.

        Raises:
            ValueError: ``reason`` is not one of :data:`REASONS`.
        """
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r} (one of {', '.join(REASONS)})")
        comment = self.policy.mask(comment.strip()[:MAX_COMMENT_CHARS])
        with self._engine.begin() as connection:
            done = connection.execute(
                update(_feedback)
                .where(_feedback.c.answer_id == self._key(answer_id), _feedback.c.rating == "down")
                .values(reason=reason, comment=comment or None)
            )
        return bool(done.rowcount)

    def rows(self, now: datetime | None = None) -> list[tuple[Any, ...]]:
        """Every vote within the retention period (older ones are dropped first)."""
        with self._engine.begin() as connection:
            self._purge(connection, now or datetime.now(UTC))
            query = select(*(_feedback.c[name] for name in COLUMNS)).order_by(_feedback.c.id)
            return [tuple(row) for row in connection.execute(query)]

    def export_csv(self, out: IO[str]) -> int:
        """Write every rating as CSV; returns how many rows were written."""
        rows = self.rows()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows([_spreadsheet_safe(cell) for cell in row] for row in rows)
        return len(rows)


def _moment(created_at: str) -> datetime:
    """The time an older vote was written at; an unreadable one counts as now, so the
    row is kept (and rewritten) rather than lost."""
    try:
        moment = datetime.fromisoformat(created_at)
    except ValueError:
        logger.warning("feedback table: unreadable time %r, taken as now", created_at)
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# A cell starting with one of these is run as a formula by spreadsheet programs; the
# question and answer are typed by users, so such cells get a leading apostrophe (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(cell: Any) -> Any:
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell
