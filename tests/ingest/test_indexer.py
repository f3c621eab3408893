"""Ingest into a real embedded Chroma: counts, skips, deletions and bad files."""

import os
import shutil
from pathlib import Path

import pytest

from ingest.indexer import ingest_folder
from tests.conftest import KNOWLEDGE

pytestmark = pytest.mark.integration


def _units_in(folder: Path) -> int:
    """Distinct sentences and list items of the passages of the articles in ``folder``
    (each is embedded once; a small folder is written in one step)."""
    from core.units import split_text
    from ingest.chunking import chunk_article
    from ingest.loaders import load_article

    passages = [p for path in folder.glob("*.md") for p in chunk_article(load_article(path))]
    return len({u.text for p in passages for u in split_text(p.text)})


class CountingEmbeddings:
    """Wraps the real embedder and counts the passages it is asked to embed."""

    def __init__(self, inner):
        self.inner = inner
        self.identity = inner.identity
        self.embedded = 0

    def embed_documents(self, texts):
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_first_ingest_reports_every_passage(ingest_report):
    assert ingest_report.articles == 3
    assert ingest_report.chunks == ingest_report.added > 0
    assert ingest_report.errors == []
    assert set(ingest_report.to_json()) == {
        "articles",
        "chunks",
        "added",
        "updated",
        "skipped",
        "deleted",
        "errors",
        "seconds",
    }


def test_reingest_skips_unchanged_deletes_removed_and_reports_bad_files(
    make_settings, embeddings, tmp_path: Path
):
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    settings = make_settings(knowledge_dir=folder)
    counting = CountingEmbeddings(embeddings)

    first = ingest_folder(settings, embeddings=counting)
    # Each passage once, and each of its sentences once (their vectors are stored too).
    assert counting.embedded == first.chunks + _units_in(folder)
    embedded = counting.embedded

    again = ingest_folder(settings, embeddings=counting)
    assert (again.added, again.deleted, again.skipped) == (0, 0, first.chunks)
    assert counting.embedded == embedded  # nothing embedded the second time

    removed = folder / "people-operations-vs-hr.md"
    removed.unlink()
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00not utf-8 \xe9")
    third = ingest_folder(settings, embeddings=counting)
    assert third.errors == [{"file": "broken.txt", "error": "text is not UTF-8"}]
    assert third.articles == 2
    assert third.deleted > 0
    from core.store import open_store

    stored = open_store(settings, embeddings).get(include=["metadatas"])
    article_ids = {m["article_id"] for m in stored["metadatas"]}
    assert article_ids == {"hr-assistent-vs-hr-officer", "hr-generalist-vs-hr-manager"}
    chunk_ids = [m["chunk_id"] for m in stored["metadatas"]]
    assert len(chunk_ids) == len(set(chunk_ids))  # no duplicates


def test_a_file_that_turns_bad_keeps_its_passages(make_settings, embeddings, tmp_path: Path):
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    settings = make_settings(knowledge_dir=folder)
    first = ingest_folder(settings, embeddings=embeddings)
    (folder / "people-operations-vs-hr.md").write_bytes(b"\xff\xfe broken")
    second = ingest_folder(settings, embeddings=embeddings)
    assert second.errors and second.deleted == 0
    from core.store import open_store

    stored = open_store(settings, embeddings).get(include=["metadatas"])
    assert len(stored["ids"]) == first.chunks


