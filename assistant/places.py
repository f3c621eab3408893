"""Places a question can limit itself to, found the same way in questions and articles.

A place is one entry of ``data/places.yaml`` with its English and Dutch names, and is
known by the token :func:`places_in` gives it: "in belgium" asks about the place that
"België" in an article names. Matching whole names (not word stems) keeps "service"
from naming Serbia and "Engels" (English) from naming England.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from assistant.text import content_words

PLACES_PATH = Path(__file__).parent / "data" / "places.yaml"
# Prefix of a place's token: never an index term of a word (those have no "@").
PLACE_TOKEN = "@place:"


@lru_cache(maxsize=1)
def _places() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern finding any place name, and each name's token (by its lower case).

    A name in capitals ("US", "UK") and a name that is also an everyday word ("Polish",
    "Turkey": the file's ``as_written``) match only as written: "us", "polish my CV" name
    no place.
    """
    tokens: dict[str, str] = {}
    spelled: list[str] = []
    data = yaml.safe_load(PLACES_PATH.read_text(encoding="utf-8"))
    homographs = set(data["as_written"])
    for number, names in enumerate(data["places"]):
        for name in names:
            tokens[name.lower()] = f"{PLACE_TOKEN}{number}"
            as_written = name.isupper() or name in homographs
            spelled.append(re.escape(name) if as_written else f"(?i:{re.escape(name)})")
    alternatives = "|".join(sorted(spelled, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])"), tokens


def place_matches(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Each place named in ``text``: its token and where it stands."""
    pattern, tokens = _places()
    found = []
    for match in pattern.finditer(text):
        # Case-insensitive matching also lets "İ" stand for "i"; such a spelling has no
        # token of its own and names no place we know.
        token = tokens.get(match.group(1).lower())
        if token is not None:
            found.append((token, match.span()))
    return found


def places_in(text: str) -> set[str]:
    """The tokens of the places ``text`` names."""
    return {token for token, _ in place_matches(text)}


@dataclass(frozen=True)
class Currency:
    """A currency as sums are written in it (the file's ``currencies``)."""

    sign: str
    codes: tuple[str, ...]  # "EUR"
    words: tuple[str, ...]  # "euro", "euros"
    place: str  # what its sign names before a sum ("" for the euro)


@lru_cache(maxsize=1)
def currencies() -> tuple[Currency, ...]:
    """Every currency of the file, in its order.

    Raises:
        ValueError: a sign of more than one character: the patterns read a sign as one
            character ("R$" would match every "R"); its code or word can stand for it.
    """
    data = yaml.safe_load(PLACES_PATH.read_text(encoding="utf-8"))
    found = tuple(
        Currency(c["sign"], tuple(c["codes"]), tuple(c["words"]), c.get("place", ""))
        for c in data["currencies"]
    )
    for currency in found:
        if len(currency.sign) != 1:
            raise ValueError(f"{PLACES_PATH}: currency sign {currency.sign!r} is not one character")
    return found


def currency_sign_pattern() -> str:
    """A regular expression for any currency's sign, as one character class (``[€\\$£]``)."""
    return "[" + "".join(re.escape(c.sign) for c in currencies()) + "]"


def currency_name_pattern(*, codes: bool = True, words: bool = True) -> str:
    """A regular expression for a currency's code or word (longest first, so "euros" is
    not read as "euro"), as a group without its word boundaries."""
    names = [
        n for c in currencies() for n in (c.codes if codes else ()) + (c.words if words else ())
    ]
    return "(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ")"


# A sum in pounds is British, one in dollars American. A sign after a letter is another
# country's currency ("A$", "NZ$", "E£"), left out. An article that only quotes "$52,000"
# is about the United States as much as one that names it.
@lru_cache(maxsize=1)
def _currencies() -> tuple[re.Pattern[str], dict[str, set[str]]]:
    """One pattern finding a sum in any currency that names a place, and each sign's places."""
    places = {c.sign: places_in(c.place) for c in currencies() if c.place}
    signs = "|".join(re.escape(sign) for sign in places)
    return re.compile(rf"(?<![^\W\d_])({signs})\s?\d"), places


def currency_places(text: str) -> set[str]:
    """The tokens of the places whose currency ``text`` quotes sums in."""
    pattern, places = _currencies()
    signs = {match.group(1) for match in pattern.finditer(text)}
    return set().union(*(places[sign] for sign in signs))


# Labels under a country domain that name no one: "careers.ac.uk", "werk.co.uk".
SECOND_LEVEL_DOMAINS = frozenset({"ac", "co", "com", "edu", "gov", "net", "org"})


def host_of(url: str) -> str:
    """The host of an article's web address, lower case, "" where there is none: ingest
    keeps only well-formed addresses, but a hand-made store may hold any."""
    try:
        return (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return ""


def publisher_words(url: str) -> list[str]:
    """The words of the name of the site an article comes from: "nl.jobboard.com" gives
    "jobboard", "www.acme-careers.co.uk" "acme careers" (a subdomain, a country or
    generic domain and an address of numbers name no publisher)."""
    try:  # "xn--bcher-kva.de" is "bücher.de"
        host = host_of(url).encode("ascii").decode("idna")
    except UnicodeError:
        return []
    labels = host.removeprefix("www.").split(".")
    if len(labels) < 2 or all(label.isdigit() for label in labels):
        return []
    under_generic = len(labels) >= 3 and labels[-2] in SECOND_LEVEL_DOMAINS
    name = labels[-3] if under_generic else labels[-2]
    return [] if name in SECOND_LEVEL_DOMAINS else content_words(name.replace("-", " "))
