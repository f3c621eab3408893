"""The chat with a real language model (SmolLM2 through llama.cpp): streaming and notes."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from assistant.chain import Assistant
from assistant.generation import Generator
from core.language import phrase
from hr_assistant.runtime import Runtime
from tests.ui.conftest import serve_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def llm_assistant(settings, embeddings, ingest_report, gguf_model) -> Assistant:
    llm_settings = settings.model_copy(
        update={"llm": f"gguf:{gguf_model}", "llm_max_tokens": 120, "llm_timeout_s": 120.0}
    )
    return Runtime(
        llm_settings, embeddings=embeddings, generator=Generator.from_settings(llm_settings)
    ).assistant


@pytest.fixture(scope="module")
def llm_served(llm_assistant, feedback_store) -> Iterator[str]:
    yield from serve_app(llm_assistant, feedback_store)


def test_the_bubble_grows_with_the_reply_then_shows_the_checked_answer(
    llm_assistant, feedback_store
) -> None:
    from ingest.knowledge_base import KnowledgeBase
    from ui.handlers import ChatApp
    from ui.render import answer_html

    states = list(
        ChatApp(
            llm_assistant,
            KnowledgeBase(llm_assistant.settings, llm_assistant.embeddings),
            feedback_store,
        ).respond("How does People Operations differ from HR?", [], [], "en")
    )
    bubbles = [state[0][-1]["content"] for state in states]
    streamed = bubbles[:-1]
    assert len(streamed) >= 3  # the model's words arrive piece by piece
    assert all(len(a) <= len(b) for a, b in itertools.pairwise(streamed))
    final, records, cards = bubbles[-1], states[-1][1], states[-1][2]
    answer = records[-1]
    assert "[1]" in final and "[1]" in cards
    if answer_html(answer["answer"]) != streamed[-1]:
        # The reply was replaced: the note says why, above the extractive answer.
        assert final.startswith("<p><em>") and "quotes the articles" in final


def test_the_chat_api_answers_with_a_model_configured(llm_served) -> None:
    from gradio_client import Client

    reply = Client(llm_served, verbose=False).predict(
        message="Wat is het verschil tussen een HR-assistent en een HR-officer?", api_name="/chat"
    )
    assert "**Bronnen**" in reply and "[1]" in reply
    notes = [phrase("nl", key) for key in ("llm_timeout", "llm_unreachable", "llm_error")]
    assert not any(note in reply for note in notes)
    refusal = Client(llm_served, verbose=False).predict(
        message="What is the capital of France?", api_name="/chat"
    )
    assert refusal.startswith("The articles I have") and "[1]" not in refusal
    assert "**Closest the articles come**" in refusal
