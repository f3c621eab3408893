"""Named, general signals of how well a window of text answers a question.

Each signal is one idea that holds on any corpus (no word of a development case is
known here); :mod:`assistant.decision` weighs them with fitted weights. The question is
read once into an :class:`AskedQuestion`: its words split into the *subject* (words
that the articles' titles and headings name: the roles) and the *asked aspect* (the
rest: "salary", "dress code", "day to day"), the kind of thing it asks for (an amount,
a duration, ...) and the scopes it names (a year, a country, a company).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from assistant.comparisons import compared_sides
from assistant.evidence import Window
from assistant.places import (
    PLACE_TOKEN,
    PLACES_PATH,
    currency_name_pattern,
    currency_places,
    currency_sign_pattern,
    host_of,
    place_matches,
    places_in,
    publisher_words,
)
from assistant.text import (
    TermWeights,
    content_words,
    is_stop_word,
    phrase_stem,
    query_words,
    terms,
    terms_of_words,
    word_tokens,
)
from core.language import LANGUAGES, word_frequency
from core.types import Passage
from core.units import opens_sentence

KINDS_PATH = Path(__file__).parent / "data" / "question_kinds.yaml"
SMALL_TALK_PATH = Path(__file__).parent / "data" / "small_talk.yaml"
COUNTRIES_PATH = Path(__file__).parent / "data" / "language_countries.yaml"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# Weight of the earlier turn's words when a follow-up leans on it ("And in Spain?").
CONTEXT_WEIGHT = 0.5
# Words a message that opens with small talk may add and still be small talk ("thanks,
# that helps a lot"); a fourth is where a real request usually begins.
SMALL_TALK_EXTRA_WORDS = 3
# A word in capitals inside a sentence (not its first word): a name ("Spain", "Acme").
_NAME = re.compile(r"\b([A-Z][\w&-]*[A-Za-z0-9])")

SIGNALS = (
    "dense_z",  # the window's best sentence against the corpus background (z-score)
    "dense_gap",  # how far below the corpus's best sentence for this question
    "top_z",  # the corpus's best sentence: is the question about these articles at all
    "retrieval_gap",  # fused retrieval score of the window's passage below the best
    "aspect_cover",  # share of the asked aspect's words in the window or its section
    "aspect_in_article",  # ... anywhere in the window's article
    "aspect_gap_same_language",  # aspect words missing where they could be spelt alike
    "rarest_missing",  # the rarest asked-aspect word the window lacks (0 = none lacking)
    "rarest_missing_article",  # ... that the window's whole article lacks
    "rarest_missing_anywhere",  # ... that no candidate window (nor its headings) has
    "subject_cover",  # share of the subject's words in the window, title or section
    "subject_in_article",  # ... anywhere in the window's article
    "subject_phrase_in_article",  # the role the question names, word pairs whole
    "compared_missing",  # a compared side's weightiest word no candidate's article has
    "has_aspect",  # the question asks about an aspect, not only names a role
    "unknown_share",  # share of the question's words that no article uses
    "unknown_specific",  # an unused word that is no everyday word: a thing not covered
    "unknown_majority",  # how far past half of the question no article uses
    "article_lift",  # how far the window stands out from the rest of its article
    "kind_missing",  # the question asks for a kind of thing the window does not give
    "kind_given",  # ... and the window gives it
    "scope_missing",  # named places and years the article lacks: share or weightiest
    "name_missing",  # ... names (a company, a body, a law) the article lacks
    "question_cover",  # share of all the question's words in the window or its headings
    "cover_gap",  # ... below the best-covering candidate window
    "dense_rank",  # 1 for the candidate closest in meaning, 1/2 for the next, ...
    "same_language",  # the window is in the question's language
    "window_size",  # sentences in the window beyond the first
    "counted_missing",  # it asks how many of a thing; the window has no number beside it
)

# Which way each signal may move the score: +1 only up, -1 only down, 0 either (the fit
# keeps each weight to its sign, so that, say, a missing aspect never raises a score).
DIRECTIONS = {
    "dense_z": 1,
    "dense_gap": 1,
    "top_z": 1,
    "retrieval_gap": -1,
    "aspect_cover": 1,
    "aspect_in_article": 1,
    "aspect_gap_same_language": -1,
    "rarest_missing": -1,
    "rarest_missing_article": -1,
    "rarest_missing_anywhere": -1,
    "subject_cover": 1,
    "subject_in_article": 1,
    "subject_phrase_in_article": 1,
    "compared_missing": -1,
    "has_aspect": 0,
    "unknown_share": -1,
    "unknown_specific": -1,
    "unknown_majority": -1,
    "article_lift": 1,
    "kind_missing": -1,
    "kind_given": 1,
    "scope_missing": -1,
    "name_missing": -1,
    "question_cover": 1,
    "cover_gap": 1,
    "dense_rank": 1,
    "same_language": 0,
    "window_size": 0,
    "counted_missing": -1,
}


@lru_cache(maxsize=1)
def _years() -> re.Pattern[str]:
    """A year, not an amount ("2000 euro", "€1900", "1900,-")."""
    sign, name = currency_sign_pattern(), currency_name_pattern()
    return re.compile(rf"(?<!{sign})\b(1[89]|20)\d\d\b(?!\s*({name}|%|,-|\.\d))", re.I)


@lru_cache(maxsize=1)
def _kinds_file() -> dict[str, Any]:
    """question_kinds.yaml, read once for the kinds, the figure kinds and the count joins."""
    data: dict[str, Any] = yaml.safe_load(KINDS_PATH.read_text(encoding="utf-8"))
    return data


def read_language_files() -> None:
    """Read the files that reading a question needs now (at start-up), not in the first
    question that needs each one."""
    _kinds(), _figure_kinds(), _count_joins(), _small_talk_words(), _years(), _affiliation()
    places_in(""), currency_places("")  # places.yaml's places and currencies


@lru_cache(maxsize=1)
def _kinds() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    kinds = {}
    for name, entry in _kinds_file().items():
        cues = [re.escape(c) for language in entry["cues"].values() for c in language]
        cue = re.compile(r"\b(" + "|".join(sorted(cues, key=len, reverse=True)) + r")\b", re.I)
        given = entry["given"].replace("<currency_sign>", currency_sign_pattern())
        given = given.replace("<currency_name>", currency_name_pattern())
        kinds[name] = (cue, re.compile(given, re.IGNORECASE))
    return kinds


@lru_cache(maxsize=1)
def _figure_kinds() -> frozenset[str]:
    """The kinds read off a number (``figure`` in the file), alternatives to each other."""
    return frozenset(name for name, entry in _kinds_file().items() if entry.get("figure"))


def _kind_missing(gives: dict[str, bool]) -> bool:
    """Whether a window fails to give what the question asks: none of the figure kinds
    asked (any one of them answers), or any other kind asked."""
    figures = [given for name, given in gives.items() if name in _figure_kinds()]
    others = [given for name, given in gives.items() if name not in _figure_kinds()]
    return (bool(figures) and not any(figures)) or not all(others)


@lru_cache(maxsize=1)
def _small_talk_words() -> tuple[frozenset[str], frozenset[str]]:
    """Small talk's own words, and the words that make a message ask something."""
    data = yaml.safe_load(SMALL_TALK_PATH.read_text(encoding="utf-8"))

    def words(key: str) -> frozenset[str]:
        return frozenset(w.lower() for listed in data[key].values() for w in listed)

    return words("words"), words("asking")


