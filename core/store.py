"""The one place that opens the store: Chroma for passages, a SQL record manager for bookkeeping."""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from core.embeddings import IdentifiedEmbeddings
from core.errors import EmptyStoreError, StoreError
from core.lease import load_lease
from core.settings import Settings

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_classic.indexes import SQLRecordManager

EMBEDDER_KEY = "embedder"
OWNER_FILE = "serving.lock"
logger = logging.getLogger(__name__)


def _client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                ssl=settings.chroma_ssl,
                headers=settings.chroma_headers or None,
                settings=chroma_settings,
            )
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(
            path=str(settings.data_dir / "chroma"), settings=chroma_settings
        )
    except Exception as exc:  # chromadb raises ValueError, ConnectionError, OSError, ...
        where = (
            f"{settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else str(settings.data_dir)
        )
        raise StoreError(f"cannot open the store at {where}: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def open_store(
    settings: Settings, embeddings: IdentifiedEmbeddings, *, create: bool = True
) -> Chroma:
    """Open the passage collection, checking that it was filled by the same embedder.

    Args:
        settings: where the store lives (embedded folder or Chroma server).
        embeddings: the embedder used for queries and new passages.
        create: make an empty collection when there is none (ingest); when False a
            missing collection is an error (asking before the first ingest).

    Raises:
        StoreError: the store is unreachable, missing, or was built with another embedder.
    """

    client = _client(settings)
    try:
        existing = {c if isinstance(c, str) else c.name for c in client.list_collections()}
    except Exception as exc:
        raise StoreError(f"cannot read the store: {_first_line(exc)}") from exc
    if settings.collection in existing:
        collection = client.get_collection(settings.collection)
        built_with = (collection.metadata or {}).get(EMBEDDER_KEY)
        if built_with != embeddings.identity:
            raise StoreError(
                f"the store was built with embeddings {built_with!r} but "
                f"{embeddings.identity!r} is configured: use the same HR_ASSISTANT_EMBEDDINGS "
                "or another HR_ASSISTANT_DATA_DIR"
            )
    elif not create:
        raise EmptyStoreError("the store is empty: run 'hr-assistant ingest' first")
    return _wrapper(settings, client, embeddings)


def _wrapper(settings: Settings, client: Any, embeddings: IdentifiedEmbeddings) -> Chroma:
    from langchain_chroma import Chroma

    return Chroma(
        client=client,
        collection_name=settings.collection,
        embedding_function=embeddings,
        collection_metadata={"hnsw:space": "cosine", EMBEDDER_KEY: embeddings.identity},
    )


class PassageStore:
    """The reading side of the store, and the only code that queries Chroma directly.

    LangChain's ``Chroma`` wrapper (``vectors``) writes passages through the indexing
    API; but its searches always fetch every hit's text and metadata, while retrieval
    needs only ids and distances of 100 candidates (its passages are in memory), so
    that query goes to the chromadb collection through chromadb's public client API.
    """

    def __init__(self, vectors: Chroma, collection: Any) -> None:
        self.vectors = vectors
        self._collection = collection

    def nearest(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the ``k`` passages nearest to ``vector``."""
        import numpy as np

        found = self._collection.query(
            query_embeddings=np.asarray([vector], dtype=np.float32),
            n_results=k,
            include=["distances"],
        )
        ids, distances = found["ids"][0], (found["distances"] or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def read_all(self, include: list[str]) -> dict[str, list[Any]]:
        return read_all(self.vectors, include)

    def load_index(self) -> None:
        """Have Chroma read the dense index now. Embedded Chroma reads it from disk on the
        first query and keeps it in this process, so that read belongs under the load
        lease, not in a first question that may come while another process writes."""
        first = self._collection.get(limit=1, include=["embeddings"])
        vectors = first.get("embeddings")
        if vectors is not None and len(vectors):
            self._collection.query(query_embeddings=vectors[:1], n_results=1, include=[])

    def add_with_vectors(
        self,
        ids: list[str],
        vectors: Any,
        documents: list[str],
        metadatas: list[dict[str, Any]],
    ) -> None:
        """Add passages with vectors made elsewhere (the scale benchmark's synthetic ones)."""
        self._collection.add(ids=ids, embeddings=vectors, documents=documents, metadatas=metadatas)


def open_passages(settings: Settings, embeddings: IdentifiedEmbeddings) -> PassageStore:
    """The store for answering; an error when nothing was ingested yet.

    An embedded store is opened under its load lease (see :mod:`core.lease`): a write
    under way finishes first, and the dense index is read before the lease is let go.

    Raises:
        StoreError: as :func:`open_store` with ``create=False``.
    """
    with load_lease(settings):
        vectors = open_store(settings, embeddings, create=False)
        client = _client(settings)
        try:
            collection = client.get_collection(settings.collection)
        except Exception as exc:  # removed between the two calls, or the server went away
            raise StoreError(f"cannot read the store: {_first_line(exc)}") from exc
        passages = PassageStore(vectors, collection)
        passages.load_index()
    return passages


def ingested_articles(settings: Settings) -> dict[str, float]:
    """Each article id the bookkeeping knows, with when its passages last changed.

    LangChain's record manager lists keys but not their groups (articles); its table
    (a persisted format, so a stable one) is read with SQLAlchemy instead of through
    the manager's private session and row class.
    """
    from sqlalchemy import MetaData, Table, func, select

    manager = open_record_manager(settings)  # makes sure the table exists
    engine = sql_engine(settings.record_db_url)
    table = Table(RECORD_TABLE, MetaData(), autoload_with=engine)
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.group_id, func.max(table.c.updated_at))
            .where(table.c.namespace == manager.namespace)
            .group_by(table.c.group_id)
        )
        return {str(group): float(stamp or 0) for group, stamp in rows if group}


