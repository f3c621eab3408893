"""Read a chat turn as people type it: pasted markup stripped, follow-up or new topic.

Real chats change topic: "How does People Operations differ from HR?" then "What does
an HR manager do?" is a new question, and reading it together with the previous turn
answers the old one again. Only a turn that leans on the previous one (a pronoun, an
ellipsis like "And the manager?", too few words to stand alone) takes the history along.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.text import content_words

# Markdown images and links keep their visible text; HTML tags, URLs and backticks go.
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# Only real HTML tag names: "<Team lead>" typed around words is kept as words.
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|blockquote|br|code|div|em|font|h[1-6]|i|iframe|img|li|link|meta|ol|p|"
    r"pre|script|small|span|strong|style|sub|sup|svg|table|tbody|td|th|thead|tr|u|ul)"
    r"\b[^<>]{0,200}>",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_FENCE = re.compile(r"`{1,3}")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")
_SPACE = re.compile(r"\s+")
# Lines a machine wrote, pasted above or below a question: a log line's time of day to
# the second ("14:05:09"), and a mail header's field ("From: …", "Van: …", in
# data/pasted_text.yaml; a label people type, "Role: recruiter", stays).
PASTED_TEXT = Path(__file__).parent / "data" / "pasted_text.yaml"
_LOG_TIME = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
_FIELD_LABEL = re.compile(r"^\s*([^\W\d_][\w-]{0,24})\s*:\s")
# A line this long (visible characters) with fewer letters than MIN_PROSE_LETTERS of
# them (codes, ids, paths) is no prose: "[main] c.e.Pool - conn=db01:5432 id=7f3a".
# Shorter lines are list items and labels people type ("- L&D").
MIN_MACHINE_LINE_CHARS = 20
MIN_PROSE_LETTERS = 0.6


# A turn that opens like this continues the previous one.
_CONTINUES = re.compile(
    r"^\W*(and|but|also|so|then|what about|how about|and what about|en|maar|ook|dus|"
    r"en wat|hoe zit het met|wat als|en als)\b",
    re.IGNORECASE,
)
# Words that point back at something said before ("they", "that role", "daarvoor").
_POINTS_BACK = re.compile(
    r"\b(they|them|their|theirs|he|she|him|his|her|it|its|those|these|the two|both|"
    r"either of them|that role|this role|that one|this one|such a|such an|"
    r"ze|zij|hun|hen|hij|hem|haar|eentje|die twee|allebei|beide|zo iemand|zo'n functie|"
    r"daar\w+|hier(voor|van|bij|mee|in|op|over|door)|er(voor|van|bij|mee|in|op|over|door|"
    r"toe|aan))\b|"
    # a pronoun closing the question: "werkt die samen?", "what is that?"
    r"\b(die|dat|deze|dit|that|this)(\s+\w+)?\s*\?|"
    # a pronoun as the subject of a question that opens with its verb: "Kan dat ook
    # vanuit huis?", "Is that a full-time job?" (not "Stel dat …", "Now that …")
    r"^\W*(is|are|was|were|does|do|did|can|could|will|would|should|has|have|"
    r"kan|kun|kunnen|mag|moet|heeft|hebben|doet|wordt|zou|zal|gaat|valt|hoort|telt)\s+"
    r"(dat|die|dit|deze|that|this)\s+\w+|"
    # "one" standing for a role named before: "How do I become a certified one?"
    r"\b(an?|the)\s+(\w+\s+)?ones?\s*[?.!,]",
    re.IGNORECASE,
)
# A turn with fewer content words than this that names no topic of the articles
# ("Salary?", "In Belgium?", "Who earns more?") continues the previous one.
MIN_STANDALONE_WORDS = 2


def clean_question(text: str) -> str:
    """The question without pasted markup: tags, image and link syntax, URLs, code ticks.

    "<b>x</b> What does an HR manager do?" is asked as "x What does an HR manager do?";
    the words people typed all stay, but pasted log lines and mail header fields go
    (see :func:`_without_machine_lines`).
    """
    text = _without_machine_lines(html.unescape(text))
    text = _MARKDOWN_IMAGE.sub(r"\1", text)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _FENCE.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    return _SPACE.sub(" ", text).strip()


def _without_machine_lines(text: str) -> str:
    """Drop pasted log lines and mail headers around a question.

    Their words are no part of what is asked, and words no article uses make a
    question look uncovered, so a pasted header got the question refused. A mail's
    subject stays without its field name; text left with no content word is kept as
    typed.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return text
    header, subject = _mail_fields()
    kept = []
    for line in lines:
        field = _FIELD_LABEL.match(line)
        label = field.group(1).lower() if field else ""
        if label in subject:
            kept.append(line[field.end() :] if field else line)
        elif label not in header and not _is_log_line(line):
            kept.append(line)
    return "\n".join(kept) if content_words(" ".join(kept)) else text


def _is_log_line(line: str) -> bool:
    visible = [c for c in line if not c.isspace()]
    letters = sum(c.isalpha() for c in visible)
    return bool(_LOG_TIME.search(line)) or (
        len(visible) >= MIN_MACHINE_LINE_CHARS and letters < MIN_PROSE_LETTERS * len(visible)
    )


@lru_cache(maxsize=1)
def _mail_fields() -> tuple[frozenset[str], frozenset[str]]:
    data = yaml.safe_load(PASTED_TEXT.read_text(encoding="utf-8"))
    return frozenset(data["header_fields"]), frozenset(data["subject_fields"])


def follows_previous(
    question: str,
    history: tuple[str, ...] | list[str],
    names_topic: Callable[[str], bool] = lambda word: False,
) -> bool:
    """Whether ``question`` continues the chat's previous turn rather than starting anew.

    ``names_topic`` tells whether a word names a topic of the articles (a word of their
    titles): "Wat doet een salarisadministrateur?" is short but stands on its own.
    """
    if not history:
        return False
    if _CONTINUES.search(question) or _POINTS_BACK.search(question):
        return True
    words = content_words(question)
    return len(words) < MIN_STANDALONE_WORDS and not any(names_topic(w) for w in words)
