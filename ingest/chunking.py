"""Cut an article into passages along its own structure.

Paragraphs are the unit; a bullet list stays with the sentence that introduces it; a
short heading line is not a passage but travels in the metadata as ``section``.
Every passage is a contiguous run of the cleaned article's blocks, so its text can be
quoted as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from core.types import Article, Passage
from ingest.cleaning import is_list_item, split_blocks_marking_gaps

MAX_PASSAGE_CHARS = 900
# Neighbouring paragraphs are packed only up to this size: smaller passages make
# citations point at what was actually used.
PACK_CHARS = 700
_HEADING_MAX_CHARS = 120


@dataclass
class _Unit:
    section: str
    text: str
    # Something stood between this unit and the one before it in the source (removed
    # furniture, a heading): the two are never packed into one passage.
    after_gap: bool = False


def is_heading(block: str) -> bool:
    """A single short line that does not end a sentence (a list intro ending in ':' is not)."""
    if "\n" in block or len(block) > _HEADING_MAX_CHARS or is_list_item(block):
        return False
    stripped = block.strip().lstrip("#").strip()
    return bool(stripped) and not re.search(r"[.:;,]$", stripped)


def _names_what_follows(blocks: list[tuple[str, bool]], index: int) -> bool:
    """Whether the heading-like block at ``index`` is a heading: one marked so ("## Pay"),
    or one followed by something other than another unmarked heading-like line. A run of
    short unmarked lines is the page's content, a table or fact box written one cell per
    line ("HR Manager", "€ 64.900", "HR Adviseur", ...): read as headings, each would
    replace the one before as ``section`` and its words would be in no passage."""
    block = blocks[index][0]
    if not is_heading(block) or index + 1 >= len(blocks):
        return False
    if block.lstrip().startswith("#"):
        return True
    following = blocks[index + 1][0]
    return not is_heading(following) or following.lstrip().startswith("#")


def _is_list(block: str) -> bool:
    return all(is_list_item(line) for line in block.splitlines() if line.strip())


def _units(article: Article) -> list[_Unit]:
    """Paragraph units with their section; list intros are glued to their list."""
    units: list[_Unit] = []
    section = ""
    blocks = split_blocks_marking_gaps(article.text)
    heading_before = False
    for index, (block, gap) in enumerate(blocks):
        if _names_what_follows(blocks, index):
            section = block.strip().lstrip("#").strip()
            heading_before = True
            continue
        if (
            _is_list(block)
            and not gap
            and not heading_before
            and units
            and units[-1].section == section
            and units[-1].text.rstrip().endswith(":")
        ):
            units[-1].text = f"{units[-1].text}\n\n{block}"
            continue
        units.append(_Unit(section=section, text=block, after_gap=gap or heading_before))
        heading_before = False
    return units


_oversize_splitter = RecursiveCharacterTextSplitter(
    chunk_size=MAX_PASSAGE_CHARS,
    chunk_overlap=0,
    separators=["\n\n", "\n", ". ", "; ", ", ", " "],
    keep_separator="end",
    strip_whitespace=True,
)


def chunk_article(article: Article) -> list[Passage]:
    """Passages of ``article`` in reading order, numbered from 0.

    Neighbouring units of one section are packed together up to ``PACK_CHARS``;
    a single unit longer than that is split at sentence boundaries by LangChain's splitter.
    """
    pieces: list[_Unit] = []
    for unit in _units(article):
        last = pieces[-1] if pieces else None
        if (
            last is not None
            and not unit.after_gap
            and last.section == unit.section
            and len(last.text) + len(unit.text) + 2 <= PACK_CHARS
            and not last.text.rstrip().endswith(":")
        ):
            last.text = f"{last.text}\n\n{unit.text}"
        elif len(unit.text) > MAX_PASSAGE_CHARS and not _is_list(unit.text.split("\n\n")[-1]):
            pieces.extend(_Unit(unit.section, t) for t in _oversize_splitter.split_text(unit.text))
        else:
            pieces.append(_Unit(unit.section, unit.text))
    return [
        Passage(
            chunk_id=f"{article.id}#{position}",
            article_id=article.id,
            title=article.title,
            language=article.language,
            section=piece.section,
            position=position,
            text=piece.text,
            publisher=article.publisher,
            url=article.url,
        )
        for position, piece in enumerate(pieces)
    ]


def embedding_text(passage: Passage) -> str:
    """What gets embedded: the passage with its title and section as context.

    A bare list ("- Managing employee benefits …") does not say whose duties it lists;
    the heading does, so it is embedded with the passage (the quoted text stays exact).
    """
    return f"{passage.where}\n\n{passage.text}"
