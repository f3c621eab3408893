"""Text that must never act as an instruction: chat-template control tokens and orders
to an AI assistant hidden in articles. Shared by ingest (units), answering and generation."""

from __future__ import annotations

import re

# Tokens that chat templates give a meaning (turn and role boundaries): in article text
# they could open a fake system turn, so they are never passed on or quoted.
CONTROL_TOKENS = re.compile(
    r"(?:<\|[^<>|]{0,40}\|>|</?s>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>)"
    r"(?:\s*(?:system|user|assistant|model)\b)?",
    re.IGNORECASE,
)
# Text in an article that addresses an AI assistant rather than a reader; narrow, so that
# "managers should not ignore the rules" stays evidence.
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


# Requests aimed at the assistant itself, or tasks that are not questions about the
# articles (a poem, a joke): refused with a note of what the articles cover.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|rules?|"
    r"guidelines?)\b|\bsystem ?prompt\b|\byou are now\b|\bpretend (to be|you)\b|"
    r"\bjailbreak\b|\b(negeer|vergeet)\b.{0,40}\b(instructies?|opdrachten|regels|prompt)\b|"
    r"\b(ignore|disregard|forget)\s+(the|these|your|all)\s+(articles?|sources?|context)\b|"
    r"\btell me a (joke|story|poem)\b|\bvertel (me )?een (grap|mop|verhaal)\b|"
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


def is_instruction(question: str) -> bool:
    """Instructions aimed at the assistant itself, or tasks that are not questions."""
    return bool(_INSTRUCTION.search(question) or _OFF_TASK.search(question))


def reads_like_injection(text: str) -> bool:
    """Text that gives orders to an AI assistant: not evidence about HR roles."""
    return bool(_INJECTION.search(text))
