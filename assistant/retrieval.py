"""Find the best passages for a question: dense search in Chroma fused with BM25.

LangChain's ``EnsembleRetriever`` fuses by rank only and drops scores; the assistant needs
the scores (to rank articles, weigh the chat history and decide when to abstain), so
the fusion is done here over Chroma's distances and BM25's scores.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.evidence import SentenceIndex
from assistant.places import currency_places, places_in, publisher_words
from assistant.text import (
    TermWeights,
    content_words,
    is_stop_word,
    joined_pairs,
    query_terms,
    stemmed_phrases,
    terms,
    terms_of_words,
    word_tokens,
)
from core.types import Passage

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from core.store import PassageStore

# Weight of the BM25 score (scaled to 0..1 per question) next to the cosine similarity.
BM25_WEIGHT = 0.05
# Weight of the share of the question's words found in an article's title: a question
# naming a role ("payroll administrator") belongs with the article about that role,
# whatever language either is written in.
TITLE_WEIGHT = 0.03
# Weight of a role phrase of the question ("HR-manager", "HR officer") named whole in
# the title: one rare word elsewhere in a page must not outweigh the page about the role.
TITLE_PHRASE_WEIGHT = 0.02
# Weight of the earlier turns' words when a follow-up question is retrieved.
HISTORY_WEIGHT = 0.5
DEFAULT_K = 6
# Bonus for passages in the language of the country a question in another language is
# about; a Dutch article is about the Netherlands unless it says otherwise.
SCOPE_LANGUAGE_WEIGHT = 0.02
COUNTRY_NAMES = {
    # "Dutch" before a noun names the country ("a Dutch company"); "speak Dutch", "the
    # Dutch word for …" name the language.
    "nl": re.compile(
        r"\b(netherlands|holland|nederlandse?)\b|\bdutch\s+(?!(words?|terms?|translation|"
        r"language|version|names?|for|to|in|or|and|speaker|speaking)\b)[a-z]",
        re.IGNORECASE,
    ),
}
# How much a passage in the other language's BM25 score is raised when only an article in
# that language is titled after the question's topic (see _fair_across_languages).
CROSS_LANGUAGE_BM25_FACTOR = 2.0
# Nearest passages asked of Chroma per question; the rest are ranked by BM25 and titles.
DENSE_CANDIDATES = 100
# Passages scoring this close to the best one may add sentences to the answer.
PASSAGE_MARGIN = 0.08
OTHER_ARTICLE_MARGIN = 0.015
MAX_ANSWER_PASSAGES = 4


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
        url=str(metadata.get("url", "")),
        score=score,
    )


@dataclass
class Query:
    """What is searched: the question, plus earlier user turns for follow-ups."""

    question: str
    history: tuple[str, ...] = ()
    language: str = ""  # the question's language, when known

    @property
    def context(self) -> str:
        """The last earlier turn, which a short follow-up leans on."""
        return self.history[-1] if self.history else ""

    @property
    def dense_text(self) -> str:
        return f"{self.context} {self.question}".strip() if self.context else self.question


class SparseBM25:
    """Okapi BM25 (k1=1.5, b=0.75) as a sparse term × passage weight matrix.

    LangChain's ``BM25Retriever`` (rank_bm25 underneath) scores every passage in a Python
    loop per query term (about 100 ms a question at 100k passages) and returns no scores;
    a CSR matrix makes a question cost only the postings of its own terms.
    """

    def __init__(self, documents: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        from scipy.sparse import csr_matrix

        self.vocabulary: dict[str, int] = {}
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        for column, tokens in enumerate(documents):
            for term, count in Counter(tokens).items():
                rows.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                columns.append(column)
                counts.append(count)
        n = len(documents)
        lengths = np.array([len(t) for t in documents], dtype=float)
        average = lengths.mean() if n and lengths.mean() > 0 else 1.0
        tf = np.array(counts, dtype=float)
        row_index = np.array(rows, dtype=np.int64)
        column_index = np.array(columns, dtype=np.int64)
        df = np.bincount(row_index, minlength=len(self.vocabulary)) if rows else np.zeros(0)
        idf = np.log((n - df + 0.5) / (df + 0.5) + 1.0)
        norm = k1 * (1 - b + b * lengths[column_index] / average) if rows else tf
        weights = idf[row_index] * tf * (k1 + 1) / (tf + norm) if rows else tf
        self._matrix = csr_matrix(
            (weights, (row_index, column_index)), shape=(len(self.vocabulary), n)
        )
        self._n = n

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query terms (repeated terms count again)."""
        rows = [self.vocabulary[t] for t in query if t in self.vocabulary]
        if not rows:
            return np.zeros(self._n)
        return np.asarray(self._matrix[rows].sum(axis=0)).ravel()


