"""Generated traps: unanswerable by construction, and refused as a tier of their own."""

from pathlib import Path

import pytest

from assistant.evaluation import Case, evaluate, load_cases, read_articles
from bench.traps import corpus_text, corpus_titles, generate
from tests.conftest import DEV_QUESTIONS, EXTRA_QUESTIONS

# The fitted decision's floor on traps generated over our seven articles: a fixed line,
# below the 0.69 it refused when it was fitted (bench/results/quality.md).
GENERATED_TRAPS_FLOOR = 0.6


def _cases() -> list[Case]:
    """Our own questions over the seven articles (the "wide" set of bench/quality.py)."""
    names = ("extra_questions.yaml", "more_questions.yaml", "conversation_questions.yaml")
    return [
        *(case for name in names for case in load_cases(EXTRA_QUESTIONS.parent / name)),
        *load_cases(DEV_QUESTIONS),
    ]


def test_each_generated_trap_names_something_no_article_mentions(wide_knowledge: Path):
    text = corpus_text(wide_knowledge)
    traps = generate(_cases(), text, corpus_titles(wide_knowledge))
    kinds = {trap.id.rsplit("-", 1)[-1] for trap in traps}
    assert kinds == {"scope", "aspect", "graft", "followup", "employer", "casual"}
    # A casual variant is a trap typed in lower case without a question mark.
    assert all(t.question == t.question.lower() for t in traps if t.id.endswith("casual"))
    assert all(not trap.answerable and not trap.sources for trap in traps)
    assert all(trap.history for trap in traps if trap.id.endswith("followup"))
    # Seeded: the same articles and questions give the same traps.
    assert traps == generate(_cases(), text, corpus_titles(wide_knowledge))


@pytest.mark.integration
def test_generated_traps_are_refused(wide_assistant, wide_knowledge: Path):
    traps = generate(_cases(), corpus_text(wide_knowledge), corpus_titles(wide_knowledge))
    _, metrics = evaluate(wide_assistant.ask, traps, read_articles(wide_knowledge))
    assert metrics["abstention"] >= GENERATED_TRAPS_FLOOR