def is_small_talk(
    text: str, follows: bool = False, names_topic: Callable[[str], bool] = lambda w: False
) -> bool:
    """A greeting, thanks or "how are you", not a question about the articles.

    Either every content word is small talk's own, or the message opens with one and
    says at most SMALL_TALK_EXTRA_WORDS more without asking anything ("thanks, that
    helps a lot"): no question word, no role or topic of the articles (``names_topic``),
    no place or year ("hi, recruiter salary belgium" asks). A message without content
    words is small talk only when it does not lean on an earlier turn (``follows``):
    "and?" after a question is a follow-up.
    """
    talk, asking = _small_talk_words()
    words = [w.lower() for w in content_words(text)]
    if not words:
        return not follows
    if all(w in talk for w in words):
        return True
    asks = "?" in text or any(w in asking for w in word_tokens(text))
    names = any(names_topic(w) for w in words) or places_in(text) or _years().search(text)
    return words[0] in talk and not asks and not names and len(words) <= 1 + SMALL_TALK_EXTRA_WORDS


# Where a message falls apart into the pieces small talk is told apart in: after a
# comma, colon or sentence end (followed by a space), and at a line break.
_PIECE_END = re.compile(r"(?<=[,;:.!?])\s+|\s*\n\s*")
_WORD = re.compile(r"[\w'-]+")


def without_small_talk(text: str) -> str:
    """``text`` without the small talk around the request: greetings and thanks before it
    ("Hi there, good morning! ..."), small-talk words right before a question word
    ("hi how do I ..."), and thanks after it ("... Thanks in advance!").

    What two messages share in such openings says nothing about what they ask, and a
    comparison by meaning would count it. The whole text comes back when nothing but
    small talk is in it.
    """
    if is_small_talk(text):
        return text.strip()
    pieces = [p for p in _PIECE_END.split(text.strip()) if p]
    start, end = 0, len(pieces)
    while start < end - 1 and is_small_talk(pieces[start]):
        start += 1
    while end - 1 > start and is_small_talk(pieces[end - 1], follows=True):
        end -= 1
    if start == end:
        return text.strip()
    first = pieces[start]
    talk, asking = _small_talk_words()
    words = list(_WORD.finditer(first))
    lead = next((i for i, w in enumerate(words) if w.group().lower() not in talk), 0)
    if lead and words[lead].group().lower() in asking:
        first = first[words[lead].start() :]
    return " ".join([first, *pieces[start + 1 : end]])