def role_phrases(text: str) -> set[str]:
    """Two neighbouring content words, hyphen-joined ("hr-manager", "hr-officer"): how
    a role is named. "Human resources X" is also read as "HR X"."""
    text = re.sub(r"\bhuman resources?\b", "HR", text, flags=re.IGNORECASE)
    return {
        phrase
        for phrase in joined_pairs(text) | {w for w in word_tokens(text) if "-" in w}
        if not any(is_stop_word(part) for part in phrase.split("-"))
    }


class TitleIndex:
    """Which question words each passage's article title contains, as a sparse matrix,
    and which passages' titles name a role phrase of the question."""

    def __init__(self, titles: list[str]) -> None:
        self._bm25 = SparseBM25([sorted(set(terms(title))) for title in titles])
        self._n = len(titles)
        self._by_phrase: dict[str, list[int]] = {}
        for index, title in enumerate(titles):
            for phrase in role_phrases(title):
                self._by_phrase.setdefault(phrase, []).append(index)

    def names_phrase(self, question: str) -> np.ndarray:
        """1 for passages whose title names a role phrase of the question, else 0."""
        result = np.zeros(self._n)
        for phrase in role_phrases(question):
            result[self._by_phrase.get(phrase, [])] = 1.0
        return result

    def share(self, groups: list[list[str]], weights: list[float]) -> np.ndarray:
        """Per passage, the weighted share of question words found in its title."""
        total = sum(weights)
        result = np.zeros(self._n)
        if not total:
            return result
        for group, weight in zip(groups, weights, strict=True):
            hit = self._bm25.scores(group) > 0
            result += weight * hit
        return result / total


