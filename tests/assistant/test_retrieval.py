"""Lexical scoring and title signals of the hybrid retriever: pure logic, no model."""

import numpy as np
import pytest

from assistant.places import publisher_words
from assistant.retrieval import SparseBM25, TitleIndex, role_phrases
from assistant.text import terms


def test_bm25_ranks_the_passage_with_the_rare_word_first():
    documents = [
        terms("The recruiter screens candidates and schedules interviews."),
        terms("The payroll administrator pays salaries every month."),
        terms("The HR manager sets policy and leads the HR team."),
    ]
    scores = SparseBM25(documents).scores(terms("Who pays the salaries?"))
    assert int(np.argmax(scores)) == 1
    assert SparseBM25(documents).scores(terms("unknown words only")).sum() == 0


def test_an_articles_publisher_is_its_sites_name():
    assert publisher_words("https://nl.jobboard.com/career-advice") == ["jobboard"]
    assert publisher_words("https://www.careers.ac.uk/job-profiles") == ["careers"]
    assert publisher_words("https://acme-werk.nl/") == ["acme", "werk"]
    assert publisher_words("") == [] and publisher_words("http://[::1") == []
    # A generic name, a bare address and an internationalised one.
    assert publisher_words("https://www.gov.uk/x") == publisher_words("http://10.0.0.1/") == []
    assert publisher_words("https://xn--bcher-kva.de/") == ["bücher"]


def test_role_phrases_read_hr_and_human_resources_alike():
    assert "hr-officer" in role_phrases("Human resources officer")
    assert "hr-manager" in role_phrases("Wat doet een HR-manager op een werkdag?")
    assert "hr-manager" in role_phrases("De rol van een HR manager")
    assert not any("een" in p.split("-") for p in role_phrases("De rol van een HR manager"))


def test_a_title_naming_the_role_phrase_is_marked():
    index = TitleIndex(
        ["De veelzijdige rol van een HR manager", "Wat is HR?", "Human resources officer"]
    )
    assert index.names_phrase("Wat doet een HR-manager op een gewone werkdag?").tolist() == [
        1,
        0,
        0,
    ]
    assert index.names_phrase("What does an HR officer do all day?").tolist() == [0, 0, 1]


class _EqualStore:
    """A store whose dense search finds every passage equally close: lexical signals decide."""

    def __init__(self, passages: list[dict[str, str]]) -> None:
        self._passages = passages

    def read_all(self, include: list[str]) -> dict[str, list]:
        from core.types import where

        return {
            "ids": [p["chunk_id"] for p in self._passages],
            "documents": [f"{where(p['title'], '')}\n\n{p['text']}" for p in self._passages],
            "metadatas": [{**p, "article_id": p["chunk_id"].split("#")[0]} for p in self._passages],
        }

    def nearest(self, vector, k: int) -> list[tuple[str, float]]:
        return [(p["chunk_id"], 0.8) for p in self._passages][:k]


def test_an_article_titled_after_the_topic_in_the_other_language_is_not_outvoted():
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from assistant.retrieval import HybridRetriever, Query

    store = _EqualStore(
        [
            {
                "chunk_id": "or#0",
                "title": "Ondernemingsraad",
                "language": "nl",
                "text": "Een bedrijf met 50 werknemers moet een ondernemingsraad instellen.",
            },
            {
                "chunk_id": "software#0",
                "title": "HR software",
                "language": "en",
                "text": "Every company with employees can set up HR software.",
            },
        ]
    )
    retriever = HybridRetriever(store, DeterministicFakeEmbedding(size=8))  # type: ignore[arg-type]
    question = "From how many employees must a company set up a works council?"
    assert retriever.search(Query(question))[0].article_id == "software"
    assert retriever.search(Query(question, language="en"))[0].article_id == "or"


def test_a_question_about_the_netherlands_leans_to_the_dutch_articles():
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from assistant.retrieval import SCOPE_LANGUAGE_WEIGHT, HybridRetriever, Query

    # The same words in both languages' articles: only the country asked about differs.
    text = "A growing company needs its own HR staff from about 75 employees."
    store = _EqualStore(
        [
            {"chunk_id": "nl#0", "title": "HR staff", "language": "nl", "text": text},
            {"chunk_id": "en#0", "title": "HR staff", "language": "en", "text": text},
        ]
    )
    retriever = HybridRetriever(store, DeterministicFakeEmbedding(size=8))  # type: ignore[arg-type]

    def lead_of_dutch(question: str, language: str) -> float:
        scores = {p.article_id: p.score for p in retriever.search(Query(question, (), language))}
        return scores["nl"] - scores["en"]

    assert lead_of_dutch("When does a Dutch company need HR staff?", "en") == pytest.approx(
        SCOPE_LANGUAGE_WEIGHT
    )
    assert lead_of_dutch("When does a company need HR staff?", "en") == pytest.approx(0.0)
    # Asked in Dutch, every Dutch article is about the Netherlands: no lean either way.
    assert lead_of_dutch("Wanneer heeft een Nederlandse firma HR staff nodig?", "nl") == (
        pytest.approx(0.0)
    )