@dataclass(frozen=True)
class ComparedSide:
    """One side of a comparison (:mod:`assistant.comparisons`): its words' term groups
    and weights, and per language whether the articles in it use each word."""

    groups: tuple[tuple[str, ...], ...]
    # Each word's weight, relative to a word no article uses; such a word itself weighs
    # by how uncommon it is in everyday language: "ombudsman" names a role none of the
    # articles covers, "ordinary" is how people talk.
    weights: tuple[float, ...]
    known_in: dict[str, tuple[bool, ...]]

    def missing_from(self, article_terms: AbstractSet[str], language: str) -> float:
        """The weight of this side's weightiest word that an article in ``language``
        lacks (0 when it has them all); a word only the other language's articles use
        is a translation away, not missing."""
        known = self.known_in.get(language, (True,) * len(self.groups))
        anywhere = [any(k[i] for k in self.known_in.values()) for i in range(len(self.groups))]
        return max(
            (
                weight
                for group, weight, here, somewhere in zip(
                    self.groups, self.weights, known, anywhere, strict=True
                )
                if (here or not somewhere) and not _found(list(group), (article_terms,))
            ),
            default=0.0,
        )


@dataclass
class AskedQuestion:
    """A question read once: its weighted words, asked aspect, kinds and scopes."""

    groups: list[list[str]]  # per content word, the terms that show it addressed
    weights: list[float]  # each group's weight (rarity; context words weigh less)
    words: list[str]  # each group's word as typed
    own: list[bool]  # the word is in the asking sentence itself (not around it or before)
    is_subject: list[bool]  # the group names a topic of the articles' titles
    unknown: list[bool]  # no article uses any form of it (a place or employer aside)
    kinds: list[str]  # kinds of thing asked for (amount, duration, ...)
    scopes: list[list[str]]  # named scopes (years, names), as term groups
    language: str
    # Each scope's weight: CONTEXT_WEIGHT when only a sentence around the asking one names
    # it ("Recruiter in Utrecht here. ..."): it says who asks, and limits less.
    scope_weights: list[float] = field(default_factory=list)
    # Each scope's kind (see _scope_kind), as read_question tells them.
    scope_kinds: list[str] = field(default_factory=list)
    unseen_weight: float = 1.0  # the weight of a word no article uses: the highest
    specific_unknown: float = 0.0  # how uncommon in everyday language its rarest unused word is
    # The share of the question's weight in words no article uses (see _unknown_share).
    unknown_share: float = 0.0
    # The role as named: neighbouring words of which one names a topic ("hr-manag",
    # "learn-offic"), stemmed; an article that never writes them is about another role.
    subject_phrases: list[str] = field(default_factory=list)
    # Per language, whether the articles in it use the word at all: a word only the other
    # language's articles use is a translation away, never "missing" from a window.
    known_in: dict[str, list[bool]] = field(default_factory=dict)
    # The two sides of a comparison ("X vs Y"), each read like the question's words.
    compared: list[ComparedSide] = field(default_factory=list)
    # The groups of what a count question counts ("how many *vacation days*").
    counted: list[int] = field(default_factory=list)

    def checkable(self, indices: list[int], window_language: str) -> list[int]:
        """The groups a window in ``window_language`` can be expected to spell out: those
        its language's articles use, and those no article uses at all (a translation
        away is no excuse for a word no article in any language has)."""
        if window_language == self.language or window_language not in self.known_in:
            return indices
        known = self.known_in[window_language]
        return [i for i in indices if known[i] or self.unknown[i]]

    @property
    def aspect(self) -> list[int]:
        return [i for i, subject in enumerate(self.is_subject) if not subject]

    @property
    def subject(self) -> list[int]:
        return [i for i, subject in enumerate(self.is_subject) if subject]

    def aspect_words(self) -> list[str]:
        """The asked aspect's words as typed, from the asking sentence itself."""
        return [self.words[i] for i in self.aspect if self.own[i]]


_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def _apart(text: str) -> str:
    """Hyphenated words as their parts: Dutch writes "HR-manager" where English writes
    "HR manager", and each part is a word of the articles' titles; the role as a whole
    is read by :func:`_subject_phrases`."""
    return _HYPHEN.sub(" ", text)


def _asking_part(question: str) -> tuple[str, str]:
    """The sentences that ask ("…?") and the ones around them ("I'm a team lead in
    sales."); a question with no question mark asks with its last sentence."""
    sentences = [s for s in _SENTENCE.split(question.strip()) if s.strip()]
    if len(sentences) < 2:
        return question, ""
    asking = [s for s in sentences if s.rstrip().endswith("?")] or sentences[-1:]
    return " ".join(asking), " ".join(s for s in sentences if s not in asking)


