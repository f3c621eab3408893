"""What a question compares: the things on either side of "difference between X and
Y", "X vs Y", "verschil tussen X en Y" (templates in ``data/comparisons.yaml``).

Each template's fixed words are found as whole words and the names are read outward
from them, word by word. One regular expression with a free group on each side would
try every split of a long question (quadratic in its length) and, being greedy, would
take the last "and" of "between X and Y and what do they earn" for the template's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.text import is_stop_word
from core.language import LANGUAGES

COMPARISONS_PATH = Path(__file__).parent / "data" / "comparisons.yaml"
# Stop words that may stand between a template's fixed words and the name ("from what
# an HR manager does"); past more, the side is a pronoun or a clause ("how is that
# different"), which names nothing.
MAX_WORDS_BEFORE_NAME = 3
# Content words of one name, at most: job titles rarely run longer ("chief people
# officer"), and past them a verb or a clause follows.
MAX_NAME_WORDS = 3
# How far from the fixed words a name is looked for: a few words either way, so that a
# question with many comparisons is still read in time linear in its length.
NAME_REACH_CHARS = 200
_WORD = re.compile(r"\w[\w'’&-]*|&")
# Where a name cannot go on: a comma, a colon or a sentence's end.
_EDGE = re.compile(r"[,;:.!?\n]")
_ASIDE = re.compile(r"\([^()]*\)")  # "a recruiter (in-house)": the name is "recruiter"


@dataclass(frozen=True)
class Template:
    """A comparison's fixed words: ``lead`` before both things (may be empty), the
    pattern that finds the first of them, and the one that finds ``middle`` (between
    the two things) where the first name ends."""

    lead: str
    first: re.Pattern[str]
    middle: re.Pattern[str]


@lru_cache(maxsize=1)
def _templates() -> tuple[tuple[Template, ...], frozenset[str]]:
    """Every template, and the words that join one name's parts."""
    data = yaml.safe_load(COMPARISONS_PATH.read_text(encoding="utf-8"))
    listed: list[tuple[str, int]] = [
        (t, re.IGNORECASE) for language in LANGUAGES for t in data.get(language, [])
    ]
    listed += [(t, 0) for t in data.get("as_written", [])]
    found = []
    for template, flags in listed:
        lead, _, rest = template.partition("{a}")
        middle = rest.replace("{b}", "").strip()
        fixed = lead.strip() or middle
        pattern = re.compile(rf"(?<!\w){re.escape(fixed)}(?!\w)", flags)
        follows = re.compile(rf"\s*{re.escape(middle)}(?!\w)", flags)
        found.append(Template(lead.strip(), pattern, follows))
    return tuple(found), frozenset(data.get("joining", []))


def _is_filler(word: str) -> bool:
    """A stop word, also with a clitic ("what's", "who'd")."""
    return is_stop_word(re.split(r"['’]", word.lower())[0])


def _name(text: str, before: bool) -> tuple[str, int]:
    """The name at the end of ``text`` (``before``: it stands before the fixed words)
    or at its start, with the words that join its parts ("health and safety officer")
    but no article or verb; and, read forward, where in ``text`` it ends."""
    _, joining = _templates()
    text = text[-NAME_REACH_CHARS:] if before else text[:NAME_REACH_CHARS]
    edges = [m.start() for m in _EDGE.finditer(text)]
    start, end = (
        (edges[-1] + 1 if edges else 0, len(text)) if before else (0, min(edges or [len(text)]))
    )
    words = list(_WORD.finditer(text, start, end))
    run: list[re.Match[str]] = []
    named = skipped = 0  # content words taken, stop words passed before the first
    for word in reversed(words) if before else words:
        joins = bool(run) and word.group().lower() in joining
        if not joins and _is_filler(word.group()):
            if run or skipped == MAX_WORDS_BEFORE_NAME:
                break
            skipped += 1
            continue
        if not joins and named == MAX_NAME_WORDS:
            break
        named += not joins
        run.append(word)
    while run and run[-1].group().lower() in joining:
        run.pop()
    run.sort(key=lambda m: m.start())
    return " ".join(m.group() for m in run), run[-1].end() if run else 0


def _sides(text: str, template: Template) -> list[str]:
    """The names each occurrence of ``template`` in ``text`` compares."""
    found: list[str] = []
    for match in template.first.finditer(text):
        if template.lead:
            first, end = _name(text[match.end() :], before=False)
            rest = text[match.end() + end :]
            middle = template.middle.match(rest)
            second = _name(rest[middle.end() :], before=False)[0] if first and middle else ""
        else:
            first = _name(text[: match.start()], before=True)[0]
            second = _name(text[match.end() :], before=False)[0]
        found += [side for side in (first, second) if side]
    return found


def compared_sides(question: str) -> list[str]:
    """The things a question compares ("difference between X and Y"): up to two per
    comparison it makes, none when it makes none."""
    text = _ASIDE.sub(" ", question).replace('"', " ").replace("“", " ").replace("”", " ")
    templates, _ = _templates()
    sides = [side for template in templates for side in _sides(text, template)]
    return list(dict.fromkeys(sides))