RECORD_TABLE = "upsertion_record"
_engines: dict[str, Any] = {}


def sql_engine(url: str) -> Any:
    """One SQLAlchemy engine (and connection pool) per database URL in a process."""
    from sqlalchemy import create_engine

    if url not in _engines:
        _engines[url] = create_engine(url)
    return _engines[url]


_record_managers: dict[tuple[str, str], Any] = {}


def open_record_manager(settings: Settings) -> SQLRecordManager:
    """The record manager that lets re-ingest skip unchanged passages and delete stale ones.

    One per database and collection in a process: each would otherwise bring its own
    SQLAlchemy engine, and every ingest and Articles listing asks for one.
    """
    from langchain_classic.indexes import SQLRecordManager

    key = (settings.record_db_url, settings.collection)
    if key not in _record_managers:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        manager = SQLRecordManager(
            namespace=f"chroma/{settings.collection}", db_url=settings.record_db_url
        )
        manager.create_schema()
        _record_managers[key] = manager
    return _record_managers[key]


def read_all(store: Chroma, include: list[str], page_size: int = 5000) -> dict[str, list[Any]]:
    """Every stored record, fetched a page at a time.

    One ``get()`` of a whole large collection fails in embedded Chroma ("too many SQL
    variables" at 100k passages), so the store is read in pages.
    """
    result: dict[str, list[Any]] = {"ids": [], **{key: [] for key in include}}
    offset = 0
    while True:
        page = store.get(include=include, limit=page_size, offset=offset)
        ids = page.get("ids") or []
        result["ids"].extend(ids)
        for key in include:
            result[key].extend(page.get(key) or [])
        if len(ids) < page_size:
            return result
        offset += page_size


class StoreVersion:
    """A counter in the bookkeeping database, raised by every ingest that changed the store.

    Every serving process reads it before a question (at most once a second, one small
    query) and reloads its in-memory view when it moved, so a chat follows ingests done
    by any process or machine that shares the store (Chroma server + PostgreSQL).
    """

    def __init__(self, url: str, collection: str) -> None:
        from sqlalchemy import Column, Integer, MetaData, String, Table

        self.collection = collection
        self._metadata = MetaData()
        self._table = Table(
            "hr_store_version",
            self._metadata,
            Column("collection", String(200), primary_key=True),
            Column("version", Integer, nullable=False),
        )
        self._engine = sql_engine(url)  # one pool per database, however often this is made
        self._metadata.create_all(self._engine)

    @classmethod
    def for_settings(cls, settings: Settings) -> StoreVersion:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(settings.record_db_url, settings.collection)

    def current(self) -> int:
        from sqlalchemy import select

        with self._engine.connect() as connection:
            found = connection.execute(
                select(self._table.c.version).where(self._table.c.collection == self.collection)
            ).scalar()
        return int(found or 0)

    def bump(self) -> None:
        """Raise the counter by one (atomically, in one transaction)."""
        from sqlalchemy import insert, update
        from sqlalchemy.exc import IntegrityError

        table = self._table
        raise_it = (
            update(table)
            .where(table.c.collection == self.collection)
            .values(version=table.c.version + 1)
        )
        with self._engine.begin() as connection:
            if connection.execute(raise_it).rowcount:
                return
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(table).values(collection=self.collection, version=1))
        except IntegrityError:  # another process made the row first: raise that one
            with self._engine.begin() as connection:
                connection.execute(raise_it)


def claim_embedded_store(settings: Settings, about: dict[str, Any]) -> IO[str] | None:
    """Make this process the one writer of an embedded store; keep the handle open.

    ``about`` (its URL, whether it watches the articles folder) is shown to a CLI ingest
    that the owner turns away.

    Embedded Chroma keeps its vector index in the memory of the process that opened it:
    passages another process adds reach that process's text search but never its dense
    search. So one serving process owns an embedded store and does every ingest itself.
    A Chroma server has no such limit: nothing is claimed (None).

    Raises:
        StoreError: another process already serves this embedded store.
    """
    if settings.chroma_host:
        return None
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    handle = (settings.data_dir / OWNER_FILE).open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = _owner_of(handle)
        handle.close()
        raise StoreError(
            f"another chat (pid {owner.get('pid', '?')}, {owner.get('url', '?')}) already serves "
            f"the store in {settings.data_dir}: several chats need a Chroma server "
            "(HR_ASSISTANT_CHROMA_HOST)"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), **about}))
    handle.flush()
    return handle


def embedded_store_owner(settings: Settings) -> dict[str, Any] | None:
    """The other process serving this embedded store (its pid and URL), if any."""
    path = settings.data_dir / OWNER_FILE
    if settings.chroma_host or not path.exists():
        return None
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner_of(handle)
            return None if owner.get("pid") == os.getpid() else owner
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


def _owner_of(handle: IO[str]) -> dict[str, Any]:
    handle.seek(0)
    try:
        found = json.loads(handle.read() or "{}")
    except json.JSONDecodeError as exc:
        logger.warning("unreadable %s: %s", OWNER_FILE, exc)
        return {}
    return found if isinstance(found, dict) else {}
