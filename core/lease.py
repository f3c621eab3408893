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

An advisory lock goes with its database session: when that ends mid-write (a server
restart, ``pg_terminate_backend``), another writer may take the lease. So a writer asks
:meth:`Lease.check` before each write it records, and stops when the lease is gone.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import StoreError
from core.settings import Settings

LOCK_FILE = "write.lock"
logger = logging.getLogger(__name__)


# Raises StoreError when the lease it checks is no longer held.
Check = Callable[[], None]


def _held_for_life() -> None:
    """A ``flock`` goes only with its process: while this one runs, it holds."""


@dataclass(frozen=True)
class Lease:
    """Proof that the caller holds the write lease of ``where`` (code that may only run
    under it, such as the orphan sweep, asks for one)."""

    where: str
    _check: Check = field(default=_held_for_life, repr=False, compare=False)

    def check(self) -> None:
        """Make sure the lease still holds before a write is recorded (one small query on
        a database's lease, nothing on a file lock).

        Raises:
            StoreError: "lost the write lease of …": its database session ended, and
                another writer may hold the lease now; the cause is logged.
        """
        self._check()


# shared? -> held while inside, giving the check of whether it still holds
Acquire = Callable[[bool], AbstractContextManager[Check]]


@contextmanager
def write_lease(settings: Settings) -> Iterator[Lease]:
    """Hold the store's write lease while inside; waits (and says so) for another writer.

    Raises:
        StoreError: the store cannot be leased (a Chroma server without shared
            bookkeeping), or its database cannot be reached.
    """
    key, where, acquire = _backend(settings)
    with _held(key, shared=False, acquire=acquire) as check:
        yield Lease(where, check)


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
def _held(key: str, *, shared: bool, acquire: Acquire) -> Iterator[Check]:
    """Take the lease unless this thread holds it already: a write that loads, or a
    nested write, must not wait for itself. Other threads wait as other processes do."""
    held: dict[str, tuple[bool, Check]] | None = getattr(_local, "held", None)
    if held is None:
        held = _local.held = {}
    if key in held:
        held_shared, check = held[key]
        if held_shared and not shared:
            raise RuntimeError("a write lease cannot be taken while loading under it")
        yield check
        return
    with acquire(shared) as check:
        held[key] = (shared, check)
        try:
            yield check
        finally:
            del held[key]


@contextmanager
def _file_lock(path: Path, shared: bool, where: str) -> Iterator[Check]:
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
            yield _held_for_life
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _advisory_lock(database: str, collection: str, shared: bool, where: str) -> Iterator[Check]:
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
            yield lambda: _still_locked(connection, key["key"], where)
        finally:
            if not connection.invalidated:  # else a check found the session gone, lock and all
                _unlock(connection, kind, key, where)


def _unlock(connection: Any, kind: str, key: dict[str, int], where: str) -> None:
    from sqlalchemy import text

    try:
        connection.execute(text(f"SELECT pg_advisory_unlock{kind}(:key)"), key)
    except Exception as exc:  # the session is gone, and its lock with it
        logger.warning("releasing the write lease of %s: %s", where, _first_line(exc))
        connection.invalidate()


# Whether this session holds the advisory lock of a bigint key (pg_locks splits the key
# into its high and low 32 bits, objsubid 1); a session that ended answers nothing.
_HOLDS_LOCK = """
SELECT EXISTS (
    SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
      AND classid = CAST(:high AS oid) AND objid = CAST(:low AS oid) AND objsubid = 1
)
"""


def _still_locked(connection: Any, key: int, where: str) -> None:
    """Raise StoreError, logged with its cause, unless the lease's session still holds
    the lock of ``key``."""
    from sqlalchemy import text

    parts = {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF}
    try:
        holds = connection.execute(text(_HOLDS_LOCK), parts).scalar()
    except Exception as exc:  # the session ended: its lock went with it
        logger.error("lost the write lease of %s: %s", where, _first_line(exc))
        raise StoreError(f"lost the write lease of {where}: {_first_line(exc)}") from exc
    if not holds:
        logger.error("lost the write lease of %s: its session no longer holds the lock", where)
        raise StoreError(f"lost the write lease of {where}: the lock is no longer held")


def _advisory_key(collection: str) -> int:
    """A signed 64-bit key for the collection, the same in every process and machine."""
    digest = hashlib.sha256(f"hr-assistant write lease {collection}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