class HybridRetriever:
    """Dense (Chroma) ⊕ BM25 over every stored passage, plus role names in titles.

    BM25 is kept in memory and rebuilt from the store when the retriever is made; it
    indexes title, section and text as stems plus bilingual concept terms, so a Dutch
    question can match an English passage on words like "werving"/"recruitment".
    Dense search asks Chroma for the nearest ``DENSE_CANDIDATES`` only; passages beyond
    them count as no closer than the last one returned.
    """

    def __init__(self, store: PassageStore, embeddings: Embeddings) -> None:
        self._store = store
        self._embeddings = embeddings
        stored = store.read_all(["documents", "metadatas"])
        self.passages: list[Passage] = [
            passage_from_metadata(m or {}) for m in stored.get("metadatas") or []
        ]
        documents = stored.get("documents") or []
        self._by_id = {store_id: i for i, store_id in enumerate(stored.get("ids") or [])}
        # Each passage is split into words once; its stored text holds its title, section
        # and text, the same words the term weights and BM25 both need.
        words = [content_words(d) for d in documents]
        # A question may name the article's publisher ("according to Jobboard", "volgens
        # Acme"): its site's name is a word the articles use (never an unknown one), though
        # not one to rank by nor part of the article's text (see signals: a named scope).
        named = [w + publisher_words(p.url) for w, p in zip(words, self.passages, strict=True)]
        self.weights = TermWeights.from_words(named, [p.language for p in self.passages])
        self.weights.add_titles({h for p in self.passages for h in (p.title, p.section)})
        self._titles = TitleIndex([p.title for p in self.passages])
        self._languages = np.array([p.language for p in self.passages])
        self._bm25 = SparseBM25([terms_of_words(w) for w in words])
        self.sentences = SentenceIndex(self.passages, stored.get("metadatas") or [], embeddings)
        self._article_terms: dict[str, set[str]] = {}
        self._article_phrases: dict[str, set[str]] = {}
        for passage, passage_words in zip(self.passages, words, strict=True):
            known = self._article_terms.setdefault(passage.article_id, set())
            known.update(terms_of_words(passage_words))
            known.update(places_in(passage.searchable_text))  # tokens of the places named
            known.update(currency_places(passage.text))  # and of those its sums are in
            phrases = self._article_phrases.setdefault(passage.article_id, set())
            phrases.update(stemmed_phrases(passage.searchable_text))

    def article_terms(self, article_id: str) -> set[str]:
        """Every index term of an article (title, sections and text)."""
        return self._article_terms.get(article_id, set())

    def article_phrases(self, article_id: str) -> set[str]:
        """Every two or three neighbouring words of an article, stemmed ("hr-manag")."""
        return self._article_phrases.get(article_id, set())

    @property
    def is_empty(self) -> bool:
        return not self.passages

    def article(self, article_id: str) -> list[Passage]:
        """The article's passages in reading order (for the article viewer and the
        suggestions, several times per answer: indexed once, not filtered each time)."""
        return list(self._by_article.get(article_id, []))

    @cached_property
    def _by_article(self) -> dict[str, list[Passage]]:
        by_article: dict[str, list[Passage]] = {}
        for passage in sorted(self.passages, key=lambda p: p.position):
            by_article.setdefault(passage.article_id, []).append(passage)
        return by_article

    def _bm25_scores(self, query: Query) -> np.ndarray:
        scores = self._bm25.scores(terms(query.question))
        if query.context:
            scores = scores + HISTORY_WEIGHT * self._bm25.scores(terms(query.context))
        top = float(scores.max()) if scores.size else 0.0
        return scores / top if top > 0 else scores

    def _title_scores(self, query: Query) -> np.ndarray:
        groups = query_terms(query.question) or query_terms(query.context)
        return self._titles.share(groups, [self.weights.group_weight(g) for g in groups])

    def _fair_across_languages(
        self, lexical: np.ndarray, titles: np.ndarray, language: str
    ) -> np.ndarray:
        """Raise the lexical scores of passages in the other language when an article in
        that language names the question's topic in its title and none in the
        question's language does.

        A passage in the other language can share only glossary words and names with the
        question, so an article about the asked role ("ondernemingsraad" for "works
        council") loses on BM25 to pages in the question's language that merely share
        its everyday words.
        """
        other = self._languages != language
        if not other.any() or other.all() or titles[other].max() <= titles[~other].max():
            return lexical
        return np.where(other, np.minimum(1.0, CROSS_LANGUAGE_BM25_FACTOR * lexical), lexical)

    def _about_the_country_asked(self, query: Query) -> np.ndarray:
        """1 for passages in the language of the country the question is about, asked in
        another language ("How tight is the Dutch labour market?"): an article in Dutch is
        about the Netherlands, and the English pages that share the question's words are
        mostly not."""
        scores = np.zeros(len(self.passages))
        for language, names in COUNTRY_NAMES.items():
            if language != query.language and names.search(query.dense_text):
                scores[self._languages == language] = 1.0
        return scores

    def _dense_scores(self, query: Query, vector: list[float]) -> np.ndarray:
        k = min(len(self.passages), DENSE_CANDIDATES)
        nearest = self._store.nearest(vector, k)
        scores = np.full(len(self.passages), min((s for _, s in nearest), default=0.0))
        for store_id, similarity in nearest:
            index = self._by_id.get(store_id)
            if index is not None:
                scores[index] = similarity
        return scores

    def search(self, query: Query, k: int = DEFAULT_K) -> list[Passage]:
        """The ``k`` best passages, best first, each with its fused score."""
        return [p for _, p in self.search_indexed(query, k)[0]]

    def search_indexed(
        self, query: Query, k: int = DEFAULT_K
    ) -> tuple[list[tuple[int, Passage]], list[float]]:
        """The ``k`` best passages with their index in :attr:`passages`, best first, and
        the question's vector (the sentence index compares it with every sentence)."""
        if self.is_empty:
            return [], []
        vector = self._embeddings.embed_query(query.dense_text)
        dense = self._dense_scores(query, vector)
        lexical = self._bm25_scores(query)
        titles = self._title_scores(query)
        if query.language:
            lexical = self._fair_across_languages(lexical, titles, query.language)
        fused = (
            dense
            + BM25_WEIGHT * lexical
            + TITLE_WEIGHT * titles
            + TITLE_PHRASE_WEIGHT * self._titles.names_phrase(query.question or query.context)
            + SCOPE_LANGUAGE_WEIGHT * self._about_the_country_asked(query)
        )
        k = min(k, len(fused))
        top = np.argpartition(-fused, k - 1)[:k]
        order = top[np.argsort(-fused[top])]
        found = [
            (int(i), replace(self.passages[i], score=float(fused[i]), similarity=float(dense[i])))
            for i in order
        ]
        return found, vector


def ranked_articles(passages: list[Passage]) -> list[str]:
    """Article ids of the passages, best first, each once."""
    seen: list[str] = []
    for passage in passages:
        if passage.article_id not in seen:
            seen.append(passage.article_id)
    return seen


def evidence_passages(passages: list[Passage]) -> list[Passage]:
    """The passages an answer may quote: the best article's, and another article's only
    when it scores nearly as well (a question that spans two articles)."""
    if not passages:
        return []
    top = passages[0]
    return [
        p
        for p in passages
        if p.score >= top.score - PASSAGE_MARGIN
        and (p.article_id == top.article_id or p.score >= top.score - OTHER_ARTICLE_MARGIN)
    ][:MAX_ANSWER_PASSAGES]
