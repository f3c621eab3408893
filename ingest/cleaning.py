"""Drop page furniture (calls to action, view counters, bylines, marketing footers).

Cleaning removes whole lines and blocks only, never words inside a sentence, so every
passage cut from the cleaned text still stands word for word in the source article.
"""

from __future__ import annotations

import re

from core.types import LIST_ITEM

# Lines that are page furniture wherever they appear, in English or Dutch.
_FURNITURE = [
    r"^\d+\s+(weergaven?|views?|likes?|comments?|reacties?|shares?)$",
    r"^(opmerking|opmerkingen|comment|comments|reactie|reacties)\s+\d+(\s+(leuk|likes?))?$",
    r"^\d+\s+(min(ute)?s?|minuten)\s+(read|leestijd|lezen)$",
    r"^(share|deel)( this| dit)?( article| artikel)?:?$",
    r"^(related (definitions|articles|posts|reading)|gerelateerde artikelen|lees ook|read more)$",
    r"^(subscribe|sign up|abonneer|schrijf je in)\b.{0,80}$",
    r"^(start|begin|try|probeer)\b.{0,40}\b(free trial|gratis proef\w*)\.?$",
    r"^(accept|reject|manage) (all )?cookies$",
]
# Phrases that mark a block as a call to action (a promotion, not article content).
_CALL_TO_ACTION = [
    r"\bdownload (the|our|het|de|ons) (report|rapport|e-?book|whitepaper|guide|gids)\b",
    r"\b\d+-day free trial\b",
    r"\bfree trial\b",
    r"\bgratis proef",
    r"\bbest-in-class\b",
    r"\bcookies?\b.*\b(accept|akkoord)\b",
]
_FURNITURE_RE = [re.compile(p, re.IGNORECASE) for p in _FURNITURE]
_CTA_RE = [re.compile(p, re.IGNORECASE) for p in _CALL_TO_ACTION]
_PARAGRAPH_CHARS = 80


def _is_furniture_line(line: str) -> bool:
    stripped = line.strip()
    return any(p.search(stripped) for p in _FURNITURE_RE)


def _is_call_to_action(block: str) -> bool:
    return any(p.search(block) for p in _CTA_RE)


def split_blocks(text: str) -> list[str]:
    """Blocks are runs of non-empty lines, separated by blank lines."""
    return [block for block, _ in split_blocks_marking_gaps(text)]


# Blocks are separated by one blank line; two blank lines mark a gap where cleaning
# removed something, so the chunker never joins text that was not contiguous in the
# source (a cited passage must be one excerpt the viewer can highlight).
BLOCK_BREAK = "\n\n"
GAP = "\n\n\n"


def clean_text(text: str, author: str = "") -> str:
    """Return the article text without page furniture, blocks separated by blank lines.

    Where something was removed between two kept blocks they are separated by
    :data:`GAP` instead of :data:`BLOCK_BREAK`.

    Args:
        text: the article body (front matter already removed).
        author: the byline name; lines holding only it, and a short bio right after, go.
    """
    blocks: list[tuple[str, bool]] = []  # (block, something was removed right before it)
    after_byline = False
    dropped = False
    for raw_block in split_blocks(text):
        pieces, removed_at_end = _split_at_furniture(raw_block)
        block = "\n".join(piece for piece, _ in pieces)
        if not block:
            dropped = True
            continue
        if author and all(ln.strip() == author.strip() for ln in block.splitlines()):
            after_byline, dropped = True, True
            continue
        if after_byline and len(block) < 300 and "\n" not in block:
            after_byline, dropped = False, True  # the author's short bio under the byline
            continue
        after_byline = False
        if blocks and block == blocks[-1][0]:
            dropped = True
            continue  # a title repeated by the page template
        for index, (piece, removed_before) in enumerate(pieces):
            blocks.append((piece, removed_before or (index == 0 and dropped)))
        # A line removed at the block's end stands between it and the next block too.
        dropped = removed_at_end
    # Calls to action stay until the footer is found: they are what marks it.
    tail = _drop_marketing_tail([b for b, _ in blocks])
    out: list[str] = []
    gap = False
    for block, removed_before in blocks[: len(tail)]:
        if _is_call_to_action(block):
            gap = True
            continue
        if out:
            out.append(GAP if gap or removed_before else BLOCK_BREAK)
        out.append(block)
        gap = False
    return "".join(out)


def _split_at_furniture(block: str) -> tuple[list[tuple[str, bool]], bool]:
    """The block's runs of lines between furniture lines (and lines repeating the one
    before), each with whether such a line was removed right before it; and whether one
    was removed after the last run."""
    pieces: list[tuple[str, bool]] = []
    current: list[str] = []
    removed = False
    removed_before_current = False
    previous = ""
    for line in block.splitlines():
        repeated = bool(line.strip()) and line.strip() == previous
        previous = line.strip() or previous
        if repeated or _is_furniture_line(line):
            if current:
                pieces.append(("\n".join(current).strip(), removed_before_current))
                current = []
            removed = True
            continue
        if not current:
            removed_before_current, removed = removed, False
        current.append(line)
    if current:
        pieces.append(("\n".join(current).strip(), removed_before_current))
    return [(piece, gap) for piece, gap in pieces if piece], removed


def split_blocks_marking_gaps(text: str) -> list[tuple[str, bool]]:
    """Blocks with whether cleaning removed something right before each (see GAP)."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = re.split(r"(\n\s*\n)", normal)
    out: list[tuple[str, bool]] = []
    gap = False
    for index, part in enumerate(parts):
        if index % 2:  # a separator
            gap = gap or part.count("\n") >= 3
            continue
        if part.strip():
            out.append((part.strip("\n"), gap and bool(out)))
            gap = False
    return out


def _drop_marketing_tail(blocks: list[str]) -> list[str]:
    """Cut the marketing footer: everything from its first promotion after the article's
    last real paragraph (a full sentence of some length that promotes nothing)."""
    last_paragraph = -1
    for index, block in enumerate(blocks):
        if (
            len(block) >= _PARAGRAPH_CHARS
            and block.rstrip()[-1:] in ".!?"
            and not _is_call_to_action(block)
        ):
            last_paragraph = index
    for index in range(last_paragraph + 1, len(blocks)):
        if _is_call_to_action(blocks[index]) or _looks_like_button(blocks[index]):
            return blocks[:index]
    return blocks


def _looks_like_button(block: str) -> bool:
    return bool(re.fullmatch(r"(frequently asked questions|veelgestelde vragen)", block, re.I))


def is_list_item(line: str) -> bool:
    """A bullet or numbered list line."""
    return bool(LIST_ITEM.match(line))
