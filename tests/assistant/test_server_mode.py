"""Server mode: a real `chroma run` and a real PostgreSQL, shared by separate processes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.settings import Settings
from tests.conftest import KNOWLEDGE, run_cli, settings_env

pytestmark = pytest.mark.integration


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
    from hr_assistant.runtime import Runtime
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

    answer = Runtime(server_settings, embeddings=embeddings).assistant.ask(
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
    env = settings_env(server_settings)
    asked = run_cli("ask", "How does People Operations differ from HR?", "--json", env=env)
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["citations"][0]["source"] == "people-operations-vs-hr"

    FeedbackStore.for_settings(server_settings).vote(
        answer_id="server-answer",
        liked=True,
        question="q",
        answer="a [1]",
        language="en",
        citations=[],
    )
    exported = run_cli("feedback", "export", env=env, timeout=120)
    assert exported.returncode == 0, exported.stderr
    assert "a [1]" in exported.stdout