def read_question(
    question: str, context: str, language: str, weights: TermWeights
) -> AskedQuestion:
    """Read ``question`` (and the earlier turn ``context`` it leans on, if any).

    Words of the sentences around the asking one weigh as little as an earlier turn's:
    they say who asks and why, not what.
    """
    asking, around = _asking_part(question)
    own = query_words(_apart(asking))
    counted_words = set(_counted_words(_apart(asking)))
    named_subject = any(weights.is_topic(g) for _, g in own)
    inherited = [
        (w, g)
        for w, g in (query_words(_apart(context)) if context else [])
        if g not in [og for _, og in own] and not (named_subject and weights.is_topic(g))
    ]
    told = [(w, g) for w, g in query_words(_apart(around)) if g not in [og for _, og in own]]
    pairs = [(w, g, 1.0) for w, g in own] + [(w, g, CONTEXT_WEIGHT) for w, g in [*told, *inherited]]
    # Joined as two sentences, so the question's first word is not read as a name.
    asked_text = f"{context.rstrip(' .?!')}. {question}" if context else question
    scopes, employers = _named_scopes(asked_text, weights)
    scopes = _replaced_scopes_dropped(scopes, question, context, weights, employers)
    unseen = weights.group_weight(["\x00unseen"]) or 1.0  # a word no article uses
    limiting, _ = _named_scopes(
        f"{context.rstrip(' .?!')}. {asking}" if context else asking, weights
    )
    scoped = _scope_words(asked_text, employers)
    unknown = [not weights.uses(w) and w not in scoped for w, _, _ in pairs]
    specificity = [
        0.0 if w in scoped else _specificity(w, language) if u else 1.0
        for (w, _, _), u in zip(pairs, unknown, strict=True)
    ]
    group_weights = [weights.group_weight(g) * f for _, g, f in pairs]
    return AskedQuestion(
        groups=[g for _, g, _ in pairs],
        weights=group_weights,
        words=[w for w, _, _ in pairs],
        own=[f == 1.0 for _, _, f in pairs],
        # A word the articles never use names none of their topics, whatever its stem
        # shares with their titles ("arbeidsdeskundige" is not "arbeid").
        is_subject=[weights.is_topic(g) and weights.uses(w) for w, g, _ in pairs],
        unknown=unknown,
        unknown_share=_unknown_share(group_weights, specificity, unknown),
        # From the asking sentence: "... but it costs me my evenings. Should I hire
        # someone?" asks no amount.
        kinds=_asked_kinds(asking, bool(counted_words))
        or (
            _asked_kinds(context, bool(_counted_words(context)))
            if context and _only_scopes(asking, weights)
            else []
        ),
        scopes=scopes,
        scope_kinds=[_scope_kind(g, employers) for g in scopes],
        scope_weights=[1.0 if g in limiting else CONTEXT_WEIGHT for g in scopes],
        language=language,
        unseen_weight=unseen,
        specific_unknown=max(
            (
                s
                for s, u, (_, _, f) in zip(specificity, unknown, pairs, strict=True)
                if u and f == 1.0
            ),
            default=0.0,
        ),
        subject_phrases=_subject_phrases(asking, weights),
        compared=[_side(text, weights, language, unseen) for text in compared_sides(asking)],
        counted=[i for i, (w, _, f) in enumerate(pairs) if f == 1.0 and w in counted_words],
        known_in={other: [weights.is_known(g, other) for _, g, _ in pairs] for other in LANGUAGES},
    )


def _unknown_share(weights: list[float], specificity: list[float], unknown: list[bool]) -> float:
    """The share of the question's weight in words no article uses. Each word weighs by
    its ``specificity``: 1 for a word the articles use; for one they do not, how uncommon
    it is in everyday language, since an everyday word ("anybody", "eigenlijk") is how
    people talk; 0 for a place or employer, which the scope signals judge instead."""
    weighed = [w * s for w, s in zip(weights, specificity, strict=True)]
    return sum(w for w, u in zip(weighed, unknown, strict=True) if u) / (sum(weighed) or 1.0)


def _scope_words(text: str, employers: Sequence[list[str]]) -> set[str]:
    """The words of ``text`` that name a place ("VK", "Belgium") or an employer: the
    scope signals judge whether an article covers them, so they are not also words the
    articles fail to use."""
    found = {
        w.lower() for _, (start, end) in place_matches(text) for w in word_tokens(text[start:end])
    }
    return found | {w for w in (x.lower() for x in word_tokens(text)) if terms(w) in employers}


def _only_scopes(text: str, weights: TermWeights) -> bool:
    """Whether ``text`` names nothing but scopes ("And in Spain?", "En bij Acme?"): such a
    follow-up asks the earlier turn's kind of thing (a sum, a count) for another scope."""
    scopes, _ = _named_scopes(text, weights)
    rest = _years().sub(" ", text)
    for _, (start, end) in reversed(place_matches(rest)):  # "the United States", "VK"
        rest = rest[:start] + " " + rest[end:]
    return bool(scopes) and all(group in scopes for _, group in query_words(_apart(rest)))


def _asked_kinds(asking: str, counts_something: bool) -> list[str]:
    """The kinds of thing the asking sentence asks for, by their cue words.

    A count cue that names nothing counted ("how much" or "hoeveel" before a verb) asks
    a count only when no other kind is asked: "Hoeveel verdient ..." and "How much does
    it cost?" ask a sum, which a bare number does not give; "How much experience ..."
    counts the experience, and "how much of their time" asks a share (or a sum)."""
    kinds = [name for name, (cue, _) in _kinds().items() if cue.search(asking)]
    if "count" in kinds and not counts_something and len(kinds) > 1:
        kinds.remove("count")
    return kinds


