"""Word-level text analysis shared by BM25 retrieval, sentence selection and abstention.

Terms are light stems (plural stripped, cut to five letters): crude, but it works for
English and Dutch alike, and catches typos at the end of a word. Words listed together
in ``data/glossary.yaml`` also share a concept term, so "werving" matches "recruitment".
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from core.language import LANGUAGES, word_frequency

_STEM_CHARS = 5
# Common word starts that would make five-letter stems collide ("onderhandelen",
# "ondersteunen", "onderscheid"): such words keep more letters.
_LONG_PREFIXES = ("onder", "over", "voor", "perso", "bedrij", "compa", "werk")
_LONG_STEM_CHARS = 8
PREFIX_CHARS = 8
_ACRONYM_PLURAL = re.compile(r"^[A-Z]{2,5}s$")
_TOKEN = re.compile(r"[0-9a-zà-ÿ]+(?:-[0-9a-zà-ÿ]+)*", re.IGNORECASE)

STOP_WORDS_PATH = Path(__file__).parent / "data" / "stop_words.yaml"
STOP_WORDS = frozenset(
    word
    for words in yaml.safe_load(STOP_WORDS_PATH.read_text(encoding="utf-8")).values()
    for word in words
)
GLOSSARY_PATH = Path(__file__).parent / "data" / "glossary.yaml"


# Zipf frequency (log10 of uses per billion words) from which a word is an everyday word
# of English or Dutch: "examine" 4.2, "unfit" 3.5, "baas" 4.7, but "seperate" 2.8, "skils"
# 1.3, "colega" 1.2. Such a word is not a typo, even when no article uses it.
COMMON_WORD_ZIPF = 3.0
# From here a word one letter off a stop word is itself, not that stop word mistyped:
# higher than COMMON_WORD_ZIPF, since stop words are so frequent that their slips land
# on rarer real words ("dose" 4.2 for "does", "whats" 3.9), while "work" (6.0), "small"
# (5.5) and "thuis" (5.5) are meant as typed.
EVERYDAY_WORD_ZIPF = 4.5


def is_common_word(word: str, zipf: float = COMMON_WORD_ZIPF) -> bool:
    """Whether ``word`` is an everyday English or Dutch word (at least ``zipf`` common),
    by wordfreq's word lists (bundled in the wheel: nothing is downloaded)."""
    return any(word_frequency(word, language) >= zipf for language in LANGUAGES)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens; hyphenated words also yield their parts ("hr-officer"), and
    an acronym's plural is the acronym ("KPIs" → "kpi")."""
    return [token for token, _ in _tokens(text)]


def _tokens(text: str) -> list[tuple[str, bool]]:
    """:func:`tokenize`'s tokens, each with whether it is an acronym that spells a stop
    word (and so must not be dropped as one)."""
    tokens: list[tuple[str, bool]] = []
    words = _TOKEN.findall(text)
    for index, word in enumerate(words):
        acronym = _is_stop_word_acronym(
            word, words[index - 1 : index] + words[index + 1 : index + 2]
        )
        # An acronym's plural ("KPIs", "HRBPs") is the acronym, as "KPI's" already is;
        # a short word's plural "s" is otherwise kept ("hris", "bus").
        word = word[:-1].lower() if _ACRONYM_PLURAL.match(word) else word.lower()
        tokens.append((word, acronym))
        if "-" in word:
            tokens.extend((part, False) for part in word.split("-") if part)
    return tokens


def _is_stop_word_acronym(word: str, neighbours: list[str]) -> bool:
    """Whether a word in capitals amid ordinary words is an acronym that spells a stop
    word: the Dutch "OR" (ondernemingsraad), "IT". A heading in capitals is not, and
    :meth:`TermWeights.correct_typos` lower-cases one the articles never write."""
    return (
        2 <= len(word) <= 4
        and word.isupper()
        and word.lower() in STOP_WORDS
        and bool(neighbours)
        and not any(n.isupper() for n in neighbours)
    )


