"""Follow-up suggestions: pure selection rules with stand-in passages, then on the real
assistant and store."""

import pytest

from assistant.suggestions import MAX_SUGGESTIONS, candidates, suggest
from core.types import Answer, Citation, Passage


def _passage(article_id: str, title: str, section: str, language: str = "en") -> Passage:
    return Passage(
        chunk_id=f"{article_id}#0",
        article_id=article_id,
        title=title,
        section=section,
        text="…",
        language=language,
        position=0,
    )


def _answer(question: str, citation: Citation) -> Answer:
    """An English answer to ``question`` that cites one passage."""
    return Answer(
        question=question, text="… [1]", language="en", abstained=False, citations=[citation]
    )


def test_only_question_shaped_headings_in_the_answer_language_are_candidates():
    article = [
        _passage("a", "What does a recruiter do?", "Duties"),
        _passage("a", "What does a recruiter do?", "Why do they get mixed up so often?"),
        _passage("a", "What does a recruiter do?", "Wat verdient een recruiter?"),
        _passage("a", "What does a recruiter do?", "What is a sourcer?  "),
        _passage("a", "What does a recruiter do?", "Recruiter? Sourcer? Both?"),
    ]
    assert candidates([article], "en") == ["What does a recruiter do?", "What is a sourcer?"]
    assert candidates([article], "nl") == ["Wat verdient een recruiter?"]


def test_suggestions_skip_what_was_asked_and_what_the_assistant_cannot_answer():
    articles = {
        "a": [
            _passage("a", "What does a recruiter do?", "What is a sourcer?"),
            _passage("a", "What does a recruiter do?", "How do recruiters find candidates?"),
            _passage("a", "What does a recruiter do?", "What does a recruiter earn?"),
        ]
    }
    answer = _answer(
        "What does a recruiter do?", Citation(1, "a", "What does a recruiter do?", "a#0", "…")
    )
    unanswerable = {"What does a recruiter earn?"}
    chosen = suggest(answer, [], [], lambda i: articles.get(i, []), lambda q: q not in unanswerable)
    assert chosen == ["What is a sourcer?", "How do recruiters find candidates?"]


@pytest.mark.integration
def test_suggestions_on_the_real_articles_are_headings_it_answers(assistant):
    for question in ("What does an HR Generalist do?", "What is the salary of a CEO?"):
        answer = assistant.ask(question)
        offered = assistant.suggestions(answer, [question])
        assert 1 <= len(offered) <= MAX_SUGGESTIONS
        headings = {h for p in assistant.retriever.passages for h in (p.title, p.section)}
        for suggestion in offered:
            assert suggestion in {" ".join(h.replace("\xa0", " ").split()) for h in headings}
            assert not assistant.ask(suggestion).abstained
            assert suggestion != question


def test_the_sections_the_answer_quoted_are_not_offered_again():
    articles = {
        "a": [
            _passage("a", "Recruiters", "How do recruiters find candidates?"),
            _passage("a", "Recruiters", "What is a sourcer?"),
        ]
    }
    quoted = "How do recruiters find candidates?"
    answer = _answer(
        "How does a recruiter find people?",
        Citation(1, "a", "Recruiters", "a#0", "…", section=quoted),
    )
    chosen = suggest(answer, [], [], lambda i: articles.get(i, []), lambda q: True)
    assert chosen == ["What is a sourcer?"]
