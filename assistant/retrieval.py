"""Find the best passages for a question: dense search in Chroma fused with BM25.

LangChain's ``EnsembleRetriever`` fuses by rank only and drops scores; the assistant needs
the scores (to rank articles, weigh the chat history and decide when to abstain), so
the fusion is done here over Chroma's distances and BM25's raw scores.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.text import TermWeights, query_terms, terms
from assistant.types import Passage

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

# Weight of the BM25 score (scaled to 0..1 per question) next to the cosine similarity.
BM25_WEIGHT = 0.05
# Weight of the share of the question's words found in an article's title: a question
# naming a role ("payroll administrator") belongs with the article about that role,
# whatever language either is written in.
TITLE_WEIGHT = 0.03
# Weight of the earlier turns' words when a follow-up question is retrieved.
HISTORY_WEIGHT = 0.5
DEFAULT_K = 6


def passage_from_metadata(metadata: dict[str, Any], score: float = 0.0) -> Passage:
    """Rebuild a passage from what the store keeps in its metadata."""
    return Passage(
        chunk_id=str(metadata.get("chunk_id", "")),
        article_id=str(metadata.get("article_id", "")),
        title=str(metadata.get("title", "")),
        language=str(metadata.get("language", "")),
        section=str(metadata.get("section", "")),
        position=int(metadata.get("position", 0) or 0),
        text=str(metadata.get("text", "")),
        publisher=str(metadata.get("publisher", "")),
        score=score,
    )


@dataclass
class Query:
    """What is searched: the question, plus earlier user turns for follow-ups."""

    question: str
    history: tuple[str, ...] = ()

    @property
    def context(self) -> str:
        """The last earlier turn, which a short follow-up leans on."""
        return self.history[-1] if self.history else ""

    @property
    def dense_text(self) -> str:
        return f"{self.context} {self.question}".strip() if self.context else self.question


class HybridRetriever:
    """Dense (Chroma) ⊕ BM25 over every stored passage.

    BM25 is kept in memory and rebuilt from the store when the retriever is made; it
    indexes title, section and text as stems plus bilingual concept terms, so a Dutch
    question can match an English passage on words like "werving"/"recruitment".
    """

    def __init__(self, store: Chroma, embeddings: Embeddings) -> None:
        self._store = store
        self._embeddings = embeddings
        stored = store.get(include=["documents", "metadatas"])
        self.passages: list[Passage] = [
            passage_from_metadata(m or {}) for m in stored.get("metadatas") or []
        ]
        documents = stored.get("documents") or []
        self._by_chunk = {p.chunk_id: i for i, p in enumerate(self.passages)}
        self.weights = TermWeights(p.searchable_text for p in self.passages)
        self._title_terms = [set(terms(p.title)) for p in self.passages]
        self._bm25: Any = None
        if self.passages:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                from langchain_community.retrievers import BM25Retriever
            retriever = BM25Retriever.from_texts(documents, preprocess_func=terms)
            self._bm25 = retriever.vectorizer  # BM25Okapi: scores for every passage

    @property
    def is_empty(self) -> bool:
        return not self.passages

    def _bm25_scores(self, query: Query) -> np.ndarray:
        scores = np.asarray(self._bm25.get_scores(terms(query.question)), dtype=float)
        if query.context:
            scores = scores + HISTORY_WEIGHT * np.asarray(
                self._bm25.get_scores(terms(query.context)), dtype=float
            )
        top = float(scores.max()) if scores.size else 0.0
        return scores / top if top > 0 else scores

    def _title_scores(self, query: Query) -> np.ndarray:
        groups = query_terms(query.question) or query_terms(query.context)
        weights = [self.weights.group_weight(g) for g in groups]
        total = sum(weights)
        if not total:
            return np.zeros(len(self.passages))
        return np.array(
            [
                sum(w for g, w in zip(groups, weights, strict=True) if any(t in title for t in g))
                / total
                for title in self._title_terms
            ]
        )

    def _dense_scores(self, query: Query) -> np.ndarray:
        vector = self._embeddings.embed_query(query.dense_text)
        k = len(self.passages)
        hits = self._store.similarity_search_by_vector_with_relevance_scores(vector, k=k)
        scores = np.zeros(len(self.passages))
        for document, distance in hits:
            index = self._by_chunk.get(str(document.metadata.get("chunk_id")))
            if index is not None:
                scores[index] = 1.0 - float(distance)
        return scores

    def search(self, query: Query, k: int = DEFAULT_K) -> list[Passage]:
        """The ``k`` best passages, best first, each with its fused score."""
        if self.is_empty:
            return []
        dense = self._dense_scores(query)
        fused = (
            dense
            + BM25_WEIGHT * self._bm25_scores(query)
            + TITLE_WEIGHT * self._title_scores(query)
        )
        order = np.argsort(-fused)[:k]
        return [
            replace(self.passages[i], score=float(fused[i]), similarity=float(dense[i]))
            for i in order
        ]


def ranked_articles(passages: list[Passage]) -> list[str]:
    """Article ids of the passages, best first, each once."""
    seen: list[str] = []
    for passage in passages:
        if passage.article_id not in seen:
            seen.append(passage.article_id)
    return seen
