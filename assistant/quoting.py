"""Turn the chosen windows into the answer's text: the articles' own sentences, each
followed by the [n] of its passage. Nothing is generated, so every statement is
grounded by construction; what to quote was decided in :mod:`assistant.decision`."""

from __future__ import annotations

from assistant.evidence import SentenceIndex, StoredUnit, Window
from core.language import phrase
from core.types import Citation, Passage
from core.units import ENDS_UNCUT

# A window that announces a list ("The main duties are:") brings up to this many items.
MAX_LIST_ITEMS = 6
# A passage's last sentence without an end mark, at least this long, was cut off where
# the page's text ends (a shorter one is a heading or a label).
MIN_CUT_SENTENCE_WORDS = 6


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
        url=passage.url,
    )


def render_sources(citations: list[Citation], language: str, heading: str = "sources") -> str:
    """The "Sources"/"Bronnen" list (or, for a refusal, "closest") in plain text, each
    machine translation under its source line."""
    if not citations:
        return ""
    lines = [f"{phrase(language, heading)}:"]
    for c in citations:
        # Closest passages are not citations: no [n] in the refusal points at them.
        label = f"[{c.n}]" if heading == "sources" else "-"
        lines.append(f"{label} {c.where} ({c.source})")
        if c.translation:  # under its source, marked as the machine's words
            marked = f"{phrase(language, 'machine_translation')} {c.translation}"
            lines.extend(f"    {line.strip()}" for line in marked.splitlines() if line.strip())
    return "\n".join(lines)


def _with_list(
    window: Window, index: SentenceIndex, used: set[int]
) -> list[tuple[int, StoredUnit]]:
    """The window's units by index, and the list it announces when it ends with a colon."""
    units = list(zip(window.unit_ids, window.units, strict=True))
    last, unit = units[-1]
    if not unit.text.rstrip().endswith(":") or unit.unit.list_id is not None:
        return units
    passage_units = index.of_passage(unit.passage_index)
    for following in range(last + 1, min(passage_units.stop, last + 1 + MAX_LIST_ITEMS)):
        item = index.units[following]
        if item.unit.list_id is None or following in used or not item.quotable:
            break
        units.append((following, item))
        used.add(following)
    return units


def _is_cut_off(unit: StoredUnit, passage: Passage) -> bool:
    """The sentence stops mid-way where the page's text ends ("… or when the r"): marked
    with "…" rather than shown as whole (the citation still quotes the article exactly)."""
    text = unit.text.rstrip()
    return (
        unit.unit.list_id is None
        and len(text.split()) >= MIN_CUT_SENTENCE_WORDS
        and not ENDS_UNCUT.search(text)
        and passage.text.rstrip().endswith(text)
    )


def quote(windows: list[Window], language: str, index: SentenceIndex) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers, and its citations numbered in order of first use.

    The windows of one passage become one block in the article's order with a single
    marker at its end, and a list's items one Markdown list: seven items or three
    sentences of one passage are not seven or three identical links.
    """
    citations: list[Citation] = []
    used = {i for w in windows for i in w.unit_ids}
    blocks: dict[str, dict[int, StoredUnit]] = {}
    passages: dict[str, Passage] = {}
    for window in windows:  # a passage's block stands where its first window did
        passage = window.passage
        if passage.chunk_id not in blocks:
            passages[passage.chunk_id] = passage
            citations.append(citation_of(passage, len(citations) + 1))
        blocks.setdefault(passage.chunk_id, {}).update(_with_list(window, index, used))
    paragraphs: list[str] = []
    noted_other_language = False
    for citation in citations:
        passage = passages[citation.chunk_id]
        units = sorted(blocks[passage.chunk_id].items())
        text = f"{_block_text(units, passage)} [{citation.n}]"
        if passage.language and passage.language != language and not noted_other_language:
            name = phrase(language, f"language_name_{passage.language}")
            note = phrase(language, "other_language_article", article_language=name)
            # A block that opens with a list item starts on its own line, or it is no item.
            text = note + ("\n" if text.startswith("- ") else "") + text
            noted_other_language = True
        paragraphs.append(text)
    return "\n\n".join(paragraphs), citations


def _block_text(units: list[tuple[int, StoredUnit]], passage: Passage) -> str:
    """A passage's quoted units (by index) in order: sentences run on as prose, list
    items as a Markdown list (a blank line before prose that follows a list, or it would
    join the last item). Prose that skips sentences of the passage says so with " … ",
    so two quoted sentences never read as one continuous statement."""
    text = ""
    in_list = False
    previous = -1
    for position, unit in units:
        words = unit.text + (" …" if _is_cut_off(unit, passage) else "")
        is_item = unit.unit.list_id is not None
        if not text:
            text = f"- {words}" if is_item else words
        elif is_item:
            text += f"\n- {words}"
        elif in_list:
            text += f"\n\n{words}"
        else:
            adjacent = position == previous + 1 or text.endswith("…")
            text += f" {words}" if adjacent else f" … {words}"
        in_list = is_item
        previous = position
    return text
