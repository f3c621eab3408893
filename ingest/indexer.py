"""Bring the store in line with the articles folder through LangChain's indexing API.

The SQL record manager keys every passage by a sha256 of its content and metadata, so an
unchanged passage is never embedded again, an edited one is replaced, and passages of
articles that left the folder are deleted. No duplicates survive a re-ingest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.documents import Document

from core.embeddings import EmbeddingCache, IdentifiedEmbeddings
from core.errors import AssistantError
from core.lease import Lease, check_leasable, write_lease
from core.settings import Settings
from core.store import (
    StoreVersion,
    embedded_store_owner,
    ingested_articles,
    open_record_manager,
    open_store,
    read_all,
)
from core.types import Article, IngestProgress, Passage
from core.units import UNIT_VECTORS_KEY, encode_vectors, split_text
from ingest.chunking import chunk_article, embedding_text
from ingest.loaders import (
    OUTSIDE_LINKS,
    SUPPORTED_SUFFIXES,
    UNREADABLE_FOLDER,
    LoadError,
    UnreadableFolderError,
    article_id_for,
    control_characters,
    list_article_files,
    load_article,
    shown_name,
)

SOURCE_KEY = "article_id"
logger = logging.getLogger(__name__)
# Articles indexed together: each batch adds its new passages before its stale ones go
# (so no article is ever half-emptied), and few batches keep an unchanged re-ingest fast.
ARTICLES_PER_BATCH = 50
# Passages embedded (with their sentences) and written at a time. A 19 MB article has
# some 33,000 passages and 145,000 sentences: embedded all at once they took gigabytes
# and more SQL parameters than PostgreSQL takes in one statement, and nothing was
# written (nor cached) for an hour. Also the step in which progress is told.
PASSAGES_PER_WRITE = 32


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


def passage_to_document(passage: Passage, unit_vectors: str = "") -> Document:
    """The stored form of a passage: contextual text to embed, exact text in metadata,
    and the vectors of its sentences (encoded, see :func:`core.units.encode_vectors`)."""
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
            "url": passage.url,
            "text": passage.text,
            UNIT_VECTORS_KEY: unit_vectors,
        },
    )


def documents_with_units(
    passages: list[Passage], embeddings: IdentifiedEmbeddings
) -> list[Document]:
    """Documents for ``passages``, each carrying its units' vectors.

    One embedding call per batch; the cache-backed embedder makes an unchanged sentence
    cost a lookup, and equal vectors keep the record manager's hash equal, so an
    unchanged passage is still skipped.
    """
    split = [[u.text for u in split_text(p.text)] for p in passages]
    flat = [text for units in split for text in units]
    # Each distinct text embedded once: a model's vector shifts slightly with the batch
    # around it, so two copies of one sentence ("Edited.") could get two vectors while
    # the cache keeps one, and the next run would see a changed passage.
    distinct = list(dict.fromkeys(flat))
    vectors = None
    if distinct:
        found = np.asarray(embeddings.embed_documents(distinct), dtype=np.float32)
        row = {text: i for i, text in enumerate(distinct)}
        vectors = found[[row[text] for text in flat]]
    documents: list[Document] = []
    start = 0
    for passage, units in zip(passages, split, strict=True):
        encoded = ""
        if units and vectors is not None:
            encoded = encode_vectors(vectors[start : start + len(units)])
        start += len(units)
        documents.append(passage_to_document(passage, encoded))
    return documents


def documents_in_writes(
    passages: list[Passage],
    embeddings: IdentifiedEmbeddings,
    progress: IngestProgress,
    done: int = 0,
    total: int = 0,
) -> Iterator[Document]:
    """:func:`documents_with_units` for ``passages``, PASSAGES_PER_WRITE at a time, made
    only when LangChain's ``index()`` asks for them (give it ``batch_size`` =
    PASSAGES_PER_WRITE). It asks for the next ones after writing the last, so before
    each ``progress`` is told how many are in the store: ``done`` (written before
    ``passages``) plus those of ``passages``, of ``total``."""
    for start in range(0, len(passages), PASSAGES_PER_WRITE):
        if start:
            progress(done + start, total)
        yield from documents_with_units(passages[start : start + PASSAGES_PER_WRITE], embeddings)


def load_folder(folder: Path, max_bytes: int) -> tuple[list[Article], list[dict[str, str]]]:
    """Load every article in ``folder``; unreadable files become errors, not failures.

    Files that share an article id (``x.md`` and ``x.txt``) are all reported and none is
    loaded, whether or not each reads well: the store keeps what it had for that id
    until one of them is renamed, instead of one file silently replacing the other. One
    name spelt in two Unicode forms (composed and decomposed "é") is one such clash, and
    one error: the two names look the same. A file name with a control character (a
    line break, a tab) is refused: it would become part of the article id.
    Every name in ``errors`` is shown on one line, composed.

    Raises:
        AssistantError: the folder is missing.
        UnreadableFolderError: the folder itself cannot be read.
    """
    if not folder.is_dir():
        raise AssistantError(f"knowledge folder not found: {folder}")
    articles: list[Article] = []
    paths, refused = list_article_files(folder)
    for path, why in refused:
        if path == folder and why.startswith(UNREADABLE_FOLDER):
            raise UnreadableFolderError(
                f"knowledge folder cannot be read: {folder}{why.removeprefix(UNREADABLE_FOLDER)}"
            )
    errors = [{"file": _shown(p, folder), "error": why} for p, why in refused]
    by_id: dict[str, list[Path]] = {}
    for path in paths:
        if odd := control_characters(path.name):
            errors.append(
                {
                    "file": _shown(path, folder),
                    "error": f"file name has a control character ({', '.join(odd)}): rename it",
                }
            )
            continue
        by_id.setdefault(article_id_for(path), []).append(path)
    reported: set[str] = set()
    for path in (p for same in by_id.values() for p in same):
        name = _shown(path, folder)
        same_id = by_id[article_id_for(path)]
        if len(same_id) > 1:
            if name not in reported:
                reported.add(name)
                errors.append({"file": name, "error": _clash(path, same_id, folder)})
            continue
        try:
            articles.append(load_article(path, max_bytes=max_bytes))
        except LoadError as exc:
            errors.append({"file": name, "error": str(exc)})
    return articles, errors


def _shown(path: Path, folder: Path) -> str:
    """``path`` in a report: relative to ``folder``, composed, on one line."""
    return shown_name(str(path.relative_to(folder)))


def _clash(path: Path, same_id: list[Path], folder: Path) -> str:
    """Why ``path`` is not loaded: another file has its article id."""
    spellings = [p for p in same_id if _shown(p, folder) == _shown(path, folder)]
    others = sorted({shown_name(p.name) for p in same_id if p not in spellings})
    reasons = []
    if len(spellings) > 1:
        reasons.append("the same name in two Unicode spellings (composed and decomposed): keep one")
    if others:
        reasons.append(f"same article id as {', '.join(others)}")
    return "; ".join(reasons)


class _CachedEmbeddings(IdentifiedEmbeddings):
    """The embedder behind LangChain's ``CacheBackedEmbeddings``, keyed by text hash.

    The record manager skips passages whose text *and* metadata are unchanged; when a
    paragraph is inserted, later passages only change position, and this cache keeps
    their text from being embedded again.
    """

    def __init__(self, inner: Any, settings: Settings) -> None:
        from langchain_classic.embeddings import CacheBackedEmbeddings

        cache = EmbeddingCache(settings.record_db_url, f"embeddings/{inner.identity}")
        self._cached = CacheBackedEmbeddings.from_bytes_store(
            inner, cache, namespace=inner.identity, key_encoder="sha256"
        )
        self._inner = inner
        self.identity = inner.identity

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._cached.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)


def ensure_writable(settings: Settings) -> None:
    """Refuse, in one line, to write a store that this process may not write: an
    embedded store that a running chat owns, or one whose writes cannot be leased.

    Raises:
        AssistantError: another process serves this embedded store (see
            :func:`core.store.claim_embedded_store`), or see
            :func:`core.lease.check_leasable`.
    """
    check_leasable(settings)
    owner = embedded_store_owner(settings)
    if owner:
        how = (
            "re-ingests its articles folder by itself when a file changes, or"
            if owner.get("watching")
            else "re-ingests"
        )
        raise AssistantError(
            f"the running chat (pid {owner.get('pid', '?')}, {owner.get('url', '?')}) owns "
            f"this embedded store and {how} when Re-ingest is pressed in its Articles tab; "
            "stop it to ingest from the command line"
        )


def ingest_folder(
    settings: Settings,
    embeddings: IdentifiedEmbeddings,
    folder: Path | None = None,
    *,
    progress: IngestProgress | None = None,
) -> IngestReport:
    """Sync the store with ``folder`` (default: the configured knowledge folder);
    ``progress`` is told how many of its passages are written as it goes.

    The whole sync holds the store's write lease (see :mod:`core.lease`), reading the
    folder included: a writer that waited for another one writes the folder as it is
    then, not as it was when it started waiting. Articles are indexed in batches, new
    passages first and stale ones removed after, so a question asked meanwhile never
    meets a half-emptied article. Articles that fail to load are reported in
    ``errors`` and keep what the store already had; a folder that cannot be read is
    reported too, and nothing is deleted meanwhile. A crash at any point is repaired by
    the next run (see :func:`_remove_orphans`).

    Raises:
        AssistantError: the folder is missing, cannot be read
            (:class:`~ingest.loaders.UnreadableFolderError`) or holds no article at all,
            a chat in another process owns this embedded store, or the store cannot be
            leased.
    """
    started = time.perf_counter()
    folder = folder or settings.knowledge_dir
    with write_lease(settings) as lease:
        ensure_writable(settings)  # under the lease: a chat may have started meanwhile
        articles, errors = load_folder(folder, settings.max_file_bytes)
        if not articles and not errors:
            suffixes = ", ".join(SUPPORTED_SUFFIXES)
            raise AssistantError(f"no articles in {folder} (expected {suffixes} files)")
        report = _sync(lease, settings, embeddings, articles, errors, progress)
    report.seconds = time.perf_counter() - started
    return report


def _sync(
    lease: Lease,
    settings: Settings,
    embeddings: IdentifiedEmbeddings,
    articles: list[Article],
    errors: list[dict[str, str]],
    progress: IngestProgress | None,
) -> IngestReport:
    """Write ``articles`` into the store in batches and delete what left the folder."""
    store = open_store(settings, embeddings)
    indexing_embeddings = _CachedEmbeddings(embeddings, settings)
    indexing_store = open_store(settings, indexing_embeddings)
    record_manager = open_record_manager(settings)
    leased_records: Any = _LeasedRecords(record_manager, lease)  # index() takes it as its own
    report = IngestReport(articles=len(articles), errors=errors)
    report.deleted += _remove_orphans(lease, store, record_manager)
    batches = [
        [p for a in articles[start : start + ARTICLES_PER_BATCH] for p in chunk_article(a)]
        for start in range(0, len(articles), ARTICLES_PER_BATCH)
    ]
    total = sum(len(passages) for passages in batches)
    tell = progress or (lambda done, total: None)
    tell(0, total)
    for passages in batches:
        documents = documents_in_writes(passages, indexing_embeddings, tell, report.chunks, total)
        result = _index(documents, leased_records, indexing_store)
        report.chunks += len(passages)
        report.added += result["num_added"]
        report.updated += result["num_updated"]
        report.skipped += result["num_skipped"]
        report.deleted += result["num_deleted"]
        tell(report.chunks, total)
    report.deleted += _delete_gone(lease, settings, store, record_manager, articles, errors)
    if report.added or report.updated or report.deleted:
        StoreVersion.for_settings(settings).bump()  # serving chats reload
    return report


def _index(documents: Iterator[Document], record_manager: Any, store: Any) -> Any:
    """LangChain's ``index()`` of one batch of articles: its passages' new documents are
    added, and only then are the stale ones of those articles deleted."""
    from langchain_core.indexing import index

    return index(
        documents,
        record_manager,
        store,
        cleanup="scoped_full",
        source_id_key=SOURCE_KEY,
        key_encoder="sha256",
        batch_size=PASSAGES_PER_WRITE,
    )


def _delete_gone(
    lease: Lease,
    settings: Settings,
    store: Any,
    record_manager: Any,
    articles: list[Article],
    errors: list[dict[str, str]],
) -> int:
    """Delete the passages of articles whose files left the folder; returns how many.

    A file that failed to load keeps its article's passages until it reads again; a link
    out of the folder was never an article and keeps nothing. A folder that could not
    be read holds back every deletion: which articles it holds cannot be told.
    """
    if any(e["error"].startswith(UNREADABLE_FOLDER) for e in errors):
        return 0
    failed = [Path(e["file"]) for e in errors if e["error"] not in OUTSIDE_LINKS]
    failed_ids = {article_id_for(path) for path in failed}
    present_ids = {a.id for a in articles}
    deleted = 0
    for gone in sorted(set(ingested_articles(settings)) - present_ids - failed_ids):
        keys = record_manager.list_keys(group_ids=[gone])
        if keys:
            lease.check()
            store.delete(keys)
            record_manager.delete_keys(keys)
            deleted += len(keys)
    return deleted


class _LeasedRecords:
    """The record manager as LangChain's ``index()`` writes it: each bookkeeping write
    first checks that the write lease still holds (:meth:`Lease.check`, one query per
    batch of passages). A writer whose lease went with its database session stops there,
    before it records passages another writer's orphan sweep may have taken for strays;
    what it stored but did not record is such an orphan, swept by the next sync."""

    def __init__(self, records: Any, lease: Lease) -> None:
        self._records = records
        self._lease = lease

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._lease.check()
        self._records.update(*args, **kwargs)

    def delete_keys(self, *args: Any, **kwargs: Any) -> None:
        self._lease.check()
        self._records.delete_keys(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # reads: get_time, exists, list_keys
        return getattr(self._records, name)


def _remove_orphans(lease: Lease, store: Any, record_manager: Any) -> int:
    """Delete passages the store holds but the bookkeeping does not know.

    LangChain's index() writes to the store before it records the write, so a process
    killed in between leaves such passages; everything else is repaired by re-indexing.
    A writer that is still running leaves them too, so the sweep runs only under the
    write lease (``lease``), when no other writer can be between the two steps, and
    every writer of a collection shares one bookkeeping (see :mod:`core.lease`).
    """
    stored = set(read_all(store, [])["ids"])
    orphans = sorted(stored - set(record_manager.list_keys()))
    if orphans:
        lease.check()  # a writer that lost the lease would delete another's new passages
        logger.info("removing %d passages of %s that no write recorded", len(orphans), lease.where)
        store.delete(orphans)
    return len(orphans)
