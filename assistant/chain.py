"""The question-answering chain: question (+ history) → passages → verdict → Answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np

from assistant.answer import SentenceSimilarity, compose
from assistant.answerability import judge
from assistant.embeddings import IdentifiedEmbeddings, build_embeddings
from assistant.errors import AssistantError
from assistant.language import detect_language, phrase
from assistant.retrieval import HybridRetriever, Query, ranked_articles
from assistant.settings import Settings
from assistant.store import open_store
from assistant.types import Answer, Citation

MAX_TOPICS = 6
SENTENCE_CACHE_SIZE = 20_000


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
        self.reload()
        self._sentence_vectors: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()

    def reload(self) -> None:
        """Read the store again (after an ingest); questions in flight keep the old view."""
        retriever = HybridRetriever(self.store, self.embeddings)
        titles: dict[str, str] = {}
        for p in retriever.passages:
            titles.setdefault(p.article_id, p.title)
        self.retriever, self.weights, self.titles = retriever, retriever.weights, titles

    def _similarity_to(self, question: str) -> SentenceSimilarity:
        """Sentence similarity to ``question``; sentence vectors are cached across questions."""

        def similarity(sentences: list[str]) -> list[float]:
            query = np.asarray(self.embeddings.embed_query(question))
            with self._cache_lock:
                missing = [s for s in dict.fromkeys(sentences) if s not in self._sentence_vectors]
            if missing:
                vectors = self.embeddings.embed_documents(missing)
                with self._cache_lock:
                    if len(self._sentence_vectors) > SENTENCE_CACHE_SIZE:
                        self._sentence_vectors.clear()
                    self._sentence_vectors.update(
                        zip(missing, map(np.asarray, vectors), strict=True)
                    )
            with self._cache_lock:
                return [float(self._sentence_vectors[s] @ query) for s in sentences]

        return similarity

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
        retriever = self.retriever  # one consistent view, even if reload() runs meanwhile
        weights = retriever.weights
        # Misspelt words are read as the closest word the articles use, for every step.
        asked = weights.correct_typos(question)
        query = Query(asked, tuple(weights.correct_typos(turn) for turn in history))
        passages = retriever.search(query)
        verdict = judge(
            asked, query.context, passages, weights, self.embeddings.similarity_floor, language
        )
        retrieved = ranked_articles(passages)
        text, citations = "", list[Citation]()
        if verdict.answerable:
            similarity = (
                self._similarity_to(query.dense_text)
                if passages and passages[0].language != language
                else None
            )
            text, citations = compose(asked, language, query.context, passages, weights, similarity)
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
