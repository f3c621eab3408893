"""Drop page furniture (calls to action, view counters, bylines, marketing footers).

Cleaning removes whole lines and blocks only, never words inside a sentence, so every
passage cut from the cleaned text still stands word for word in the source article.
"""

from __future__ import annotations

import re

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
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [b.strip("\n") for b in blocks if b.strip()]


def _dedupe_lines(block: str) -> str:
    lines: list[str] = []
    for line in block.splitlines():
        if lines and line.strip() == lines[-1].strip():
            continue
        lines.append(line.rstrip())
    return "\n".join(lines)


def clean_text(text: str, author: str = "") -> str:
    """Return the article text without page furniture, blocks separated by blank lines.

    Args:
        text: the article body (front matter already removed).
        author: the byline name; lines holding only it, and a short bio right after, go.
    """
    blocks: list[str] = []
    after_byline = False
    for raw_block in split_blocks(text):
        block = _dedupe_lines(raw_block)
        lines = [ln for ln in block.splitlines() if not _is_furniture_line(ln)]
        block = "\n".join(lines).strip()
        if not block:
            continue
        if author and all(ln.strip() == author.strip() for ln in block.splitlines()):
            after_byline = True
            continue
        if after_byline and len(block) < 300 and "\n" not in block:
            after_byline = False  # the author's short bio under the byline
            continue
        after_byline = False
        if blocks and block == blocks[-1]:
            continue  # a title repeated by the page template
        blocks.append(block)
    # Calls to action stay until the footer is found: they are what marks it.
    kept = [b for b in _drop_marketing_tail(blocks) if not _is_call_to_action(b)]
    return "\n\n".join(kept)


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
    return bool(re.match(r"^\s*([-*•–]|\d+[.)])\s+", line))