# The words right after a count cue that may name what is counted ("how many paid
# *vacation days*"): further on, the question is about something else.
COUNTED_WORDS = 3
# How far (in characters between them, about four words) a number may stand from the
# counted word for the window to give the count: "25 days", "50 of the employees".
COUNTED_REACH_CHARS = 30
# Shortest part of a compound ("vakantie|dagen", "recruitment|bureaus"); shorter parts
# are inside too many unrelated words.
MIN_PART_CHARS = 4
_LETTERS = re.compile(r"[^\W\d_]+")
# Where a clause ends: the counted thing is named before it ("How many, roughly, ...").
_CLAUSE_END = re.compile(r"[,.;:?!()]")
# A number that follows a letter or a hyphen is part of a name ("COVID-19", "ISO-9001").
_INSIDE_A_NAME = re.compile(r"(?<=[^\W\d_]|-)\d")


def _counted_words(asking: str) -> list[str]:
    """The content words a count question counts: the run of words right after its cue,
    up to the first stop word, punctuation mark or other cue ("How many *vacation days*
    does ...", "Hoeveel *preventiemedewerkers* ..."; "Hoeveel verdient ..." counts
    nothing: it asks an amount). A joining word carries the run on: "How many *days* of
    *annual leave* ..." counts days of leave."""
    kinds = _kinds()
    cue = kinds["count"][0]
    found: list[str] = []
    for match in cue.finditer(asking):
        clause = _CLAUSE_END.split(asking[match.end() :], maxsplit=1)[0]
        run: list[str] = []
        for word in clause.split():
            lower = word.lower()
            if run and lower in _count_joins():
                continue
            other_cue = any(c.fullmatch(word) for c, _ in kinds.values())
            if len(run) == COUNTED_WORDS or is_stop_word(lower) or other_cue:
                break
            run.append(word)
        found += content_words(" ".join(run))  # as typed: "FTEs" is the acronym "fte"
    return found


@lru_cache(maxsize=1)
def _count_joins() -> frozenset[str]:
    return frozenset(_kinds_file()["count"]["joins"])


def _same_thing(word: str, word_terms: set[str], counted: tuple[str, list[str]]) -> bool:
    """A window word (with its index terms) names the counted thing: a shared term, or
    one starts or ends the other as a part of a compound ("vakantie|dagen" and "dagen",
    "recruitment|bureaus" and "recruitment"), the rest itself a word ("work|ers" is no
    compound)."""
    typed, group = counted
    if word_terms.intersection(group):
        return True
    short, long = sorted((word, typed.lower()), key=len)
    rest = len(long) - len(short)
    return (
        len(short) >= MIN_PART_CHARS
        and rest >= MIN_PART_CHARS
        and (long.startswith(short) or long.endswith(short))
    )


def _counted_missing(window: Window, asked: AskedQuestion) -> float:
    """1 when the question asks how many of a thing and the window has no number beside
    its rarest word that the articles use; only words its language's articles use are
    looked for.

    The rarest word, not any: "how many *holiday* days" is not answered by "a 3-day
    course", as a thing counted is named by its least common word. A word no article
    uses is passed over: "how many vacation days" over articles that only say "leave"
    is answered by "25 days of leave". When no article uses any counted word, a window
    in the question's language cannot give it by name, one in the other language can."""
    counted = asked.checkable(asked.counted, window.passage.language)
    if not counted:
        return 0.0
    known = [i for i in counted if not asked.unknown[i]]
    if known:
        counted = [max(known, key=lambda i: asked.weights[i])]
    elif window.passage.language != asked.language:
        # No article uses the word ("vacatures"): a window in the other language names the
        # thing in its own words, a translation away, and the count kind judges it.
        return 0.0
    return float(
        not _gives_count(window.text, [(asked.words[i], asked.groups[i]) for i in counted])
    )


def _gives_count(text: str, counted: list[tuple[str, list[str]]]) -> bool:
    """Whether ``text`` has a number beside a word that names what is counted (a number
    inside a name, "COVID-19" or "ISO-9001", is none)."""
    _, number = _kinds()["count"]
    numbers = [m.span() for m in number.finditer(text) if not _INSIDE_A_NAME.match(text, m.start())]
    if not numbers:
        return False
    for found in _LETTERS.finditer(text):
        if all(
            max(start - found.end(), found.start() - end, 0) > COUNTED_REACH_CHARS
            for start, end in numbers
        ):
            continue
        word = found.group().lower()
        word_terms = set(terms_of_words([word]))  # once per word, not per counted word
        if any(_same_thing(word, word_terms, c) for c in counted):
            return True
    return False


# Zipf frequency of the most common everyday words (about "the", "de"): the scale of
# how uncommon a word is in general language.
COMMONEST_ZIPF = 7.0


def _specificity(word: str, language: str) -> float:
    """1 for a word no dictionary of everyday words knows ("ergonomist", "ISO-9001"), 0 for
    the commonest words: an everyday word the articles do not use is how people talk; a
    rare one names a thing the articles do not cover."""
    zipf = max(word_frequency(word.lower(), other) for other in LANGUAGES)
    return max(0.0, 1.0 - zipf / COMMONEST_ZIPF)


