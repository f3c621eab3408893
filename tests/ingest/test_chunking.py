import re

import pytest

from assistant.evaluation import read_articles, snippet_in_article
from core.settings import PROJECT_ROOT
from core.types import Article
from ingest.chunking import MAX_PASSAGE_CHARS, chunk_article, embedding_text, is_heading
from ingest.loaders import load_article
from tests.conftest import IN_CI

TEXT = """What is an HR Generalist?

An HR Generalist handles a variety of HR functions.

Key Responsibilities:

- Overseeing recruitment processes.
- Conducting employee onboarding.

Career Path and Progression

Progressing from an HR Generalist to an HR Manager is a common career path."""


def _article(text: str = TEXT) -> Article:
    return Article(id="demo", title="Demo", language="en", text=text)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_list_stays_with_its_introduction_and_section_travels():
    passages = chunk_article(_article())
    with_list = next(p for p in passages if "Overseeing recruitment" in p.text)
    assert "Key Responsibilities:" in with_list.text
    assert with_list.section == "What is an HR Generalist?"
    career = next(p for p in passages if "common career path" in p.text)
    assert career.section == "Career Path and Progression"


def test_headings_are_metadata_not_passage_text():
    passages = chunk_article(_article())
    assert all("Career Path and Progression" not in p.text for p in passages)
    assert is_heading("Career Path and Progression")
    assert not is_heading("Key Responsibilities:")
    assert not is_heading("A full sentence ends with a period.")


def test_every_passage_stands_in_the_article_and_ids_follow_positions():
    passages = chunk_article(_article())
    assert [p.position for p in passages] == list(range(len(passages)))
    assert all(p.chunk_id == f"demo#{p.position}" for p in passages)
    assert all(_norm(p.text) in _norm(TEXT) for p in passages)


def test_an_oversized_paragraph_is_split_at_sentences():
    sentence = "People Operations shapes the employee experience across the lifecycle. "
    article = _article("Long section\n\n" + sentence * 40)
    passages = chunk_article(article)
    assert len(passages) > 1
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
    assert all(p.text.endswith(".") for p in passages)


def test_embedding_text_carries_title_and_section():
    passage = chunk_article(_article())[0]
    assert embedding_text(passage).startswith("Demo — What is an HR Generalist?")


def test_text_around_removed_furniture_is_never_one_passage():
    from ingest.cleaning import clean_text

    raw = (
        "The HR assistant keeps the personnel files up to date.\n\n"
        "12 views\n\n"
        "The HR officer advises managers on policy.\n\n"
        "Share this article\n\n"
        "Both report to the HR manager."
    )
    article = Article("a", "HR roles", "en", clean_text(raw))
    passages = chunk_article(article)
    flat = " ".join(raw.split())
    assert len(passages) == 3
    assert all(" ".join(p.text.split()) in flat for p in passages)


# A fact box written one cell per line, as pages are often excerpted (invented figures).
TABLE = """Salaries by role

Fixed yearly salaries*

Payroll Lead

€ 51.000

Reward Analyst

€ 47.500

* Twelve monthly salaries including holiday pay.

## What the figures cover

Base pay only."""


def test_a_run_of_short_lines_is_content_not_a_string_of_headings():
    passages = chunk_article(_article(TABLE))
    kept = "\n".join(p.text for p in passages)
    for cell in ("Fixed yearly salaries*", "Payroll Lead", "€ 51.000", "Reward Analyst"):
        assert cell in kept
    # A line before text is still a heading, and so is a marked one.
    footnote = next(p for p in passages if "Twelve monthly" in p.text)
    assert footnote.section == "€ 47.500"
    assert next(p for p in passages if "Base pay" in p.text).section == "What the figures cover"


@pytest.mark.parametrize("name", ["devset", "devset2"])
def test_every_passage_of_a_real_page_stands_in_it_as_one_excerpt(name: str):
    """Pages as they are excerpted (repeated logo lines, tables one cell per line): every
    passage is one contiguous piece of its page, so a quote of it can be highlighted."""
    folder = PROJECT_ROOT.parent / "shared" / name / "knowledge"
    if not folder.is_dir():
        if IN_CI:
            pytest.fail(f"{folder} is missing: CI runs beside shared/")
        pytest.skip(f"{folder} is not here")
    pages = read_articles(folder)
    for path in sorted(folder.glob("*.md")):
        article = load_article(path)
        for passage in chunk_article(article):
            assert snippet_in_article(passage.text, pages[article.id]), passage.chunk_id
