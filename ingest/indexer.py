"""Bring the store in line with the articles folder through LangChain's indexing API.

The SQL record manager keys every passage by a sha256 of its content and metadata, so an
unchanged passage is never embedded again, an edited one is replaced, and passages of
articles that left the folder are deleted. No duplicates survive a re-ingest.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from assistant.embeddings import IdentifiedEmbeddings, build_embeddings
from assistant.errors import AssistantError
from assistant.settings import Settings
from assistant.store import open_record_manager, open_store
from assistant.types import Article, Passage
from ingest.chunking import chunk_article, embedding_text
from ingest.loaders import LoadError, list_article_files, load_article

SOURCE_KEY = "article_id"


@dataclass
class IngestReport:
    """What one ingest did; ``added``/``updated``/``skipped``/``deleted`` count passages."""

    articles: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0
    deleted: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 2)
        return data


def passage_to_document(passage: Passage) -> Document:
    """The stored form of a passage: contextual text to embed, exact text in metadata."""
    return Document(
        page_content=embedding_text(passage),
        metadata={
            SOURCE_KEY: passage.article_id,
            "chunk_id": passage.chunk_id,
            "title": passage.title,
            "language": passage.language,
            "section": passage.section,
            "position": passage.position,
            "publisher": passage.publisher,
            "text": passage.text,
        },
    )


def load_folder(folder: Path, max_bytes: int) -> tuple[list[Article], list[dict[str, str]]]:
    """Load every article in ``folder``; unreadable files become errors, not failures."""
    if not folder.is_dir():
        raise AssistantError(f"knowledge folder not found: {folder}")
    articles: list[Article] = []
    errors: list[dict[str, str]] = []
    seen: dict[str, Path] = {}
    for path in list_article_files(folder):
        name = str(path.relative_to(folder))
        try:
            article = load_article(path, max_bytes=max_bytes)
        except LoadError as exc:
            errors.append({"file": name, "error": str(exc)})
            continue
        if article.id in seen:
            errors.append({"file": name, "error": f"same article id as {seen[article.id].name}"})
            continue
        seen[article.id] = path
        articles.append(article)
    return articles, errors


def _stored_article_ids(record_manager: Any) -> set[str]:
    # The record manager API lists keys but not the groups (articles) they belong to;
    # one read-only query over its own table gives them.
    from langchain_classic.indexes._sql_record_manager import UpsertionRecord
    from sqlalchemy import select

    with record_manager._make_session() as session:
        rows = session.execute(
            select(UpsertionRecord.group_id)
            .where(UpsertionRecord.namespace == record_manager.namespace)
            .distinct()
        )
        return {row[0] for row in rows if row[0]}


def ingest_folder(
    settings: Settings,
    folder: Path | None = None,
    embeddings: IdentifiedEmbeddings | None = None,
) -> IngestReport:
    """Sync the store with ``folder`` (default: the configured knowledge folder).

    Articles that fail to load are reported in ``errors``; their passages already in the
    store are kept, so a bad file never costs what was there before.

    Raises:
        AssistantError: the folder is missing or holds no article at all.
    """
    from langchain_core.indexing import index

    started = time.perf_counter()
    folder = folder or settings.knowledge_dir
    articles, errors = load_folder(folder, settings.max_file_bytes)
    if not articles and not errors:
        raise AssistantError(f"no articles in {folder} (expected .md or .txt files)")

    embeddings = embeddings or build_embeddings(settings.embeddings)
    store = open_store(settings, embeddings)
    record_manager = open_record_manager(settings)

    documents = [passage_to_document(p) for a in articles for p in chunk_article(a)]
    report = IngestReport(articles=len(articles), chunks=len(documents), errors=errors)
    if documents:
        # scoped_full: clean up only the articles seen in this run, so the old passages of
        # an article that failed to load stay until it loads again.
        result = index(
            documents,
            record_manager,
            store,
            cleanup="scoped_full",
            source_id_key=SOURCE_KEY,
            key_encoder="sha256",
            batch_size=64,
        )
        report.added = result["num_added"]
        report.updated = result["num_updated"]
        report.skipped = result["num_skipped"]
        report.deleted = result["num_deleted"]

    failed_ids = {Path(e["file"]).stem for e in errors}
    present_ids = {a.id for a in articles}
    for gone in sorted(_stored_article_ids(record_manager) - present_ids - failed_ids):
        keys = record_manager.list_keys(group_ids=[gone])
        if keys:
            store.delete(keys)
            record_manager.delete_keys(keys)
            report.deleted += len(keys)
    report.seconds = time.perf_counter() - started
    return report
