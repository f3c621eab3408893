"""Decide whether the retrieved evidence answers the question, before composing anything.

Similarity alone cannot decide (off-topic questions land as close to the best passage as
answerable ones), so three checks are combined: requests that are not questions about
the articles (instructions to the assistant, creative tasks), questions that ask for a
figure the evidence does not contain, and how much of the question's meaning the
evidence covers, weighted by how rare each word is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import TermWeights, query_terms, terms
from assistant.types import Passage

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|rules?|"
    r"guidelines?)\b|\bsystem ?prompt\b|\byou are now\b|\bpretend (to be|you)\b|"
    r"\bjailbreak\b|\b(negeer|vergeet)\b.{0,40}\b(instructies?|opdrachten|regels|prompt)\b|"
    r"\bsysteemprompt\b|\bdoe alsof\b",
    re.IGNORECASE,
)
_OFF_TASK = re.compile(
    r"^\s*(please\s+)?(write|compose|generate|create|draw|sing|translate|summari[sz]e this|"
    r"tell me a (joke|story))\b.{0,30}\b(poem|story|song|joke|essay|haiku|limerick|code|"
    r"script|picture|image|letter|rap)\b|"
    r"^\s*(schrijf|maak|verzin|vertaal|teken)\b.{0,30}\b(gedicht|verhaal|lied|liedje|grap|"
    r"mop|essay|code|script|tekening|brief)\b",
    re.IGNORECASE,
)
_ASKS_FIGURE = re.compile(
    r"\bhow (many|much)\b|\bhoeveel\b|\bwhat percentage\b|\bwelk percentage\b|"
    r"\b(salary|salaries|wage|wages|pay|earn|earns|earning|minimum wage|income|bonus|"
    r"salaris|salarissen|loon|lonen|minimumloon|verdient|verdienen|inkomen|bedrag|tarief)\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"\d|[€$£]")

# Tuned on the development questions and the project's own extra questions (tests/data).
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class Verdict:
    """Whether to answer, and if not, which kind of refusal fits."""

    answerable: bool
    reason: str = ""
    coverage: float = 0.0


def is_instruction(question: str) -> bool:
    """Instructions aimed at the assistant itself, or tasks that are not questions."""
    return bool(_INSTRUCTION.search(question) or _OFF_TASK.search(question))


def asks_for_figure(question: str) -> bool:
    """The question wants a number or an amount (salary, days, a percentage)."""
    return bool(_ASKS_FIGURE.search(question))


def coverage(question: str, evidence: list[Passage], weights: TermWeights) -> float:
    """Share of the question's meaning (rarity-weighted words) present in the evidence."""
    groups = query_terms(question)
    if not groups:
        return 0.0
    present: set[str] = set()
    for passage in evidence:
        present.update(terms(passage.searchable_text))
    total = sum(weights.group_weight(g) for g in groups)
    covered = sum(weights.group_weight(g) for g in groups if any(t in present for t in g))
    return covered / total if total else 0.0


def judge(
    question: str,
    context: str,
    evidence: list[Passage],
    weights: TermWeights,
    similarity_floor: float,
) -> Verdict:
    """Decide whether ``evidence`` answers ``question`` (``context``: the turn it follows).

    ``similarity_floor`` is the embedder's own: below it the best passage is off-topic.
    """
    if is_instruction(question):
        return Verdict(False, "instruction")
    if not evidence:
        return Verdict(False, "no_evidence")
    if max(p.similarity for p in evidence) < similarity_floor:
        return Verdict(False, "far")
    if asks_for_figure(question) and not any(_FIGURE.search(p.text) for p in evidence[:2]):
        return Verdict(False, "no_figure")
    covered = coverage(f"{context} {question}" if context else question, evidence, weights)
    if covered < MIN_COVERAGE:
        return Verdict(False, "not_covered", covered)
    return Verdict(True, "", covered)
