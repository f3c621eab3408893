"""Server mode: a real `chroma run` and a real PostgreSQL, shared by separate processes."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.conftest import KNOWLEDGE, missing, wait_until_ready
from tests.ui.conftest import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
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


@pytest.fixture
def server_settings(chroma_port: int, postgres_url: str, tmp_path: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    return Settings(
        data_dir=tmp_path / "data",
        knowledge_dir=knowledge,
        chroma_host="127.0.0.1",
        chroma_port=chroma_port,
        database_url=postgres_url,
        collection=f"hr-articles-{tmp_path.name[-8:]}",
        _env_file=None,
    )


def test_ingest_reingest_and_ask_through_the_servers(server_settings: Settings, embeddings):
    from assistant.chain import Assistant
    from ingest.indexer import ingest_folder

    first = ingest_folder(server_settings, embeddings=embeddings)
    assert first.added == first.chunks > 0
    again = ingest_folder(server_settings, embeddings=embeddings)
    assert (again.added, again.skipped) == (0, first.chunks)
    (server_settings.knowledge_dir / "people-operations-vs-hr.md").unlink()
    third = ingest_folder(server_settings, embeddings=embeddings)
    assert third.deleted > 0 and third.articles == 2
    assert not (server_settings.data_dir / "chroma").exists()  # nothing embedded locally
    assert not (server_settings.data_dir / "records.sqlite").exists()

    answer = Assistant(server_settings, embeddings=embeddings).ask(
        "Wat is het verschil tussen een HR-assistent en een HR-officer?"
    )
    assert not answer.abstained
    assert answer.citations[0].source == "hr-assistent-vs-hr-officer"


def test_another_process_asks_the_same_server_and_feedback_is_shared(
    server_settings: Settings, embeddings
):
    from assistant.feedback import FeedbackStore
    from ingest.indexer import ingest_folder

    ingest_folder(server_settings, embeddings=embeddings)
    env = {
        **os.environ,
        "HR_ASSISTANT_DATA_DIR": str(server_settings.data_dir),
        "HR_ASSISTANT_CHROMA_HOST": "127.0.0.1",
        "HR_ASSISTANT_CHROMA_PORT": str(server_settings.chroma_port),
        "HR_ASSISTANT_DATABASE_URL": str(server_settings.database_url),
        "HR_ASSISTANT_COLLECTION": server_settings.collection,
    }
    asked = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "ask",
            "How does People Operations differ from HR?",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["citations"][0]["source"] == "people-operations-vs-hr"

    FeedbackStore.for_settings(server_settings).record(
        liked=True, question="q", answer="a [1]", language="en", citations=[]
    )
    exported = subprocess.run(
        [sys.executable, "-m", "assistant", "feedback", "export"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    assert "a [1]" in exported.stdout
