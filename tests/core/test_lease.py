"""The write lease between real processes: a file lock for the embedded store, a
PostgreSQL advisory lock (or a lock beside a shared SQLite file) for a Chroma server."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from core.errors import StoreError
from core.lease import check_leasable, load_lease, write_lease
from core.settings import Settings
from tests.conftest import end_lease_sessions, postgres_database, settings_env

WAITING = "waiting for another writer"
# Takes the lease named by argv[1] (write, load; hold: write and keep it) and says so.
TAKER = """
import logging, sys, time
from core.lease import load_lease, write_lease
from core.settings import Settings
logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
lease = load_lease if sys.argv[1] == "load" else write_lease
with lease(Settings()):
    print("held", flush=True)
    while sys.argv[1] == "hold":
        time.sleep(1)
"""


class Taker:
    """A process that takes a lease of ``settings``' store; its stderr goes to a file."""

    def __init__(self, settings: Settings, kind: str, log: Path) -> None:
        self.log = log
        with log.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-c", TAKER, kind],
                env=settings_env(settings),
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )

    def waits(self) -> bool:
        """Whether it says it waits (and has not got the lease) within a few seconds."""
        deadline = time.monotonic() + 60
        while WAITING not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        time.sleep(0.3)  # past the message it would be through at once if nothing held it
        return self.process.poll() is None

    def gets_it(self) -> bool:
        out, _ = self.process.communicate(timeout=60)
        return out.strip() == "held" and self.process.returncode == 0


def embedded(tmp_path: Path, **values: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None, **values)  # type: ignore[arg-type]


def a_writer_waits_while(holding: AbstractContextManager, settings: Settings, log: Path) -> None:
    with holding:
        taker = Taker(settings, "write", log)
        assert taker.waits(), log.read_text()
    assert taker.gets_it(), log.read_text()


def test_a_writer_of_the_embedded_store_waits_for_another(tmp_path: Path):
    settings = embedded(tmp_path)
    a_writer_waits_while(write_lease(settings), settings, tmp_path / "taker.log")


def test_loading_waits_for_a_write_and_a_write_for_loading_but_loads_share(tmp_path: Path):
    settings = embedded(tmp_path)
    with write_lease(settings):
        loader = Taker(settings, "load", tmp_path / "loader.log")
        assert loader.waits()
    assert loader.gets_it()
    with load_lease(settings):
        assert Taker(settings, "load", tmp_path / "other.log").gets_it()
        assert WAITING not in (tmp_path / "other.log").read_text()
    a_writer_waits_while(load_lease(settings), settings, tmp_path / "writer.log")


@pytest.fixture(params=["postgresql", "sqlite"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """A Chroma server's settings (none is needed to lease) with shared bookkeeping."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'shared' / 'records.sqlite'}"
        (tmp_path / "shared").mkdir()
    return embedded(tmp_path, chroma_host="127.0.0.1", database_url=url, collection="lease-a")


def test_server_writers_wait_for_each_other_per_collection(server: Settings, tmp_path: Path):
    a_writer_waits_while(write_lease(server), server, tmp_path / "taker.log")
    # A writer elsewhere (another data folder, machine) waits too; another collection not.
    elsewhere = server.model_copy(update={"data_dir": tmp_path / "elsewhere"})
    a_writer_waits_while(write_lease(server), elsewhere, tmp_path / "elsewhere.log")
    other = server.model_copy(update={"collection": "lease-b"})
    with write_lease(server):
        assert Taker(other, "write", tmp_path / "other.log").gets_it()
    # A server's index is live: loading it waits for nothing.
    with write_lease(server):
        assert Taker(server, "load", tmp_path / "load.log").gets_it()


@pytest.mark.parametrize("backend", ["embedded", "server"])
def test_a_writer_killed_while_writing_leaves_no_lease_behind(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
):
    settings = embedded(tmp_path)
    if backend == "server":
        url = request.getfixturevalue("postgres_url")
        settings = embedded(tmp_path, chroma_host="127.0.0.1", database_url=url, collection="k")
    holder = Taker(settings, "hold", tmp_path / "holder.log")
    assert holder.process.stdout is not None
    assert holder.process.stdout.readline().strip() == "held"
    holder.process.send_signal(signal.SIGKILL)
    holder.process.wait()
    assert Taker(settings, "write", tmp_path / "next.log").gets_it()


def test_a_writer_whose_database_session_ended_is_told_at_its_next_check(
    postgres_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    database = postgres_database(postgres_url, "lease_lost")
    settings = embedded(tmp_path, chroma_host="127.0.0.1", database_url=database, collection="c")
    with write_lease(settings) as lease:
        lease.check()  # held: nothing to say
        assert end_lease_sessions(database) == 1  # a restart, pg_terminate_backend
        # The lock went with the session: another writer takes the lease at once ...
        assert Taker(settings, "write", tmp_path / "next.log").gets_it()
        # ... and this one learns at its next check that it holds it no more.
        with pytest.raises(StoreError, match=r"^lost the write lease of collection c") as lost:
            lease.check()
    assert "\n" not in str(lost.value)
    assert "lost the write lease" in caplog.text  # logged with its cause


@pytest.mark.parametrize(
    ("database_url", "named"),
    [
        (None, "HR_ASSISTANT_DATABASE_URL"),
        ("sqlite://", "not sqlite"),
        ("mysql+pymysql://u@db/hr", "not mysql"),
    ],
)
def test_a_server_store_that_cannot_be_leased_is_refused_in_one_line(
    tmp_path: Path, database_url: str | None, named: str
):
    settings = embedded(tmp_path, chroma_host="127.0.0.1", database_url=database_url)
    for attempt in (lambda: check_leasable(settings), lambda: write_lease(settings).__enter__()):
        with pytest.raises(StoreError) as refused:
            attempt()
        assert named in str(refused.value) and "\n" not in str(refused.value)
    with load_lease(settings):  # reading is not writing: nothing to refuse
        pass


def test_one_thread_nests_its_lease_and_other_threads_wait(tmp_path: Path):
    settings = embedded(tmp_path)
    got: list[str] = []
    with write_lease(settings), write_lease(settings), load_lease(settings):
        other = threading.Thread(target=lambda: _take(settings, got))
        other.start()
        other.join(timeout=1)
        assert other.is_alive() and not got  # another thread waits as a process would
    other.join(timeout=30)
    assert got == ["other"]
    with load_lease(settings), pytest.raises(RuntimeError):
        write_lease(settings).__enter__()


def _take(settings: Settings, got: list[str]) -> None:
    with write_lease(settings):
        got.append("other")


def test_a_data_folder_that_cannot_hold_the_lock_is_one_line(tmp_path: Path):
    # A file where the data folder should be: no lock file can be made there.
    blocked = tmp_path / "data"
    blocked.write_text("not a folder", encoding="utf-8")
    settings = Settings(_env_file=None, data_dir=blocked, knowledge_dir=tmp_path)  # type: ignore[call-arg]
    with pytest.raises(StoreError, match="cannot lock") as raised, write_lease(settings):
        pass
    assert "\n" not in str(raised.value)
