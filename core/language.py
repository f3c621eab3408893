"""English/Dutch detection and the assistant's own phrases in both languages.

A stop-word vote is enough for two languages this different and costs microseconds;
no language-identification model is bundled for offline use anyway. A question with no
stop word ("salaris opleidingsfunctionaris?") is told by wordfreq's word lists.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES = ("en", "nl")

LANGUAGE_WORDS_PATH = Path(__file__).parent / "data" / "language_words.yaml"


@lru_cache(maxsize=1)
def _language_words() -> dict[str, frozenset[str]]:
    """Per language, the words whose count decides it (``data/language_words.yaml``)."""
    data = yaml.safe_load(LANGUAGE_WORDS_PATH.read_text(encoding="utf-8"))
    return {language: frozenset(data[language]) for language in LANGUAGES}


_WORD = re.compile(r"[a-zà-ÿ]+", re.IGNORECASE)
# A UTF-16 surrogate on its own ("\ud800" in JSON, a stray byte in a command line): no
# encoding writes it, so the embedder, the logs and the reply would each fail on it.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_DUTCH_MARKERS = re.compile(r"(ij|oe|aa|ee|uu|sch)", re.IGNORECASE)


def detect_language(text: str, default: str | None = None) -> str:
    """Return ``"en"`` or ``"nl"`` for ``text``.

    When the stop words are even, ``default`` (say, the chat's language so far) decides;
    without one, how common the words are in each language, then spelling patterns, break
    the tie for short or typo-ridden questions.
    """
    # All-caps words are acronyms ("OR" is the works council), not English "or".
    words = [w.lower() for w in _WORD.findall(text) if not (len(w) > 1 and w.isupper())]
    voters = _language_words()
    en = sum(w in voters["en"] for w in words)
    nl = sum(w in voters["nl"] for w in words)
    if en != nl:
        return "en" if en > nl else "nl"
    if default in LANGUAGES:
        return default
    by_word_lists = _word_list_vote(words)
    if by_word_lists is not None:
        return by_word_lists
    nl_like = sum(1 for w in words if _DUTCH_MARKERS.search(w))
    return "nl" if nl_like and 2 * nl_like >= len(words) else "en"


# How much more common (in Zipf points, summed over the words) a question's words must be
# in one language than in the other to decide it: "salaris opleidingsfunctionaris?" has
# no stop word, but "salaris" is an everyday Dutch word and no English one.
WORD_LIST_MARGIN = 1.0


@lru_cache(maxsize=20_000)
def word_frequency(word: str, language: str) -> float:
    """How common ``word`` is in ``language`` (Zipf: log10 of uses per billion words), by
    wordfreq's "small" word lists: bundled in its wheel, and holding every word down to
    Zipf 3, all the assistant's thresholds need."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, language, wordlist="small"))


def _word_list_vote(words: list[str]) -> str | None:
    """The language whose everyday words these are, by wordfreq's word lists (shipped in
    its wheel), or None when they do not lean either way (names, compounds, loanwords)."""
    balance = sum(word_frequency(w, "nl") - word_frequency(w, "en") for w in words)
    if abs(balance) < WORD_LIST_MARGIN:
        return None
    return "nl" if balance > 0 else "en"


PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "sources": "Sources",
        "abstain": (
            "I can't answer that from the articles I have. They cover HR roles: {topics}. "
            "Try asking about one of those."
        ),
        "abstain_no_articles": "I can't answer that: there are no articles in the store yet.",
        "abstain_closest": (
            "The articles I have don't answer that. The passages that come closest are "
            "listed below, so you can judge for yourself."
        ),
        "abstain_aspect": (
            "The closest article, “{subject}”, says nothing about {aspect}. The passages "
            "that come closest are listed below, so you can judge for yourself."
        ),
        "small_talk": (
            "Hello! I answer questions about HR roles from the articles I have, always "
            "citing the passages I use. You could ask, for example: {starters}"
        ),
        "closest": "Closest the articles come",
        "machine_translation": "Machine translation:",
        "other_language_article": "The {article_language} article says: ",
        "language_name_en": "English",
        "language_name_nl": "Dutch",
        "empty_question": "Please type a question.",
        "not_text": "That question is not valid text; please type it again.",
        "too_long": (
            "That question is too long ({length} characters); please keep it under {limit}."
        ),
        "instruction": (
            "I only answer questions about HR roles from the articles I have; "
            "I can't follow instructions like that. The articles cover: {topics}."
        ),
        "llm_timeout": (
            "The language model did not answer in time, so this answer quotes the articles."
        ),
        "llm_unreachable": (
            "The language model could not be reached, so this answer quotes the articles."
        ),
        "llm_error": "The language model failed, so this answer quotes the articles.",
        "llm_empty": "The language model returned nothing, so this answer quotes the articles.",
        "llm_no_citation": (
            "The language model's reply cited no passage, so this answer quotes the articles."
        ),
        "llm_wrong_language": (
            "The language model answered in another language, so this answer quotes the articles."
        ),
    },
    "nl": {
        "sources": "Bronnen",
        "abstain": (
            "Daar kan ik geen antwoord op geven op basis van de artikelen die ik heb. "
            "Ze gaan over HR-rollen: {topics}. Stel gerust een vraag daarover."
        ),
        "abstain_no_articles": (
            "Dat kan ik niet beantwoorden: er staan nog geen artikelen in de opslag."
        ),
        "abstain_closest": (
            "De artikelen die ik heb geven daar geen antwoord op. Hieronder staan de "
            "passages die er het dichtst bij komen, zodat je zelf kunt oordelen."
        ),
        "abstain_aspect": (
            "Het artikel dat er het dichtst bij komt, “{subject}”, zegt niets over {aspect}. "
            "Hieronder staan de passages die er het dichtst bij komen, zodat je zelf kunt "
            "oordelen."
        ),
        "small_talk": (
            "Hallo! Ik beantwoord vragen over HR-rollen op basis van mijn artikelen, altijd "
            "met de passages die ik gebruik als bron. Je kunt bijvoorbeeld vragen: {starters}"
        ),
        "closest": "Het dichtst bij komen",
        "machine_translation": "Machinevertaling:",
        "other_language_article": "Het {article_language} artikel zegt: ",
        "language_name_en": "Engelstalige",
        "language_name_nl": "Nederlandstalige",
        "empty_question": "Typ een vraag.",
        "not_text": "Die vraag is geen geldige tekst; typ hem opnieuw.",
        "too_long": "Die vraag is te lang ({length} tekens); houd het onder de {limit}.",
        "instruction": (
            "Ik beantwoord alleen vragen over HR-rollen op basis van mijn artikelen; "
            "zulke instructies volg ik niet. De artikelen gaan over: {topics}."
        ),
        "llm_timeout": (
            "Het taalmodel antwoordde niet op tijd; dit antwoord citeert daarom de artikelen."
        ),
        "llm_unreachable": (
            "Het taalmodel was niet bereikbaar; dit antwoord citeert daarom de artikelen."
        ),
        "llm_error": "Het taalmodel gaf een fout; dit antwoord citeert daarom de artikelen.",
        "llm_empty": "Het taalmodel gaf niets terug; dit antwoord citeert daarom de artikelen.",
        "llm_no_citation": (
            "Het antwoord van het taalmodel noemde geen bron; dit antwoord citeert daarom "
            "de artikelen."
        ),
        "llm_wrong_language": (
            "Het taalmodel antwoordde in een andere taal; dit antwoord citeert daarom de artikelen."
        ),
    },
}


def is_valid_text(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: it holds no lone surrogate."""
    return _LONE_SURROGATE.search(text) is None


def translated(tables: dict[str, dict[str, str]], language: str, key: str, **values: object) -> str:
    """Text ``key`` from per-language ``tables`` (English when the language is unknown),
    with ``values`` filled in."""
    template = tables.get(language, tables["en"])[key]
    return template.format(**values) if values else template


def phrase(language: str, key: str, **values: object) -> str:
    """The assistant's own words for ``key`` in ``language`` (English when unknown)."""
    return translated(PHRASES, language, key, **values)
