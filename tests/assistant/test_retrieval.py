"""Lexical scoring and title signals of the hybrid retriever: pure logic, no model."""

import numpy as np

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