def _subject_phrases(text: str, weights: TermWeights) -> list[str]:
    """Neighbouring content words of which one names a topic of the articles, and
    hyphenated words, as :func:`assistant.text.phrase_stem` writes them."""
    words = word_tokens(text)
    found = [phrase_stem(w) for w in words if "-" in w and weights.names_topic(w)]
    for first, second in itertools.pairwise(words):
        if is_stop_word(first) or is_stop_word(second) or "-" in first + second:
            continue
        if weights.names_topic(first) or weights.names_topic(second):
            found.append(phrase_stem(f"{first}-{second}"))
    return list(dict.fromkeys(found))


def _side(text: str, weights: TermWeights, language: str, unseen: float) -> ComparedSide:
    """One side of a comparison, its words weighed like :func:`_rarest_missing` does:
    relative to ``unseen``, the weight of a word no article uses."""
    pairs = query_words(_apart(text))
    return ComparedSide(
        tuple(tuple(g) for _, g in pairs),
        tuple(
            weights.group_weight(g)
            / unseen
            * (1.0 if weights.uses(w) else _specificity(w, language))
            for w, g in pairs
        ),
        {other: tuple(weights.is_known(g, other) for _, g in pairs) for other in LANGUAGES},
    )


def _scopes(text: str, weights: TermWeights) -> list[list[str]]:
    """Years and names the question limits itself to ("in Spain", "at Acme", "in 2040"):
    places however they are typed ("in belgium"), and capitalised words inside a
    sentence that name no topic of the articles, nor stand next to a capitalised one:
    "Ops" in "People Ops" is part of the role's name, not a place or company."""
    beside_a_topic: set[int] = set()  # capitalised words next to a capitalised topic word
    for first, second in itertools.pairwise(_NAME.finditer(text)):
        if text[first.end() : second.start()] != " ":
            continue
        for capital, neighbour in ((first, second), (second, first)):
            if weights.is_topic(terms(neighbour.group(1))):
                beside_a_topic.add(capital.start())
    found = [[year.group(0)] for year in _years().finditer(text)]
    named: set[int] = set()  # positions of the place names found
    for token, span in place_matches(text):
        named.update(range(*span))
        if [token] not in found:
            found.append([token])
    for match in _NAME.finditer(text):
        word = match.group(1)
        group = terms(word)
        if (
            opens_sentence(text, match.start())
            # "IT-bedrijf", "HR-afdeling": a compound whose head is lowercase is a common
            # noun, whatever the capitals of its first part.
            or ("-" in word and word.rsplit("-", 1)[-1][:1].islower())
            or not group
            or weights.is_topic(group)
            or match.start() in named | beside_a_topic
        ):
            continue
        if group not in found:
            found.append(group)
    return found


@lru_cache(maxsize=1024)  # once per article, not once per window of every question
def _implied_scope(language: str, url: str = "") -> frozenset[str]:
    """Terms of the country an article is about unless it says otherwise: the one its
    language implies (a Dutch article is about the Netherlands) and the one its web
    address's country domain names (an article on a ".co.uk" site is about the UK)."""
    return _implied_by(language, host_of(url).rsplit(".", 1)[-1])


@lru_cache(maxsize=1024)  # once per article
def _publisher_terms(url: str) -> frozenset[str]:
    """The terms of the site's name an article comes from: a question limited to it
    ("according to Jobboard") is in scope of that article, whose text need not say so."""
    return frozenset(terms_of_words(publisher_words(url)))


@lru_cache(maxsize=64)
def _implied_by(language: str, domain: str) -> frozenset[str]:
    data = yaml.safe_load(COUNTRIES_PATH.read_text(encoding="utf-8"))
    names = [
        *data.get(language, []),
        *([data["domains"][domain]] if domain in data["domains"] else []),
    ]
    return frozenset({t for name in names for t in terms(name)} | places_in(" ".join(names)))


def _named_scopes(text: str, weights: TermWeights) -> tuple[list[list[str]], list[list[str]]]:
    """The scopes ``text`` names (:func:`_scopes`) with its employers (:func:`_employers`),
    and the employers alone: the one way every caller reads them."""
    scopes = _scopes(text, weights)
    employers = _employers(text, scopes, weights)
    return scopes + [g for g in employers if g not in scopes], employers


def _scope_kind(group: list[str], employers: Sequence[list[str]]) -> str:
    """A scope's kind: a place, a year, an employer ("at Acme") or another name ("the
    OECD"). Such a name may be spelt otherwise in an article ("the Working Hours Act" for
    "Arbeidstijdenwet", an acronym written out), so its absence says less, and is weighed
    apart; an employer limits the question as a place does."""
    if group[0].startswith(PLACE_TOKEN):
        return "place"
    if group[0].isdigit():
        return "year"
    return "employer" if group in employers else "name"


