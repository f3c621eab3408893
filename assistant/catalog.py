"""What the store holds, article by article: for the articles tab and the article viewer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from assistant.retrieval import HybridRetriever
from assistant.settings import Settings
from assistant.store import ingested_articles
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
    # The newest write of an article's passages is when that article last changed.
    return {
        article_id: datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
        for article_id, stamp in ingested_articles(settings).items()
        if stamp
    }
