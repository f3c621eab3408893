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

from assistant.text import TermWeights, joined_pairs, query_terms, terms
from assistant.types import Passage

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|rules?|"
    r"guidelines?)\b|\bsystem ?prompt\b|\byou are now\b|\bpretend (to be|you)\b|"
    r"\bjailbreak\b|\b(negeer|vergeet)\b.{0,40}\b(instructies?|opdrachten|regels|prompt)\b|"
    r"\b(ignore|disregard|forget)\s+(the|these|your|all)\s+(articles?|sources?|context)\b|"
    r"\btell me a (joke|story|poem)\b|\bvertel (me )?een (grap|mop|verhaal)\b|"
    r"\bsysteemprompt\b|\bdoe alsof\b",
    re.IGNORECASE,
)
# Text in an article that addresses an AI assistant rather than a reader; narrower than
# _INSTRUCTION so that "managers should not ignore the rules" stays evidence.
_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+)?(the\s+|your\s+)?"
    r"(previous|prior|above|earlier|preceding|other|system)\s+(instructions?|prompts?|messages?|"
    r"rules?)\b|\bsystem ?prompt\b|\byou are now\b|\bnew instructions\s*:|"
    r"\b(as|if you are|you are) an? (ai|language model|chatbot|llm)\b(?!-)|"
    r"^\W*(always\s+)?(answer|reply|respond)\s+(to\s+)?(every|all|each|any)\s+(questions?|"
    r"messages?|users?)\b|^\W*(now\s+)?(reply|respond|answer)\s+only\s+with\b|"
    r"\bcite\s+(only\s+)?(passage|source)s?\s*\[|"
    r"\b(negeer|vergeet)\s+(alle\s+)?(de\s+)?(vorige|eerdere|voorgaande|andere)\s+"
    r"(instructies|opdrachten|regels|berichten)\b|\bsysteemprompt\b",
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
    r"\bhow (many|much|high|old)\b|\bhoeveel\b|\bhoe (hoog|oud)\b|\bwhat age\b|"
    r"\bwelke leeftijd\b|\bwhat percentage\b|\bwelk percentage\b|"
    r"\b(salary|salaries|wage|wages|pay|earn|earns|earning|minimum wage|income|bonus|"
    r"salaris|salarissen|loon|lonen|minimumloon|verdient|verdienen|inkomen|bedrag|tarief)\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"\d|[€$£]")

# Tuned on the development questions and the project's own extra questions (tests/data).
MIN_COVERAGE = 0.5
# Weight of a question word the articles never use, when the evidence is in the other
# language (about a common word's weight, instead of the highest).
CROSS_LINGUAL_UNKNOWN_WEIGHT = 1.0


@dataclass(frozen=True)
class Verdict:
    """Whether to answer, and if not, which kind of refusal fits."""

    answerable: bool
    reason: str = ""
    coverage: float = 0.0


def is_instruction(question: str) -> bool:
    """Instructions aimed at the assistant itself, or tasks that are not questions."""
    return bool(_INSTRUCTION.search(question) or _OFF_TASK.search(question))


# Tokens that chat templates give a meaning (turn and role boundaries): in article text
# they could open a fake system turn, so they are never passed on or quoted.
CONTROL_TOKENS = re.compile(
    r"(?:<\|[^<>|]{0,40}\|>|</?s>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>)"
    r"(?:\s*(?:system|user|assistant|model)\b)?",
    re.IGNORECASE,
)


def reads_like_injection(text: str) -> bool:
    """Text that gives orders to an AI assistant: not evidence about HR roles."""
    return bool(_INJECTION.search(text))


def asks_for_figure(question: str) -> bool:
    """The question wants a number or an amount (salary, days, a percentage)."""
    return bool(_ASKS_FIGURE.search(question))


def coverage(
    question: str,
    evidence: list[Passage],
    weights: TermWeights,
    unknown_weight: float | None = None,
) -> float:
    """Share of the question's meaning (rarity-weighted words) present in the evidence.

    ``unknown_weight`` replaces the weight of words the articles never use; a question
    about an article in the other language misses words by translation, not by topic.
    """
    groups = query_terms(question)
    if not groups:
        return 0.0
    present: set[str] = set()
    for passage in evidence:
        present.update(terms(passage.searchable_text))
        present.update(joined_pairs(passage.searchable_text))

    def weight(group: list[str]) -> float:
        if unknown_weight is not None and not weights.is_known(group):
            return unknown_weight
        return weights.group_weight(group)

    total = sum(weight(g) for g in groups)
    covered = sum(weight(g) for g in groups if any(t in present for t in g))
    return covered / total if total else 0.0


def judge(
    question: str,
    context: str,
    evidence: list[Passage],
    weights: TermWeights,
    similarity_floor: float,
    language: str = "",
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
    cross_lingual = bool(language) and evidence[0].language not in ("", language)
    covered = coverage(
        f"{context} {question}" if context else question,
        evidence,
        weights,
        CROSS_LINGUAL_UNKNOWN_WEIGHT if cross_lingual else None,
    )
    if covered < MIN_COVERAGE:
        return Verdict(False, "not_covered", covered)
    return Verdict(True, "", covered)
