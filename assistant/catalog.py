"""What the store holds, article by article: for the articles tab and the article viewer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from assistant.retrieval import HybridRetriever
from assistant.settings import Settings
from assistant.store import open_record_manager
from assistant.types import Passage


@dataclass(frozen=True)
class ArticleInfo:
    """One stored article as the articles tab lists it."""

    id: str
    title: str
    language: str
    publisher: str
    chunks: int
    last_ingested: str


def article_passages(retriever: HybridRetriever, article_id: str) -> list[Passage]:
    """The article's passages in reading order."""
    return sorted(
        (p for p in retriever.passages if p.article_id == article_id), key=lambda p: p.position
    )


def list_articles(retriever: HybridRetriever, settings: Settings) -> list[ArticleInfo]:
    """Every article in the store with its passage count and when it was last ingested."""
    last = _last_ingested(settings)
    by_id: dict[str, list[Passage]] = {}
    for passage in retriever.passages:
        by_id.setdefault(passage.article_id, []).append(passage)
    return [
        ArticleInfo(
            id=article_id,
            title=passages[0].title,
            language=passages[0].language,
            publisher=passages[0].publisher,
            chunks=len(passages),
            last_ingested=last.get(article_id, ""),
        )
        for article_id, passages in sorted(by_id.items(), key=lambda kv: kv[1][0].title.lower())
    ]


def _last_ingested(settings: Settings) -> dict[str, str]:
    # The record manager keeps when each passage was last written; the newest per
    # article is when that article last changed in the store.
    from langchain_classic.indexes._sql_record_manager import UpsertionRecord
    from sqlalchemy import func, select

    manager = open_record_manager(settings)
    with manager._make_session() as session:
        rows: Any = session.execute(
            select(UpsertionRecord.group_id, func.max(UpsertionRecord.updated_at))
            .where(UpsertionRecord.namespace == manager.namespace)
            .group_by(UpsertionRecord.group_id)
        )
        return {
            str(group): datetime.fromtimestamp(float(stamp), UTC).strftime("%Y-%m-%d %H:%M UTC")
            for group, stamp in rows
            if group and stamp is not None
        }
