"""The question-answering chain: question (+ history) → passages → verdict → Answer."""

from __future__ import annotations

import time
from collections.abc import Sequence

from assistant.answer import compose
from assistant.answerability import judge
from assistant.embeddings import IdentifiedEmbeddings, build_embeddings
from assistant.errors import AssistantError
from assistant.language import detect_language, phrase
from assistant.retrieval import HybridRetriever, Query, ranked_articles
from assistant.settings import Settings
from assistant.store import open_store
from assistant.types import Answer, Citation

MAX_TOPICS = 6


def question_language(question: str, history: Sequence[str] = ()) -> str:
    """The question's language; a follow-up too short to tell takes the chat's language."""
    fallback = detect_language(" ".join(history)) if history else None
    return detect_language(question, default=fallback)


def validate_question(question: str, max_chars: int) -> str:
    """The question stripped, or an :class:`AssistantError` in the question's language."""
    stripped = (question or "").strip()
    if not stripped:
        raise AssistantError(phrase("en", "empty_question"))
    if len(stripped) > max_chars:
        language = detect_language(stripped[:500])
        raise AssistantError(phrase(language, "too_long", length=len(stripped), limit=max_chars))
    return stripped


class Assistant:
    """Answers questions from the store; load once, then ask many times (thread-safe reads)."""

    def __init__(self, settings: Settings, embeddings: IdentifiedEmbeddings | None = None) -> None:
        self.settings = settings
        self.embeddings = embeddings or build_embeddings(settings.embeddings)
        self.store = open_store(settings, self.embeddings, create=False)
        self.retriever = HybridRetriever(self.store, self.embeddings)
        self.weights = self.retriever.weights
        titles: dict[str, str] = {}
        for p in self.retriever.passages:
            titles.setdefault(p.article_id, p.title)
        self.titles = titles

    def topics(self) -> str:
        names = list(self.titles.values())[:MAX_TOPICS]
        return "; ".join(names)

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer ``question``; ``history`` holds the earlier user turns, oldest first.

        Raises:
            AssistantError: the question is empty or too long.
        """
        started = time.perf_counter()
        question = validate_question(question, self.settings.max_question_chars)
        history = tuple(h.strip() for h in history if h and h.strip())
        language = question_language(question, history)
        query = Query(question, history)
        passages = self.retriever.search(query)
        verdict = judge(
            question, query.context, passages, self.weights, self.embeddings.similarity_floor
        )
        retrieved = ranked_articles(passages)
        text, citations = "", list[Citation]()
        if verdict.answerable:
            text, citations = compose(question, language, query.context, passages, self.weights)
        if not citations:  # no verdict to answer, or no sentence worth quoting
            key = "instruction" if verdict.reason == "instruction" else "abstain"
            if not self.titles:
                key = "abstain_no_articles"
            return Answer(
                question=question,
                text=phrase(language, key, topics=self.topics()),
                language=language,
                abstained=True,
                retrieved=retrieved,
                latency_ms=(time.perf_counter() - started) * 1000,
            )
        return Answer(
            question=question,
            text=text,
            language=language,
            abstained=False,
            citations=citations,
            retrieved=retrieved,
            latency_ms=(time.perf_counter() - started) * 1000,
        )
