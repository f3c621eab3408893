"""Who changed the articles from the browser, and how it went: the admin audit log.

One table beside the bookkeeping (``record_db_url``: SQLite in the data folder, or the
shared PostgreSQL), so every chat process on a shared store writes to the same log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, select
from sqlalchemy.exc import SQLAlchemyError

from core.settings import Settings
from core.store import sql_engine

logger = logging.getLogger(__name__)

MAX_FIELD_CHARS = 500

_metadata = MetaData()
_audit = Table(
    "hr_audit",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("action", String(32), nullable=False),
    Column("article", Text, nullable=False),
    Column("outcome", Text, nullable=False),
)


@dataclass(frozen=True)
class AuditEntry:
    at: str
    action: str
    article: str
    outcome: str


class AuditLog:
    """Append-only entries (time, action, article, outcome), newest first on reading."""

    def __init__(self, url: str) -> None:
        self._engine = sql_engine(url)
        _metadata.create_all(self._engine)

    @classmethod
    def for_settings(cls, settings: Settings) -> AuditLog:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(settings.record_db_url)

    def record(self, action: str, article: str, outcome: str) -> None:
        """Write one entry; a failing database is logged, never raised: the action it
        records has already happened, and its undo must not be lost to a log line."""
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    insert(_audit).values(
                        at=datetime.now(UTC).isoformat(timespec="seconds"),
                        action=action[:32],
                        article=article[:MAX_FIELD_CHARS],
                        outcome=outcome[:MAX_FIELD_CHARS],
                    )
                )
        except SQLAlchemyError:
            logger.exception("could not write the audit entry %s %s: %s", action, article, outcome)

    def recent(self, limit: int = 50) -> list[AuditEntry]:
        query = select(_audit).order_by(_audit.c.id.desc()).limit(limit)
        with self._engine.connect() as connection:
            return [
                AuditEntry(row.at, row.action, row.article, row.outcome)
                for row in connection.execute(query)
            ]
