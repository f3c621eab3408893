"""Thumbs up/down on answers (one current vote each, a reason for a thumbs-down), kept
in the bookkeeping database for later review.

SQLite in the data folder by default; with ``HR_ASSISTANT_DATABASE_URL`` (PostgreSQL,
say) several chat processes share one table.
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
    Column("created_at", String(32), nullable=False),
    Column("rating", String(4), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("citations", Text, nullable=False),
    # Added after the first release: older tables get them on open (see _add_new_columns).
    Column("answer_id", String(64), nullable=True, index=True),
    Column("reason", String(32), nullable=True),
    Column("comment", Text, nullable=True),
)
_NEW_COLUMNS = ("answer_id", "reason", "comment")


class FeedbackStore:
    """One table of votes, one current vote per answer; SQLAlchemy's pool makes it safe
    from the chat's threads."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self._engine = create_engine(url)
        _metadata.create_all(self._engine)
        self._add_new_columns()

    @classmethod
    def for_settings(cls, settings: Settings) -> FeedbackStore:
        return cls(settings.feedback_db_url)

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

    def vote(
        self,
        *,
        answer_id: str,
        liked: bool | None,
        question: str,
        answer: str,
        language: str,
        citations: list[dict[str, Any]],
    ) -> None:
        """Set the one current vote on an answer: a new vote replaces the earlier one,
        ``liked=None`` takes it back."""
        with self._engine.begin() as connection:
            connection.execute(delete(_feedback).where(_feedback.c.answer_id == answer_id))
            if liked is None:
                return
            connection.execute(
                insert(_feedback).values(
                    created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    rating="up" if liked else "down",
                    question=question,
                    answer=answer,
                    language=language,
                    citations=json.dumps(citations, ensure_ascii=False),
                    answer_id=answer_id,
                )
            )

    def explain(self, answer_id: str, reason: str, comment: str = "") -> bool:
        """Say what was wrong with a thumbs-down answer; False when it has none.

        Raises:
            ValueError: ``reason`` is not one of :data:`REASONS`.
        """
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r} (one of {', '.join(REASONS)})")
        with self._engine.begin() as connection:
            done = connection.execute(
                update(_feedback)
                .where(_feedback.c.answer_id == answer_id, _feedback.c.rating == "down")
                .values(reason=reason, comment=comment.strip()[:MAX_COMMENT_CHARS] or None)
            )
        return bool(done.rowcount)

    def rows(self) -> list[tuple[Any, ...]]:
        with self._engine.connect() as connection:
            query = select(*(_feedback.c[name] for name in COLUMNS)).order_by(_feedback.c.id)
            return [tuple(row) for row in connection.execute(query)]

    def export_csv(self, out: IO[str]) -> int:
        """Write every rating as CSV; returns how many rows were written."""
        rows = self.rows()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows([_spreadsheet_safe(cell) for cell in row] for row in rows)
        return len(rows)


# A cell starting with one of these is run as a formula by spreadsheet programs; the
# question and answer are typed by users, so such cells get a leading apostrophe (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(cell: Any) -> Any:
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell
