"""The one place that opens the store: Chroma for passages, a SQL record manager for bookkeeping."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.embeddings import IdentifiedEmbeddings
from assistant.errors import EmptyStoreError, StoreError
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_classic.indexes import SQLRecordManager

EMBEDDER_KEY = "embedder"


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
