"""Questions to ask next, taken from the articles themselves.

After an answer the chat offers two or three follow-up questions about the roles just
discussed. They are never invented: each is a heading or title, phrased as a question,
of an article the answer used, or of the next articles retrieved for the same question;
and each is kept only when the assistant really answers it from the articles.
(Templates such as "What does a <role> do?" were tried and dropped: neighbouring words
of a title are not reliably a role, and "What does a salaris-taken do?" is worse than
no suggestion.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from assistant.text import content_words
from core.language import detect_language
from core.types import Answer, Passage

MAX_SUGGESTIONS = 3
MAX_TRIED = 8  # each candidate is answered once to check it: bounded work per answer
MIN_WORDS, MAX_WORDS = 3, 16
# Share of content words (Jaccard) two questions may share before they count as one.
SAME_QUESTION_OVERLAP = 0.6

# A heading that names its topic only by a pronoun ("Why do they get mixed up?") needs
# the article around it; on its own it is no question to offer.
_PRONOUN = re.compile(r"\b(they|them|it|this|these|those|he|she|ze|zij|hij|hen|dit|deze)\b", re.I)


def _clean(heading: str) -> str:
    return " ".join(heading.replace("\xa0", " ").split())


def _is_question(heading: str, language: str) -> bool:
    words = heading.split()
    return (
        heading.endswith("?")
        and heading.count("?") == 1
        and MIN_WORDS <= len(words) <= MAX_WORDS
        and detect_language(heading, default=language) == language
    )


def _overlap(a: str, b: str) -> float:
    words_a, words_b = set(content_words(a)), set(content_words(b))
    if not words_a or not words_b:
        return 1.0 if a.lower() == b.lower() else 0.0
    return len(words_a & words_b) / len(words_a | words_b)


def candidates(articles: Iterable[Sequence[Passage]], language: str) -> list[str]:
    """Question-shaped titles and headings of ``articles`` in ``language``, in order."""
    found: list[str] = []
    for passages in articles:
        if not passages:
            continue
        headings = [passages[0].title, *(p.section for p in passages)]
        for heading in map(_clean, headings):
            if (
                _is_question(heading, language)
                and not _PRONOUN.search(heading)
                and heading not in found
            ):
                found.append(heading)
    return found


def suggest(
    answer: Answer,
    related: Sequence[str],
    asked: Sequence[str],
    article: Callable[[str], list[Passage]],
    answers: Callable[[str], bool],
) -> list[str]:
    """Up to ``MAX_SUGGESTIONS`` follow-ups to ``answer``: from the articles it cites
    (or, for a refusal, those that came closest), then the ``related`` articles, not
    asked before in this chat, not near-repeats of each other, not the headings of the
    sections the answer just quoted (it has said what they say), each one ``answers``
    confirms the assistant answers."""
    sources = [c.source for c in (answer.citations or answer.closest)] + list(related)
    quoted = {_clean(c.section) for c in answer.citations if c.section}
    pool = [
        q
        for q in candidates((article(s) for s in dict.fromkeys(sources)), answer.language)
        if q not in quoted
    ]
    chosen: list[str] = []
    tried = 0
    for question in pool:
        if len(chosen) == MAX_SUGGESTIONS or tried == MAX_TRIED:
            break
        earlier = [*asked, answer.question, *chosen]
        if any(_overlap(question, e) >= SAME_QUESTION_OVERLAP for e in earlier):
            continue
        tried += 1
        if answers(question):
            chosen.append(question)
    return chosen


def starters(
    articles: Iterable[Sequence[Passage]],
    language: str,
    answers: Callable[[str], bool],
    limit: int = MAX_SUGGESTIONS,
) -> list[str]:
    """Questions to start a chat with: question-shaped titles and headings of the
    articles in ``language``, one per article first, each one the assistant answers."""
    per_article = [candidates([passages], language) for passages in articles]
    ordered = [found[0] for found in per_article if found]
    ordered += [q for found in per_article for q in found[1:]]
    chosen: list[str] = []
    for question in ordered[:MAX_TRIED]:
        if len(chosen) == limit:
            break
        if all(_overlap(question, c) < SAME_QUESTION_OVERLAP for c in chosen) and answers(question):
            chosen.append(question)
    return chosen