@lru_cache(maxsize=1)
def _affiliation() -> re.Pattern[str]:
    """The words before a name that make it an organisation (``places.yaml``), and the
    word after them."""
    data = yaml.safe_load(PLACES_PATH.read_text(encoding="utf-8"))["affiliations"]
    cues, articles = ("|".join(re.escape(w) for w in data[key]) for key in ("cues", "articles"))
    return re.compile(rf"\b(?i:{cues})\s+(?:(?i:{articles})\s+)?([\w&-]+)(\s*(?:[?.!,;:)]|$))?")


def _employers(text: str, scopes: list[list[str]], weights: TermWeights) -> list[list[str]]:
    """The organisations the question limits itself to: a name after an affiliation word
    ("at Acme", "bij de Acme"). In a question typed all in lower case, where capitals tell
    no names, so is a word there that no article uses and that ends the clause ("what does
    a recruiter earn at acme"); a word followed by more ("at almost every level") is none."""
    found: list[list[str]] = []
    typed_lower = text == text.lower()
    for match in _affiliation().finditer(text):
        word = match.group(1)
        group = terms(word)
        if not group or is_stop_word(word.lower()):
            continue
        ends_clause = match.group(2) is not None
        if group in scopes or (typed_lower and ends_clause and not weights.uses(word)):
            found.append(group)
    return found


def _replaced_scopes_dropped(
    scopes: list[list[str]],
    question: str,
    context: str,
    weights: TermWeights,
    employers: list[list[str]],
) -> list[list[str]]:
    """The scopes without those of the earlier turn that the question replaces with one of
    its own kind: "And in Spain?" after a question about the Netherlands in 2031 asks
    about Spain in 2031, not about the Netherlands."""
    if not context:
        return scopes
    own, _ = _named_scopes(question, weights)
    replaced = {_scope_kind(g, employers) for g in own}
    return [g for g in scopes if g in own or _scope_kind(g, employers) not in replaced]


def _missing_scope(weights: list[float], lacking: list[bool], included: list[bool]) -> float:
    """The included scopes the article lacks: their share of the included scopes' weight
    (never more than the weight lacking), or the weightiest one lacking if more: "And in
    Spain?" after a question about a figure of 2019 and a German body lacks one scope of
    three, and the one it asks."""
    picked = [(w, miss) for w, miss, inc in zip(weights, lacking, included, strict=True) if inc]
    missing = [w for w, miss in picked if miss]
    total = sum(w for w, _ in picked)
    return max(sum(missing) / max(total, 1.0), max(missing, default=0.0))


def _found(group: list[str], present: tuple[AbstractSet[str], ...]) -> bool:
    """Whether a term of ``group`` is in any of the ``present`` sets (read in place: an
    article's terms are not copied once per window)."""
    return any(term in terms for terms in present for term in group)


def _share(indices: list[int], asked: AskedQuestion, *present: AbstractSet[str]) -> float:
    """Weighted share of the question's groups ``indices`` with a term in ``present``;
    1.0 when there are none (nothing can be missing)."""
    total = sum(asked.weights[i] for i in indices)
    if not total:
        return 1.0
    hit = sum(asked.weights[i] for i in indices if _found(asked.groups[i], present))
    return hit / total


def _rarest_missing(asked: AskedQuestion, indices: list[int], *present: AbstractSet[str]) -> float:
    """The weight of the rarest asked-aspect word missing from ``present``, relative to
    a word no article uses: one missing rare word ("pension") is what a share hides."""
    missing = [asked.weights[i] for i in indices if not _found(asked.groups[i], present)]
    return max(missing, default=0.0) / asked.unseen_weight


@lru_cache(maxsize=4096)
def heading_terms(text: str) -> frozenset[str]:
    """The index terms of a title or section heading, read once: every window of a
    passage shares them, and reading them per window was a fifth of a question's time."""
    return frozenset(terms(text))


@dataclass(frozen=True)
class ArticleFacts:
    """What the signals read of a window's whole article."""

    terms: set[str]  # every index term of it
    phrases: set[str] = field(default_factory=set)  # every two neighbouring words, stemmed
    mean_z: float = 0.0  # its sentences' mean z-score for this question


def passage_signals(
    passage: Passage, asked: AskedQuestion, article: ArticleFacts
) -> dict[str, float]:
    """The signals that every window of ``passage`` shares: what its whole article, title
    and section say, and its language. Found once per passage, not once per window: a
    passage gives several windows, and these were half of a question's signal work."""
    heading = heading_terms(passage.section)
    # The passage's own words are among its article's terms (ArticleFacts.terms).
    titled = heading | heading_terms(passage.title)
    aspect = asked.checkable(asked.aspect, passage.language)
    subject = asked.checkable(asked.subject, passage.language)
    implied = _implied_scope(passage.language, passage.url)
    phrases = asked.subject_phrases
    same_language = float(passage.language == asked.language)
    scope_weights = asked.scope_weights or [1.0] * len(asked.scopes)
    named = _publisher_terms(passage.url)
    lacking = [not _found(g, (article.terms, implied, named)) for g in asked.scopes]
    is_name = [kind == "name" for kind in asked.scope_kinds]
    return {
        "aspect_in_article": _share(aspect, asked, article.terms, implied, heading),
        "rarest_missing_article": _rarest_missing(asked, aspect, article.terms, implied, heading),
        "subject_in_article": _share(subject, asked, article.terms, implied, titled),
        # A role is named alike only in one language ("payroll administrator" and
        # "salarisadministrateur"): an article in another says nothing by lacking it.
        "subject_phrase_in_article": (
            sum(p in article.phrases for p in phrases) / len(phrases)
            if phrases and same_language
            else 1.0
        ),
        "scope_missing": _missing_scope(scope_weights, lacking, [not n for n in is_name]),
        "name_missing": _missing_scope(scope_weights, lacking, is_name),
        "same_language": same_language,
    }