def test_missing_or_empty_folder_is_a_one_line_error(make_settings, embeddings, tmp_path: Path):
    from core.errors import AssistantError

    with pytest.raises(AssistantError, match="not found"):
        ingest_folder(make_settings(), embeddings, tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(AssistantError, match="no articles"):
        ingest_folder(make_settings(), embeddings, empty)


def test_a_clashing_id_keeps_the_store_and_a_link_out_stores_nothing(
    make_settings, embeddings, tmp_path: Path
):
    from core.store import open_store

    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    settings = make_settings(knowledge_dir=folder)
    first = ingest_folder(settings, embeddings=embeddings)

    def stored_chunks() -> list[str]:
        stored = open_store(settings, embeddings).get(include=["metadatas"])
        return sorted(m["chunk_id"] for m in stored["metadatas"])

    before = stored_chunks()
    assert len(before) == first.chunks
    (folder / "people-operations-vs-hr.txt").write_text(
        "A different text about People Operations that must not replace the article."
    )
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash and enough text to be an article")
    (folder / "passwd.txt").symlink_to(secret)
    clash = ingest_folder(settings, embeddings=embeddings)
    reasons = {e["file"]: e["error"] for e in clash.errors}
    assert reasons["people-operations-vs-hr.md"] == "same article id as people-operations-vs-hr.txt"
    assert reasons["people-operations-vs-hr.txt"] == "same article id as people-operations-vs-hr.md"
    assert reasons["passwd.txt"] == "link to a file outside the knowledge folder"
    assert stored_chunks() == before

    # The .md turning unreadable does not hand its id to the .txt either.
    (folder / "people-operations-vs-hr.md").write_bytes(b"\xff\xfe broken")
    again = ingest_folder(settings, embeddings=embeddings)
    assert {e["file"] for e in again.errors} >= {
        "people-operations-vs-hr.md",
        "people-operations-vs-hr.txt",
    }
    assert stored_chunks() == before


def test_an_unreadable_subfolder_is_reported_and_keeps_its_articles(
    make_settings, embeddings, tmp_path: Path
):
    from core.store import ingested_articles

    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    team = folder / "team"
    team.mkdir()
    (folder / "people-operations-vs-hr.md").rename(team / "people-operations-vs-hr.md")
    settings = make_settings(knowledge_dir=folder)
    first = ingest_folder(settings, embeddings=embeddings)
    assert first.articles == 3 and not first.errors
    team.chmod(0)
    try:
        if os.access(team, os.R_OK):
            pytest.skip("chmod 000 does not stop this user (root) from reading a folder")
        # Another article leaves meanwhile: its deletion waits until the folder reads.
        (folder / "hr-generalist-vs-hr-manager.md").unlink()
        unreadable = ingest_folder(settings, embeddings=embeddings)
        assert unreadable.errors == [
            {"file": "team", "error": "folder cannot be read (Permission denied)"}
        ]
        assert unreadable.deleted == 0
        assert set(ingested_articles(settings)) == {
            "people-operations-vs-hr",
            "hr-generalist-vs-hr-manager",
            "hr-assistent-vs-hr-officer",
        }
    finally:
        team.chmod(0o755)
    readable = ingest_folder(settings, embeddings=embeddings)
    assert not readable.errors and readable.deleted > 0
    assert "hr-generalist-vs-hr-manager" not in ingested_articles(settings)
    assert "people-operations-vs-hr" in ingested_articles(settings)


def test_two_writers_caching_the_same_new_text_at_once_both_succeed(postgres_url: str):
    """Two servers on one PostgreSQL embed the same new sentence: the second write
    waits on the first one's row and must then succeed, not fail the whole ingest."""
    import threading
    import uuid

    from sqlalchemy import create_engine, text

    from core.embeddings import EmbeddingCache

    namespace = f"embeddings/race-{uuid.uuid4().hex}"
    second = EmbeddingCache(postgres_url, namespace)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            second.mset([("sentence-hash", b"vector from the second writer")])
        except Exception as exc:
            failures.append(exc)

    engine = create_engine(postgres_url)
    with engine.connect() as first:
        writing = first.begin()  # the first writer's cache insert, not yet committed
        first.execute(
            text(
                "INSERT INTO langchain_key_value_stores (namespace, key, value) "
                "VALUES (:namespace, 'sentence-hash', 'vector from the first writer')"
            ),
            {"namespace": namespace},
        )
        racing = threading.Thread(target=write)
        racing.start()
        racing.join(timeout=2)
        assert racing.is_alive(), "the second write should wait for the first one's row"
        writing.commit()
        racing.join(timeout=30)
    engine.dispose()
    assert not failures, failures
    assert second.mget(["sentence-hash"]) == [b"vector from the second writer"]


def test_an_articles_web_address_is_stored_with_each_passage(
    make_settings, embeddings, tmp_path: Path
):
    from assistant.retrieval import passage_from_metadata
    from core.store import open_store

    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "hr-officer.md").write_text(
        "---\ntitle: HR officer\nurl: https://www.prospects.ac.uk/jobs/hr-officer\n---\n\n"
        "An HR officer keeps the staff records and answers questions about leave.\n",
        encoding="utf-8",
    )
    settings = make_settings(knowledge_dir=folder)
    assert ingest_folder(settings, embeddings=embeddings).errors == []
    stored = open_store(settings, embeddings).get(include=["metadatas"])
    urls = {passage_from_metadata(m).url for m in stored["metadatas"]}
    assert urls == {"https://www.prospects.ac.uk/jobs/hr-officer"}