def stem(word: str) -> str:
    """A light stem: drop a plural/possessive ending, then keep five letters."""
    word = word.lower().strip("'’")
    if "-" in word:
        return word  # compounds like "well-being" stay whole; their parts are stemmed apart
    for suffix, replacement in (("ies", "y"), ("'s", ""), ("’s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            word = word[: -len(suffix)] + replacement
            break
    else:
        if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
            word = word[:-1]
    keep = _LONG_STEM_CHARS if word.startswith(_LONG_PREFIXES) else _STEM_CHARS
    return word[:keep]


@lru_cache(maxsize=1)
def _concepts() -> tuple[dict[str, str], dict[str, str]]:
    """Glossary concepts by whole word, and by stem for the other forms of a word.

    Whole words come first: long Dutch compounds share their first letters with other
    words ("salarisadministrateur" and "salaris"), so their stems can collide.
    """
    groups = yaml.safe_load(GLOSSARY_PATH.read_text(encoding="utf-8")) or []
    by_word: dict[str, str] = {}
    by_stem: dict[str, str] = {}
    for number, group in enumerate(groups):
        # {exact: [...]}: words whose five-letter stem is shared by unrelated words
        # ("geschil"/"geschikt", "confidential"/"confirm"); every form is listed instead.
        exact = isinstance(group, dict)
        for word in group["exact"] if exact else group:
            by_word.setdefault(str(word).lower(), f"~{number}")
            if not exact:
                by_stem.setdefault(stem(str(word)), f"~{number}")
    return by_word, by_stem


def concept_of(word: str) -> str | None:
    """The glossary concept term of ``word``, if it has one."""
    by_word, by_stem = _concepts()
    return by_word.get(word.lower()) or by_stem.get(stem(word))


def _one_edit_apart(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one swap of neighbours, insertion, deletion or change."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@lru_cache(maxsize=4096)
def is_stop_word(token: str) -> bool:
    """A stop word, or a typo of one ("waht", "teh"): neither carries the question's meaning."""
    if token in STOP_WORDS:
        return True
    if len(token) < 4 or concept_of(token):
        return False  # short words and known HR words ("hire" ≠ "hier") are never typos
    # A short word one letter longer or shorter than a stop word is more often an
    # acronym ("hris" vs "his") than a typo; short typos swap or change a letter.
    return any(
        _one_edit_apart(token, w)
        for w in STOP_WORDS
        if len(w) >= 3 and w[0] in token[:2] and (len(token) >= 5 or len(w) == len(token))
    ) and not is_common_word(token, EVERYDAY_WORD_ZIPF)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning ``limit + 1``) once it exceeds ``limit``."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def correct_stop_word_typos(text: str) -> str:
    """Lower-cased words with typos of stop words put right ("waht does" → "what does")."""
    out: list[str] = []
    for token in word_tokens(text):
        if token not in STOP_WORDS and is_stop_word(token):
            matches = [w for w in STOP_WORDS if len(w) >= 3 and _one_edit_apart(token, w)]
            # Swapped letters are the commonest typo: prefer a word with the same letters.
            matches.sort(key=lambda w: (sorted(w) != sorted(token), w))
            token = matches[0] if matches else token
        out.append(token)
    return " ".join(out)


def content_words(text: str) -> list[str]:
    """Tokens that carry meaning (stop words, their typos and one-letter tokens removed)."""
    return [t for t, acronym in _tokens(text) if acronym or (len(t) > 1 and not is_stop_word(t))]


def terms(text: str) -> list[str]:
    """Index terms: stems of content words plus their glossary concept terms."""
    return terms_of_words(content_words(text))


def terms_of_words(words: Iterable[str]) -> list[str]:
    """:func:`terms` for words already split off by :func:`content_words`."""
    out: list[str] = []
    for word in words:
        out.append(stem(word))
        concept = concept_of(word)
        if concept:
            out.append(concept)
    return out


def joined_pairs(text: str) -> set[str]:
    """Neighbouring words joined by a hyphen: "HR Generalist" → "hr-generalist".

    Dutch writes a role name as one hyphenated word that an English article writes as
    two; this lets such a question word be found in the article.
    """
    return {f"{a}-{b}" for a, b in itertools.pairwise(word_tokens(text))}


_WORD_PART = re.compile(r"[0-9a-zà-ÿ]+", re.IGNORECASE)
# Whole words without hyphens or digits: the parts of a compound written apart.
_PLAIN_WORD = re.compile(r"(?<![\w-])[a-zà-ÿ]+(?![\w-])", re.IGNORECASE)
# A compound this long is a word of its own, not two short words run together.
MIN_COMPOUND_CHARS = 8


def phrase_stem(term: str) -> str:
    """A hyphenated question word as stemmed parts: "hr-generalist" → "hr-gener"."""
    return "-".join(stem(part) for part in term.split("-") if part)


def stemmed_phrases(text: str, longest: int = 3) -> set[str]:
    """Runs of two or three neighbouring words as :func:`phrase_stem` writes them, so a
    hyphenated question word ("HR-generalist") is found where an article writes it as
    separate words ("HR generalists"), in any inflection."""
    stems = [stem(w) for w in _WORD_PART.findall(text.lower())]
    return {
        "-".join(stems[i : i + n]) for n in range(2, longest + 1) for i in range(len(stems) - n + 1)
    }


def word_tokens(text: str) -> list[str]:
    """Lower-case words in reading order, hyphenated words whole, stop words kept."""
    return _TOKEN.findall(text.lower())


def query_words(text: str) -> list[tuple[str, list[str]]]:
    """Per content word of a question (first occurrence of each meaning), the word and
    the terms that would show it is addressed."""
    out: list[tuple[str, list[str]]] = []
    seen: list[list[str]] = []
    for word in content_words(text):
        concept = concept_of(word)
        group = [stem(word), concept] if concept else [stem(word)]
        if group not in seen:
            seen.append(group)
            out.append((word, group))
    return out


def query_terms(text: str) -> list[list[str]]:
    """Per content word of a question, the terms that would show it is addressed."""
    return [group for _, group in query_words(text)]


class TermWeights:
    """Inverse document frequency of terms over the stored passages.

    A word the articles never use gets the highest weight: a question that hinges on it
    ("capital", "minimumloon") is not covered by evidence that happens to be close.
    """

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self._n = 0
        self._df: dict[str, int] = {}
        # Known words by first letter and length: where a misspelt word is looked up.
        self._vocabulary: dict[tuple[str, int], set[str]] = {}
        # Word starts of PREFIX_CHARS letters: a long word is known only where one of the
        # articles' words starts the same way (the five-letter stems join "arbeidstijd"
        # and "arbeidsmarkt").
        self._prefixes: set[str] = set()
        self._corrections: dict[str, str] = {}
        # Terms of the articles' titles: the roles and topics the articles are about.
        self._topic_terms: set[str] = set()
        # Which terms each language's passages use: a Dutch word missing from an English
        # passage is a translation away, not a sign that the passage misses the point.
        self._terms_by_language: dict[str, set[str]] = {}
        for text in texts:
            self.add(content_words(text))

    @classmethod
    def from_words(
        cls, documents: Iterable[list[str]], languages: Iterable[str] = ()
    ) -> TermWeights:
        """Weights from passages already split into content words (split once, used twice)."""
        weights = cls()
        documents = list(documents)
        languages = list(languages) or [""] * len(documents)
        for words, language in zip(documents, languages, strict=True):
            weights.add(words, language)
        return weights

    def add(self, words: list[str], language: str = "") -> None:
        """Count one passage, given as its content words (and its language, if known)."""
        self._n += 1
        passage_terms = set(terms_of_words(words))
        for term in passage_terms:
            self._df[term] = self._df.get(term, 0) + 1
        self._terms_by_language.setdefault(language, set()).update(passage_terms)
        for word in words:
            if len(word) >= 4 and "-" not in word:
                self._vocabulary.setdefault((word[0], len(word)), set()).add(word)
            self._prefixes.add(word[:PREFIX_CHARS])

    def add_titles(self, titles: Iterable[str]) -> None:
        """Remember titles and headings: their words name what the articles are about."""
        for title in titles:
            self._topic_terms.update(terms(title))

    def names_topic(self, word: str) -> bool:
        """Whether ``word`` is a word of some title or heading (a role or topic name)."""
        return bool(word) and self.is_topic(terms(word))

    def is_topic(self, group: list[str]) -> bool:
        """Whether a question word's terms name a topic of the articles' titles and headings."""
        return any(t in self._topic_terms for t in group)

    def is_known(self, group: list[str], language: str | None = None) -> bool:
        """Whether any form of a question word occurs in the passages (of ``language``)."""
        if language is None or language not in self._terms_by_language:
            return any(term in self._df for term in group)
        known = self._terms_by_language[language]
        return any(term in known for term in group)

    def uses(self, word: str) -> bool:
        """Whether the articles use ``word`` in some form: its terms are known and, for a
        long word, some word of theirs starts with its first PREFIX_CHARS letters."""
        lower = word.lower()
        if not self.is_known(terms(word) or [lower]):
            return False
        return len(lower) <= PREFIX_CHARS or lower[:PREFIX_CHARS] in self._prefixes

    def correct_typos(self, text: str) -> str:
        """``text`` with words the passages never use replaced by a close known word.

        "hr managr skils" becomes "hr manager skills": one edit away for short words,
        two for long ones. Words with no close match are left as they are, and so are
        everyday words the articles happen not to use ("examine" is not "example").
        """

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            lower = word.lower()
            # A stop word in capitals is an acronym only where the articles write it so
            # ("de OR"); elsewhere it is emphasis ("What does an HR officer DO?").
            if word.isupper() and lower in STOP_WORDS:
                return word if self.is_known(terms_of_words([lower])) else lower
            # Known the way the signals judge it (:meth:`uses`): "developement" shares its
            # stem with "development" but no article writes it, and is a typo all the same.
            if len(lower) < 4 or is_stop_word(lower) or self.uses(word):
                return word
            if is_common_word(lower):
                return word
            # The plural of a short word the articles use, typed in lower case ("kpis").
            if lower.endswith("s") and self.is_known(terms(word[:-1])):
                return word[:-1]
            if lower not in self._corrections:
                if len(self._corrections) > 10_000:
                    self._corrections.clear()  # questions' odd words must not pile up
                self._corrections[lower] = self._closest(lower) or word
            return self._corrections[lower]

        return _TOKEN.sub(fix, self._join_split_compounds(text))

    def _join_split_compounds(self, text: str) -> str:
        """Two words written apart that the articles write as one ("vertrouwens persoon"
        → "vertrouwenspersoon"): a common Dutch spelling slip, and the parts alone would
        each be read as a word of their own. Only a part the articles never use is a
        slip ("case manager" is two words), and a stop word is no part ("Verschillen de
        taken" is not "Verschillende taken")."""
        words = list(_PLAIN_WORD.finditer(text))
        pieces: list[str] = []
        last = 0
        index = 0
        while index < len(words) - 1:
            first, second = words[index], words[index + 1]
            joined = first.group(0) + second.group(0)
            if (
                text[first.end() : second.start()] == " "
                and len(joined) >= MIN_COMPOUND_CHARS
                and not any(is_stop_word(w.group(0).lower()) for w in (first, second))
                and not all(self._uses_word(w.group(0)) for w in (first, second))
                and self._uses_word(joined)
            ):
                pieces.append(text[last : first.start()] + joined)
                last = second.end()
                index += 2
            else:
                index += 1
        return "".join(pieces) + text[last:]

    def _uses_word(self, word: str) -> bool:
        """Whether the articles use ``word`` itself (not just a word of the same stem)."""
        lower = word.lower()
        return lower in self._vocabulary.get((lower[0], len(lower)), ())

    def _closest(self, word: str) -> str | None:
        limit = 1 if len(word) < 7 else 2
        best: tuple[int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            for known in self._vocabulary.get((word[0], length), ()):
                distance = edit_distance(word, known, limit)
                if distance <= limit and (best is None or (distance, known) < best):
                    best = (distance, known)
        return best[1] if best else None

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log((self._n - df + 0.5) / (df + 0.5) + 1.0)

    def group_weight(self, group: list[str]) -> float:
        """A word's weight: its rarest known form, or the unknown-word weight if none is known."""
        return min(self.idf(t) for t in group)