def window_signals(
    window: Window,
    asked: AskedQuestion,
    z_scores: np.ndarray,
    best_score: float,
    article: ArticleFacts,
    top_z: float | None = None,
    shared: dict[str, float] | None = None,
) -> dict[str, float]:
    """The signals of one window (see :data:`SIGNALS`); ``top_z``: ``z_scores.max()``,
    passed in so that it is found once per question, not once per window; ``shared``:
    its passage's :func:`passage_signals`, likewise."""
    passage = window.passage
    if shared is None:
        shared = passage_signals(passage, asked, article)
    heading = heading_terms(passage.section)
    inside = window.terms | heading
    titled = inside | heading_terms(passage.title)
    dense = float(max(z_scores[i] for i in window.unit_ids))
    top = top_z if top_z is not None else float(z_scores.max()) if z_scores.size else 0.0
    aspect = asked.checkable(asked.aspect, passage.language)
    aspect_cover = _share(aspect, asked, inside)
    gives = {
        name: bool(given.search(window.text))
        for name, (_, given) in _kinds().items()
        if name in asked.kinds
    }
    unknown_share = asked.unknown_share
    return {
        "dense_z": dense,
        "dense_gap": dense - top,
        "top_z": top,
        "retrieval_gap": best_score - passage.score,
        "aspect_cover": aspect_cover,
        "aspect_in_article": shared["aspect_in_article"],
        "aspect_gap_same_language": (1.0 - aspect_cover) * shared["same_language"],
        "rarest_missing": _rarest_missing(asked, aspect, inside),
        "rarest_missing_article": shared["rarest_missing_article"],
        "subject_cover": _share(asked.checkable(asked.subject, passage.language), asked, titled),
        "subject_in_article": shared["subject_in_article"],
        "subject_phrase_in_article": shared["subject_phrase_in_article"],
        "compared_missing": 0.0,  # set by add_relative_signals
        "has_aspect": float(bool(asked.aspect)),
        "unknown_specific": asked.specific_unknown,
        # A question mostly made of words no article uses is about something else, however
        # close its remaining word brings a window: a share alone weighs that too little.
        "unknown_majority": max(0.0, 2 * unknown_share - 1),
        "article_lift": dense - article.mean_z,
        "unknown_share": unknown_share,
        "kind_missing": float(_kind_missing(gives)),
        "kind_given": float(any(gives.values())),
        "scope_missing": shared["scope_missing"],
        "name_missing": shared["name_missing"],
        "question_cover": _share(
            asked.checkable(list(range(len(asked.groups))), passage.language), asked, titled
        ),
        "cover_gap": 0.0,  # set by add_relative_signals, once every window is known
        "rarest_missing_anywhere": 0.0,  # likewise
        "dense_rank": 0.0,  # likewise
        "same_language": shared["same_language"],
        "window_size": float(len(window.units) - 1),
        "counted_missing": _counted_missing(window, asked),
    }


def add_relative_signals(
    windows: list[Window],
    asked: AskedQuestion,
    article_terms: Callable[[str], AbstractSet[str]],
) -> None:
    """The signals that compare a window with the other candidates of its question:
    how far its coverage is below the best, its rank by closeness in meaning, the
    rarest asked-aspect word that none of them states (in the question's language),
    and what of a compared side even the best-covering candidate's article lacks."""
    if not windows:
        return
    articles = {(w.passage.article_id, w.passage.language) for w in windows}
    compared_missing = max(
        (
            min(side.missing_from(article_terms(a), language) for a, language in articles)
            for side in asked.compared
        ),
        default=0.0,
    )
    present = set().union(*(w.terms | heading_terms(w.passage.section) for w in windows))
    languages = {w.passage.language for w in windows}
    aspect = sorted(set().union(*(asked.checkable(asked.aspect, lang) for lang in languages)))
    anywhere = _rarest_missing(asked, aspect, present)
    best_cover = max(w.signals["question_cover"] for w in windows)
    by_dense = sorted(windows, key=lambda w: -w.signals["dense_z"])
    for rank, window in enumerate(by_dense):
        window.signals["cover_gap"] = window.signals["question_cover"] - best_cover
        window.signals["dense_rank"] = 1.0 / (1 + rank)
        window.signals["rarest_missing_anywhere"] = anywhere
        window.signals["compared_missing"] = compared_missing
