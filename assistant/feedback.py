"""Thumbs up/down on answers, kept in the bookkeeping database for later review.

SQLite in the data folder by default; with ``HR_ASSISTANT_DATABASE_URL`` (PostgreSQL,
say) several chat processes share one table.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, insert, select

from core.settings import Settings

COLUMNS = ("id", "created_at", "rating", "question", "answer", "language", "citations")
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
)


class FeedbackStore:
    """One table of ratings; SQLAlchemy's pool makes it safe from the chat's threads."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self._engine = create_engine(url)
        _metadata.create_all(self._engine)

    @classmethod
    def for_settings(cls, settings: Settings) -> FeedbackStore:
        return cls(settings.feedback_db_url)

    def record(
        self,
        *,
        liked: bool,
        question: str,
        answer: str,
        language: str,
        citations: list[dict[str, Any]],
    ) -> None:
        """Store one rating with what was asked and answered."""
        with self._engine.begin() as connection:
            connection.execute(
                insert(_feedback).values(
                    created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    rating="up" if liked else "down",
                    question=question,
                    answer=answer,
                    language=language,
                    citations=json.dumps(citations, ensure_ascii=False),
                )
            )

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
