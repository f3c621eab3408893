"""One write lease per store: every writer holds it for the whole write.

Embedded Chroma keeps its dense index in the memory of the process that opened it and
puts it on disk only now and then, so a process that opens the store while another one
writes gets an error ("Nothing found on disk") or an index frozen at the part written
so far. On a Chroma server, a writer's orphan sweep deletes what it finds in the store
but not in its bookkeeping, which is what another writer is adding. So every write (CLI
ingest, the watcher, the Articles tab, another machine) holds one lease, and a process
that loads an embedded store first waits for a running write:

- embedded store: ``flock`` on ``write.lock`` in the data folder, exclusive to write and
  shared to load;
- Chroma server: a PostgreSQL advisory lock keyed by the collection, held on one
  connection for the whole write (with a shared SQLite file: ``flock`` beside it). A
  server without shared bookkeeping (``HR_ASSISTANT_DATABASE_URL``) is refused: each data
  folder would keep its own record of one collection and delete the others' passages.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.errors import StoreError
from core.settings import Settings

LOCK_FILE = "write.lock"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lease:
    """Proof that the caller holds the write lease of ``where`` (code that may only run
    under it, such as the orphan sweep, asks for one)."""

    where: str


Acquire = Callable[[bool], AbstractContextManager[None]]  # shared? -> held while inside


@contextmanager
def write_lease(settings: Settings) -> Iterator[Lease]:
    """Hold the store's write lease while inside; waits (and says so) for another writer.

    Raises:
        StoreError: the store cannot be leased (a Chroma server without shared
            bookkeeping), or its database cannot be reached.
    """
    key, where, acquire = _backend(settings)
    with _held(key, shared=False, acquire=acquire):
        yield Lease(where)


@contextmanager
def load_lease(settings: Settings) -> Iterator[None]:
    """Held while a process loads the embedded store, so that it waits for a running
    write and reads the finished store. A Chroma server keeps one live index and every
    serving process follows the store version: nothing to wait for there."""
    if settings.chroma_host:
        yield
        return
    key, _, acquire = _backend(settings)
    with _held(key, shared=True, acquire=acquire):
        yield


def check_leasable(settings: Settings) -> None:
    """Refuse, in one line, a store whose writes cannot be leased (before any work).

    Raises:
        StoreError: as :func:`write_lease`.
    """
    _backend(settings)


def _backend(settings: Settings) -> tuple[str, str, Acquire]:
    """What identifies the lease, how to name it, and how to take it."""
    if not settings.chroma_host:
        path = settings.data_dir / LOCK_FILE
        where = f"the store in {settings.data_dir}"
        return str(path), where, lambda shared: _file_lock(path, shared, where)
    where = f"collection {settings.collection} on {settings.chroma_host}:{settings.chroma_port}"
    if not settings.database_url:
        raise StoreError(
            "HR_ASSISTANT_CHROMA_HOST is set but HR_ASSISTANT_DATABASE_URL is not: every data "
            "folder would keep its own bookkeeping of the shared collection and delete the "
            "others' passages; set HR_ASSISTANT_DATABASE_URL to the database all writers share"
        )
    from sqlalchemy.engine import make_url

    database, collection = settings.database_url, settings.collection
    url = make_url(database)
    if url.get_backend_name() == "postgresql":
        key = f"{database}#{collection}"
        return key, where, lambda shared: _advisory_lock(database, collection, shared, where)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(f"{url.database}.{collection}.{LOCK_FILE}")
        return str(path), where, lambda shared: _file_lock(path, shared, where)
    raise StoreError(
        f"a Chroma server needs PostgreSQL or a SQLite file as HR_ASSISTANT_DATABASE_URL to "
        f"lease its writes, not {url.get_backend_name()}"
    )


_local = threading.local()


@contextmanager
def _held(key: str, *, shared: bool, acquire: Acquire) -> Iterator[None]:
    """Take the lease unless this thread holds it already: a write that loads, or a
    nested write, must not wait for itself. Other threads wait as other processes do."""
    held: dict[str, bool] | None = getattr(_local, "held", None)
    if held is None:
        held = _local.held = {}
    if key in held:
        if held[key] and not shared:
            raise RuntimeError("a write lease cannot be taken while loading under it")
        yield
        return
    with acquire(shared):
        held[key] = shared
        try:
            yield
        finally:
            del held[key]


@contextmanager
def _file_lock(path: Path, shared: bool, where: str) -> Iterator[None]:
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a")
    except OSError as exc:  # a read-only or foreign data folder: say so in one line
        raise StoreError(f"cannot lock {path}: {exc.strerror or exc}") from exc
    with handle:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("waiting for another writer of %s to finish…", where)
            fcntl.flock(handle, mode)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _advisory_lock(database: str, collection: str, shared: bool, where: str) -> Iterator[None]:
    """A session-level PostgreSQL advisory lock on a connection of its own, outside any
    transaction (a server that ends idle transactions would end the lease with them)."""
    from sqlalchemy import text

    from core.store import sql_engine

    kind = "_shared" if shared else ""
    key = {"key": _advisory_key(collection)}
    try:
        connection = sql_engine(database).connect()
    except Exception as exc:  # unreachable, no driver, bad credentials, ...
        raise StoreError(f"cannot take the write lease of {where}: {_first_line(exc)}") from exc
    with connection:
        try:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            if not connection.execute(
                text(f"SELECT pg_try_advisory_lock{kind}(:key)"), key
            ).scalar():
                logger.warning("waiting for another writer of %s to finish…", where)
                connection.execute(text(f"SELECT pg_advisory_lock{kind}(:key)"), key)
        except Exception as exc:
            raise StoreError(f"cannot take the write lease of {where}: {_first_line(exc)}") from exc
        try:
            yield
        finally:
            try:
                connection.execute(text(f"SELECT pg_advisory_unlock{kind}(:key)"), key)
            except Exception as exc:  # the session is gone, and its lock with it
                logger.warning("releasing the write lease of %s: %s", where, _first_line(exc))
                connection.invalidate()


def _advisory_key(collection: str) -> int:
    """A signed 64-bit key for the collection, the same in every process and machine."""
    digest = hashlib.sha256(f"hr-assistant write lease {collection}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
