"""The small types that cross stages: defined once, used by ingest, assistant and ui."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A list item's mark at the start of a line: "- ", "* ", "• ", "– ", "1. ", "2) ".
LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")

# How far an ingest is, told as it goes: called with (passages done, passages in all),
# first with 0 done and last with all of them. One large article takes an hour to embed,
# so whoever started it (a terminal, the Articles tab, the watcher) is told by passages,
# not by articles. The caller makes it (a tqdm bar, a gr.Progress) and hands it down.
IngestProgress = Callable[[int, int], None]


def where(title: str, section: str) -> str:
    """Title and section ("What is HR? — Duties"), as sources name a passage."""
    return f"{title} — {section}" if section and section != title else title


@dataclass(frozen=True)
class Article:
    """One source article, cleaned and ready to chunk."""

    id: str
    title: str
    language: str
    text: str
    publisher: str = ""
    author: str = ""
    path: str = ""
    url: str = ""  # where it was published (http or https), when the file says


@dataclass(frozen=True)
class Passage:
    """A chunk of an article as stored: ``text`` is the exact passage, as in the article."""

    chunk_id: str
    article_id: str
    title: str
    language: str
    section: str
    position: int
    text: str
    publisher: str = ""
    url: str = ""  # the article's web address, when known
    score: float = 0.0  # fused retrieval score: ranks passages for one question
    similarity: float = 0.0  # cosine similarity to the question: comparable across questions

    @property
    def searchable_text(self) -> str:
        """Title, section and text: what shows a question's words are addressed."""
        return f"{self.title} {self.section} {self.text}"

    @property
    def where(self) -> str:
        return where(self.title, self.section)


@dataclass(frozen=True)
class Citation:
    """A numbered pointer from the answer to the exact passage text it used."""

    n: int
    source: str
    title: str
    chunk_id: str
    snippet: str
    language: str = ""
    section: str = ""
    publisher: str = ""
    url: str = ""  # where the article was published (http or https), when known
    # The snippet machine-translated into the answer's language, checked in code
    # (assistant.translation); "" when none was asked for or none passed the checks.
    translation: str = ""

    @property
    def where(self) -> str:
        """Title and section, as a source list names the passage."""
        return where(self.title, self.section)

    def to_json(self) -> dict[str, Any]:
        """The citation as ``ask --json`` gives it; ``translation`` only when there is one,
        so an answer without a language model reads as it always did."""
        extra = {"translation": self.translation} if self.translation else {}
        return {
            "n": self.n,
            "source": self.source,
            "title": self.title,
            "chunk_id": self.chunk_id,
            "snippet": self.snippet,
            "url": self.url,
            **extra,
        }


# The refusal reason of a greeting, thanks or "how are you": answered kindly, quoting
# nothing, and never logged as a content gap.
SMALL_TALK = "small_talk"


@dataclass
class Answer:
    """An answer with its citations; ``text`` holds the inline [n] markers."""

    question: str
    text: str
    language: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    mode: str = "extractive"  # "generative" when a language model worded it
    note: str = ""  # why a generated answer was replaced by the extractive one
    # For a refusal: the passages that came closest, so the user can judge; they are
    # not citations (the answer quotes nothing from them).
    closest: list[Citation] = field(default_factory=list)
    # Why it was refused ("not_covered", "no_figure", "instruction", …; "" when answered).
    refusal: str = ""
    # How the decision was made: signals, contributions, score, threshold (see
    # assistant.decision.Decision.explain).
    explain: dict[str, Any] = field(default_factory=dict)

    def to_json(self, explain: bool = False) -> dict[str, Any]:
        extra = {"explain": self.explain} if explain else {}
        return {
            **extra,
            "question": self.question,
            "answer": self.text,
            "language": self.language,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "retrieved": list(self.retrieved),
            "latency_ms": round(self.latency_ms, 1),
            "mode": self.mode,
            "note": self.note,
            "closest": [c.to_json() for c in self.closest],
        }
