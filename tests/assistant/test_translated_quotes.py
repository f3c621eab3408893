"""Translations of other-language quotes through the real chain: the real articles,
embeddings and store, a fake chat model (langchain_core's) in place of a real one."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.chain import Assistant
from assistant.generation import Generator, LLMSpec
from assistant.translation import figures, names, snippet_as_data, translation_problem
from core.language import phrase
from hr_assistant.runtime import Runtime
from tests.assistant.test_translation import Prompts

pytestmark = pytest.mark.integration

ENGLISH_ABOUT_DUTCH = "What is the difference between an HR assistant and an HR officer?"
DUTCH_ABOUT_DUTCH = "Wat is het verschil tussen een HR-assistent en een HR-officer?"
NO_CITATION = "Dat weet ik niet."  # a reply that cites nothing: the extractive answer stands


def stand_in(snippet: str) -> str:
    """English that keeps every figure and name of ``snippet`` at about its length:
    what a faithful model gives, as far as the checks in code can tell."""
    source = snippet_as_data(snippet)
    acronyms, words = names(source)
    kept = sorted(acronyms | words)
    kept += [f"{d}%" if unit == "%" else f"{unit}{d}" for d, unit in sorted(figures(source))]
    text = f"The passage is about {' and '.join(kept) or 'the work'}."
    while len(text) < 0.8 * len(source):
        text += " The work of the team is done with care."
    return text


def with_fake_model(
    settings, embeddings, *replies: str, timeout_s: float = 5.0, **fake: Any
) -> tuple[Assistant, Prompts]:
    prompts = Prompts()
    model = FakeListChatModel(responses=list(replies), callbacks=[prompts], **fake)
    generator = Generator(model, LLMSpec("openai", "fake"), timeout_s)
    return Runtime(settings, embeddings=embeddings, generator=generator).assistant, prompts


def test_an_english_question_answered_from_a_dutch_article_gets_its_quotes_translated(
    assistant: Assistant, settings, embeddings
) -> None:
    extractive = assistant.ask(ENGLISH_ABOUT_DUTCH)
    assert extractive.citations and {c.language for c in extractive.citations} == {"nl"}
    replies = [stand_in(c.snippet) for c in extractive.citations]
    llm_assistant, prompts = with_fake_model(settings, embeddings, NO_CITATION, *replies)

    answer = llm_assistant.ask(ENGLISH_ABOUT_DUTCH)

    assert answer.note == phrase("en", "llm_no_citation")
    assert answer.text == extractive.text
    assert [c.translation for c in answer.citations] == replies
    assert len(prompts.sent) == 1 + len(replies)  # the reply, then one call per quote
    assert all(c.to_json()["translation"] for c in answer.citations)
    for cited, prompt in zip(answer.citations, prompts.sent[1:], strict=True):
        assert snippet_as_data(cited.snippet) in prompt  # the quote, not the whole article
        assert translation_problem(snippet_as_data(cited.snippet), cited.translation, "en") is None


def test_a_quote_in_the_questions_language_gets_no_translation_and_no_call(
    settings, embeddings
) -> None:
    llm_assistant, prompts = with_fake_model(settings, embeddings, NO_CITATION, "Unused.")
    answer = llm_assistant.ask(DUTCH_ABOUT_DUTCH)
    assert answer.citations and all(c.language == "nl" for c in answer.citations)
    assert all(c.translation == "" for c in answer.citations)
    assert len(prompts.sent) == 1  # the reply only
    llm_assistant.ask(ENGLISH_ABOUT_DUTCH, generate=False)  # the extractive answer asked
    assert len(prompts.sent) == 1


def test_without_a_model_a_dutch_quote_is_shown_as_it_always_was(assistant: Assistant) -> None:
    assert assistant.generator is None
    answer = assistant.ask(ENGLISH_ABOUT_DUTCH)
    assert answer.citations and all(c.language == "nl" for c in answer.citations)
    assert all(c.translation == "" for c in answer.citations)
    assert all("translation" not in c for c in answer.to_json()["citations"])


@pytest.mark.parametrize(
    ("fake", "note", "calls"),
    [
        # The model errs on the reply and on each translation: asked every time.
        ({"error_on_chunk_number": 0}, "llm_error", None),
        # The model is past its deadline on the reply: not asked again for translations.
        ({"sleep": 0.5}, "llm_timeout", 1),
    ],
)
def test_a_failing_model_costs_the_translations_and_nothing_else(
    assistant: Assistant, settings, embeddings, fake: dict[str, Any], note: str, calls: int | None
) -> None:
    extractive = assistant.ask(ENGLISH_ABOUT_DUTCH)
    llm_assistant, prompts = with_fake_model(
        settings, embeddings, stand_in(extractive.citations[0].snippet), timeout_s=0.3, **fake
    )
    answer = llm_assistant.ask(ENGLISH_ABOUT_DUTCH)
    assert answer.note == phrase("en", note)
    assert (answer.text, answer.citations) == (extractive.text, extractive.citations)
    assert all(c.translation == "" for c in answer.citations)
    assert len(prompts.sent) == (calls or 1 + len(extractive.citations))
