"""Thumbs up/down on answers, kept in SQLite under the data folder for later review."""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from assistant.settings import Settings

COLUMNS = ("id", "created_at", "rating", "question", "answer", "language", "citations")


class FeedbackStore:
    """One SQLite table of ratings; safe to use from the chat's worker threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS feedback ("
                "id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, "
                "rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), question TEXT NOT NULL, "
                "answer TEXT NOT NULL, language TEXT NOT NULL, citations TEXT NOT NULL)"
            )

    @classmethod
    def for_settings(cls, settings: Settings) -> FeedbackStore:
        return cls(settings.data_dir / "feedback.sqlite")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = sqlite3.connect(self.path)
            try:
                with db:
                    yield db
            finally:
                db.close()

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
        with self._connect() as db:
            db.execute(
                "INSERT INTO feedback (created_at, rating, question, answer, language, citations)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    "up" if liked else "down",
                    question,
                    answer,
                    language,
                    json.dumps(citations, ensure_ascii=False),
                ),
            )

    def rows(self) -> list[tuple[Any, ...]]:
        with self._connect() as db:
            return list(db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id"))

    def export_csv(self, out: IO[str]) -> int:
        """Write every rating as CSV; returns how many rows were written."""
        rows = self.rows()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return len(rows)
