"""Turn the chosen windows into the answer's text: the articles' own sentences, each
followed by the [n] of its passage. Nothing is generated, so every statement is
grounded by construction; what to quote was decided in :mod:`assistant.decision`."""

from __future__ import annotations

import re

from assistant.evidence import SentenceIndex, StoredUnit, Window
from core.language import phrase
from core.types import Citation, Passage

# A window that announces a list ("The main duties are:") brings up to this many items.
MAX_LIST_ITEMS = 6
# A passage's last sentence without an end mark, at least this long, was cut off where
# the page's text ends (a shorter one is a heading or a label).
MIN_CUT_SENTENCE_WORDS = 6
_ENDS_SENTENCE = re.compile(r"[.!?:;…)\]\"'”’]$")


def citation_of(passage: Passage, n: int) -> Citation:
    """Citation number ``n`` pointing at ``passage``'s exact text."""
    return Citation(
        n=n,
        source=passage.article_id,
        title=passage.title,
        chunk_id=passage.chunk_id,
        snippet=passage.text,
        language=passage.language,
        section=passage.section,
        publisher=passage.publisher,
    )


def render_sources(citations: list[Citation], language: str, heading: str = "sources") -> str:
    """The "Sources"/"Bronnen" list (or, for a refusal, "closest") in plain text."""
    if not citations:
        return ""
    lines = [f"{phrase(language, heading)}:"]
    for c in citations:
        # Closest passages are not citations: no [n] in the refusal points at them.
        label = f"[{c.n}]" if heading == "sources" else "-"
        lines.append(f"{label} {c.where} ({c.source})")
    return "\n".join(lines)


def _with_list(window: Window, index: SentenceIndex, used: set[int]) -> list[StoredUnit]:
    """The window's units, and the list it announces when it ends with a colon."""
    units = list(window.units)
    last = window.unit_ids[-1]
    if not units[-1].text.rstrip().endswith(":") or units[-1].unit.list_id is not None:
        return units
    passage_units = index.of_passage(units[-1].passage_index)
    for following in range(last + 1, min(passage_units.stop, last + 1 + MAX_LIST_ITEMS)):
        unit = index.units[following]
        if unit.unit.list_id is None or following in used or not unit.quotable:
            break
        units.append(unit)
        used.add(following)
    return units


def _is_cut_off(unit: StoredUnit, passage: Passage) -> bool:
    """The sentence stops mid-way where the page's text ends ("… or when the r"): marked
    with "…" rather than shown as whole (the citation still quotes the article exactly)."""
    text = unit.text.rstrip()
    return (
        unit.unit.list_id is None
        and len(text.split()) >= MIN_CUT_SENTENCE_WORDS
        and not _ENDS_SENTENCE.search(text)
        and passage.text.rstrip().endswith(text)
    )


def quote(windows: list[Window], language: str, index: SentenceIndex) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers, and its citations numbered in order of first use.

    A list's items become one Markdown list with a single marker after its last item,
    so seven items from one passage are not seven identical links.
    """
    citations: list[Citation] = []
    number: dict[str, int] = {}
    used = {i for w in windows for i in w.unit_ids}
    paragraphs: list[str] = []
    noted_other_language = False
    for window in windows:
        passage = window.passage
        if passage.chunk_id not in number:
            number[passage.chunk_id] = len(citations) + 1
            citations.append(citation_of(passage, number[passage.chunk_id]))
        marker = f"[{number[passage.chunk_id]}]"
        prose: list[str] = []
        items: list[str] = []
        for unit in _with_list(window, index, used):
            cut = " …" if _is_cut_off(unit, passage) else ""
            (items if unit.unit.list_id is not None else prose).append(unit.text + cut)
        text = " ".join(prose)
        if items:
            listed = "\n".join(f"- {item}" for item in items)
            text = f"{text}\n{listed} {marker}" if text else f"{listed} {marker}"
        else:
            text = f"{text} {marker}"
        if passage.language and passage.language != language and not noted_other_language:
            name = phrase(language, f"language_name_{passage.language}")
            text = phrase(language, "other_language_article", article_language=name) + text
            noted_other_language = True
        paragraphs.append(text)
    return "\n\n".join(paragraphs), citations
