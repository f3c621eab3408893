"""Re-ingest: only changed passages are embedded, and a killed ingest is repaired.

These run real ``hr-assistant`` subprocesses against a real embedded Chroma.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bench.synthetic import write_articles
from ingest.chunking import chunk_article
from ingest.indexer import ingest_folder
from ingest.loaders import LINK_LOOP, load_article
from tests.conftest import HR_ASSISTANT, KNOWLEDGE, run_cli, settings_env
from tests.ingest.test_indexer import CountingEmbeddings

pytestmark = pytest.mark.integration

PEOPLE_OPS = "people-operations-vs-hr.md"


def _copy_knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    return folder


def test_an_edit_embeds_only_what_changed(make_settings, embeddings, tmp_path: Path):
    folder = _copy_knowledge(tmp_path)
    settings = make_settings(knowledge_dir=folder)
    counting = CountingEmbeddings(embeddings)
    first = ingest_folder(settings, embeddings=counting)
    embedded = counting.embedded

    article = folder / PEOPLE_OPS
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("mitigating risk", "reducing risk"), encoding="utf-8")
    edited = ingest_folder(settings, embeddings=counting)
    # The edited passage and its edited sentence; its other sentences come from the cache.
    assert counting.embedded - embedded == 2
    assert (edited.added, edited.deleted) == (1, 1)
    assert edited.skipped == first.chunks - 1

    # A paragraph inserted at the top shifts the positions of everything after it; their
    # text is unchanged, so only the new paragraph's passage (and its sentence) is embedded.
    embedded = counting.embedded
    new_paragraph = "People teams now also run the employee listening programme every quarter."
    marker = "In many organizations"
    article.write_text(
        article.read_text(encoding="utf-8").replace(marker, f"{new_paragraph}\n\n{marker}", 1),
        encoding="utf-8",
    )
    ingest_folder(settings, embeddings=counting)
    assert counting.embedded - embedded <= 4


def _consistency(settings, embeddings) -> None:
    """Every article once, every passage once, nothing the bookkeeping does not know."""
    from core.store import open_record_manager, open_store

    store = open_store(settings, embeddings)
    stored = store.get(include=["metadatas"])
    assert set(stored["ids"]) == set(open_record_manager(settings).list_keys())
    places = [(m["article_id"], m["position"]) for m in stored["metadatas"]]
    assert len(places) == len(set(places)), "duplicate passages"
    expected = {
        path.stem: len(chunk_article(load_article(path)))
        for path in settings.knowledge_dir.glob("*.md")
    }
    counted: dict[str, int] = {}
    for article_id, _ in places:
        counted[article_id] = counted.get(article_id, 0) + 1
    assert counted == expected


def test_a_link_loop_is_one_error_for_cli_ingest_not_an_abort(make_settings, tmp_path: Path):
    folder = _copy_knowledge(tmp_path)
    (folder / "loop.md").symlink_to("loop.md")  # ln -s loop.md loop.md
    result = run_cli("ingest", "--json", env=settings_env(make_settings(knowledge_dir=folder)))
    assert result.returncode == 1, result.stderr  # errors listed: exit 1, as for any bad file
    report = json.loads(result.stdout)
    assert report["errors"] == [{"file": "loop.md", "error": LINK_LOOP}]
    assert report["articles"] == len(list(KNOWLEDGE.glob("*.md")))
    assert report["added"] == report["chunks"] > 0


def test_killing_ingest_at_any_moment_leaves_a_store_the_next_run_repairs(
    make_settings, embeddings, tmp_path: Path
):
    folder = _copy_knowledge(tmp_path)
    write_articles(folder, 40)
    settings = make_settings(knowledge_dir=folder)
    env = settings_env(settings)
    for round_number, delay in enumerate((2.0, 3.5, 5.0, 6.5)):
        # Change the folder between kills: edits, an addition and a removal.
        write_articles(folder, 5, start=100 + round_number)
        for path in sorted(folder.glob("synthetic-000*.md"))[round_number : round_number + 3]:
            path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
        (folder / f"synthetic-{round_number:05d}.md").unlink(missing_ok=True)
        process = subprocess.Popen(
            [*HR_ASSISTANT, "ingest", "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
    result = run_cli("ingest", "--json", env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    _consistency(settings, embeddings)
    again = json.loads(run_cli("ingest", "--json", env=env, timeout=600).stdout)
    assert (again["added"], again["deleted"], again["updated"]) == (0, 0, 0)


def test_questions_are_answered_from_a_complete_store_while_ingest_runs(
    make_settings, embeddings, tmp_path: Path
):
    folder = _copy_knowledge(tmp_path)
    write_articles(folder, 30)
    settings = make_settings(knowledge_dir=folder)
    ingest_folder(settings, embeddings=embeddings)
    # Edit every article, the one asked about included, then re-ingest in the background.
    for path in folder.glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8") + "\nUpdated.\n", encoding="utf-8")
    env = settings_env(settings)
    process = subprocess.Popen(
        [*HR_ASSISTANT, "ingest", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    answers = []
    while process.poll() is None and len(answers) < 6:
        asked = run_cli("ask", "How does People Operations differ from HR?", "--json", env=env)
        assert asked.returncode == 0, asked.stderr
        answers.append(json.loads(asked.stdout))
    process.wait(timeout=600)
    assert process.returncode == 0
    assert answers, "ingest finished before any question was asked"
    for answer in answers:
        assert not answer["abstained"]
        assert answer["citations"][0]["source"] == "people-operations-vs-hr"
