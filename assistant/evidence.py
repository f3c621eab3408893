"""Candidate evidence for a question: every stored sentence's vector, and the windows
(one sentence or list item, or two in a row) of the retrieved passages.

The vectors are made at ingest (see :mod:`ingest.indexer`) and read here once per
store view; a question costs one matrix product against all of them, which also gives
the corpus's own background: how close *this* question comes to the articles' sentences
in general. e5 cosines all sit between about 0.7 and 1.0, so only a cosine measured
against that background (a z-score) means the same on every corpus.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.text import terms
from core.safety import reads_like_injection
from core.types import Passage
from core.units import UNIT_VECTORS_KEY, TextUnit, decode_vectors, split_text

logger = logging.getLogger(__name__)

# Longest window: a sentence and the one after it (the second often carries the figure
# or the list the first announces).
WINDOW_UNITS = 2


@dataclass(frozen=True)
class StoredUnit:
    """One sentence or list item of a stored passage, with its index terms."""

    passage_index: int
    unit: TextUnit
    terms: frozenset[str]
    quotable: bool  # False for text that gives orders to an AI assistant

    @property
    def text(self) -> str:
        return self.unit.text


@dataclass
class Window:
    """Adjacent units of one passage: what the answer may quote as one piece."""

    passage: Passage
    rank: int  # the passage's retrieval rank for this question, 0 = best
    units: list[StoredUnit]
    unit_ids: tuple[int, ...]
    signals: dict[str, float] = field(default_factory=dict)
    relevance: float = 0.0  # how likely it states what is asked (ranks windows)
    score: float = 0.0  # what the threshold reads: the same number as relevance

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.units)

    @property
    def source(self) -> str:
        """The article the window quotes."""
        return self.passage.article_id

    @property
    def terms(self) -> set[str]:
        return set().union(*(u.terms for u in self.units))


class SentenceIndex:
    """All units of all stored passages, their vectors as one matrix."""

    def __init__(
        self, passages: Sequence[Passage], metadatas: Sequence[dict[str, Any]], embeddings: Any
    ) -> None:
        self.units: list[StoredUnit] = []
        self._articles = sorted({p.article_id for p in passages})
        number = {article: i for i, article in enumerate(self._articles)}
        self.first_unit: list[int] = []  # index of each passage's first unit
        blocks: list[np.ndarray] = []
        missing: list[tuple[int, list[str]]] = []
        for index, (passage, metadata) in enumerate(zip(passages, metadatas, strict=True)):
            split = split_text(passage.text)
            self.first_unit.append(len(self.units))
            for unit in split:
                self.units.append(
                    StoredUnit(
                        index,
                        unit,
                        frozenset(terms(unit.text)),
                        not reads_like_injection(unit.text),
                    )
                )
            vectors = decode_vectors(str((metadata or {}).get(UNIT_VECTORS_KEY, "")))
            if split and (vectors is None or len(vectors) != len(split)):
                missing.append((len(blocks), [u.text for u in split]))
                vectors = np.zeros((len(split), 1), dtype=np.float32)
            if split:
                blocks.append(vectors)  # type: ignore[arg-type]
        self.first_unit.append(len(self.units))
        if missing:
            # A store ingested before sentence vectors were kept: embed them now, once
            # per view, and say so; the next ingest stores them.
            logger.warning(
                "%d passages have no stored sentence vectors; embedding them now "
                "(re-ingest to store them)",
                len(missing),
            )
            for block, texts in missing:
                blocks[block] = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
        self.matrix = np.vstack(blocks) if blocks else np.zeros((0, 1), dtype=np.float32)
        self._unit_article = np.array(
            [number[passages[u.passage_index].article_id] for u in self.units], dtype=np.int64
        )

    def of_passage(self, passage_index: int) -> range:
        """Unit indices of one passage, in reading order."""
        return range(self.first_unit[passage_index], self.first_unit[passage_index + 1])

    def background(self, query_vector: Sequence[float]) -> np.ndarray:
        """Each unit's cosine to the question, as a z-score against all units' cosines."""
        if not len(self.units):
            return np.zeros(0)
        cosines = self.matrix @ np.asarray(query_vector, dtype=np.float32)
        spread = float(cosines.std()) or 1.0
        return (cosines - float(cosines.mean())) / spread

    def article_means(self, z_scores: np.ndarray) -> dict[str, float]:
        """Per article, the mean z-score of its sentences: the level a sentence that
        answers must stand out from."""
        if not z_scores.size:
            return {}
        sums = np.bincount(self._unit_article, weights=z_scores, minlength=len(self._articles))
        counts = np.bincount(self._unit_article, minlength=len(self._articles))
        return {
            a: float(t / max(n, 1)) for a, t, n in zip(self._articles, sums, counts, strict=True)
        }

    def windows(self, ranked: Sequence[tuple[int, Passage]]) -> list[Window]:
        """Windows of one or two adjacent quotable units of the ranked passages."""
        found: list[Window] = []
        for rank, (passage_index, passage) in enumerate(ranked):
            ids = [i for i in self.of_passage(passage_index) if self.units[i].quotable]
            for start, first in enumerate(ids):
                for size in range(1, WINDOW_UNITS + 1):
                    chosen = ids[start : start + size]
                    if len(chosen) < size or chosen[-1] - first != size - 1:
                        break
                    # Prose and a list are quoted apart (a list item is no sentence's end).
                    if len({self.units[i].unit.list_id for i in chosen}) > 1:
                        break
                    found.append(
                        Window(passage, rank, [self.units[i] for i in chosen], tuple(chosen))
                    )
        return found
