"""The one sentence splitter: a passage's sentences and list items, in reading order.

Ingest embeds each unit once (its vector is stored with the passage) and the assistant
scores and quotes the same units, so both must split alike: this module is the only
place that knows how. Web pages mix bullets, headings and prose in one block
("Overlegrecht\\nDe OR heeft ..."): each run is read apart, and a heading line is never
glued to the sentence after it.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import numpy as np

from core.safety import CONTROL_TOKENS
from core.types import LIST_ITEM

# Metadata key of a passage's unit vectors: ingest writes it, the assistant reads it.
UNIT_VECTORS_KEY = "unit_vectors"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-Ý\"“‘(])")
# How a text ends, in the two senses the assistant asks (here, next to the splitter, so
# there is one definition of each). Whole sentence: an end mark, perhaps closed by
# quotes or brackets ("per year.”", "(see the CAO.)"); a machine translation of a snippet
# that ends so must end so too. Not cut off: that, or a colon or semicolon (a list's
# lead-in, "The main duties are:") or a closing quote or bracket on its own ("(see the
# CAO)"); looser, because a quoted sentence the page's text ends on is marked "…" only
# when it plainly stops mid-way, and a list's lead-in or a bracket is a whole ending.
ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]»]*\Z")
ENDS_UNCUT = re.compile(r"[.!?:;…)\]\"'”’»]$")
# What comes before a sentence's first word: the text's start, an end mark (or a colon
# or semicolon), a line break or a list item's mark, then perhaps an opening quote or
# bracket. Looser than split_text's boundaries, for another question: whether a capital
# is a name's or only the start's ("Beheer: Het dossier van Jansen."; a heading's first
# word, which split_text leaves out, is such a start too).
_BEFORE_SENTENCE = re.compile(
    r"(?:\A|[.!?:;…]\s+|\n\s*|(?:\A|\n)\s*(?:[-*•–]|\d+[.)])\s+)[\"'“‘(«\[]*\Z"
)
# A line that names what follows rather than saying something: short, no end mark.
HEADING_LINE = re.compile(r"^[^.!?:;,]{1,60}[^.!?:;,\s\"”’)]$")


@dataclass(frozen=True)
class TextUnit:
    """A sentence or list item: an exact piece of a passage's text."""

    text: str
    list_id: int | None = None  # list items of one list share it; None for prose


def split_text(text: str) -> list[TextUnit]:
    """Sentences and list items of ``text``, in reading order (headings left out)."""
    units: list[TextUnit] = []
    list_number = 0
    for block in text.split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        for is_list, run in _runs(lines):
            list_number += is_list
            if is_list:
                pieces = [LIST_ITEM.sub("", ln).strip() for ln in run]
            else:
                prose = " ".join(ln.strip() for ln in run)
                # A chat-template token in an article ends a sentence, as a full stop does.
                pieces = [
                    s.strip()
                    for part in CONTROL_TOKENS.split(prose)
                    for s in _SENTENCE_END.split(part)
                ]
            units.extend(TextUnit(p, list_number if is_list else None) for p in pieces if p)
    return units


def opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` in ``text`` opens a sentence, a clause after a colon
    or semicolon, a line or a list item: where a capital tells nothing of a name."""
    return _BEFORE_SENTENCE.search(text, 0, start) is not None


def _runs(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """A block's lines as runs of list items and runs of prose; heading lines (short,
    unpunctuated, with text after them) separate runs and are left out."""
    runs: list[tuple[bool, list[str]]] = []
    for index, line in enumerate(lines):
        is_item = bool(LIST_ITEM.match(line))
        if not is_item and index + 1 < len(lines) and HEADING_LINE.match(line.strip()):
            runs.append((False, []))  # a break: the next line starts a new run
            continue
        if runs and runs[-1][0] == is_item and (is_item or runs[-1][1]):
            runs[-1][1].append(line)
        else:
            runs.append((is_item, [line]))
    return [(is_list, run) for is_list, run in runs if run]


def encode_vectors(vectors: np.ndarray) -> str:
    """Unit vectors as text for Chroma metadata (which holds only scalars): float16
    rows, base64. Half precision keeps cosines to about 1e-3, far below the margins
    the decision reads."""
    matrix = np.asarray(vectors, dtype=np.float16)
    return f"{matrix.shape[0]}x{matrix.shape[1]}:" + base64.b64encode(matrix.tobytes()).decode()


def decode_vectors(encoded: str) -> np.ndarray | None:
    """The rows :func:`encode_vectors` wrote; None for a missing or malformed value."""
    try:
        shape, payload = encoded.split(":", 1)
        rows, dims = (int(n) for n in shape.split("x"))
        data = np.frombuffer(base64.b64decode(payload), dtype=np.float16)
        return data.reshape(rows, dims).astype(np.float32)
    except (ValueError, AttributeError):
        return None
