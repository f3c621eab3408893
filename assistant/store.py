"""The one place that opens the store: Chroma for passages, a SQL record manager for bookkeeping."""

from __future__ import annotations

import fcntl
import json
import logging
import os
from typing import IO, TYPE_CHECKING, Any

from assistant.embeddings import IdentifiedEmbeddings
from assistant.errors import EmptyStoreError, StoreError
from assistant.settings import Settings

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
    from langchain_chroma import Chroma

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
    return Chroma(
        client=client,
        collection_name=settings.collection,
        embedding_function=embeddings,
        collection_metadata={"hnsw:space": "cosine", EMBEDDER_KEY: embeddings.identity},
    )


def open_record_manager(settings: Settings) -> SQLRecordManager:
    """The record manager that lets re-ingest skip unchanged passages and delete stale ones."""
    from langchain_classic.indexes import SQLRecordManager

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    manager = SQLRecordManager(
        namespace=f"chroma/{settings.collection}", db_url=settings.record_db_url
    )
    manager.create_schema()
    return manager


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
        from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine

        self.collection = collection
        self._metadata = MetaData()
        self._table = Table(
            "hr_store_version",
            self._metadata,
            Column("collection", String(200), primary_key=True),
            Column("version", Integer, nullable=False),
        )
        self._engine = create_engine(url)
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

        table = self._table
        with self._engine.begin() as connection:
            changed = connection.execute(
                update(table)
                .where(table.c.collection == self.collection)
                .values(version=table.c.version + 1)
            ).rowcount
            if not changed:
                connection.execute(insert(table).values(collection=self.collection, version=1))


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
