"""Answers, source cards and articles as Markdown/HTML, every piece of text escaped.

Questions and articles may contain markup; it is always shown as text, never run.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from core.language import phrase
from core.types import LIST_ITEM, Answer, Citation, Passage
from ui.texts import text

SNIPPET_PREVIEW_CHARS = 240
CITED_ID = "cited-passage"
_LIST_LINE = LIST_ITEM


# "](", "]:" and "][" complete a Markdown link or image ("![x](http://…)" would make the
# browser fetch from outside), and "://" or "www." make the chat's Markdown turn a bare
# address into a link; an entity in their place shows the same text, inert.
_LINK_JOINTS = {
    "](": "]&#40;",
    "]:": "]&#58;",
    "][": "]&#91;",
    "://": "&#58;//",
    "www.": "www&#46;",
}


def escape(value: str) -> str:
    """Escape for HTML and Markdown alike (Markdown passes entities through): questions
    and articles are shown as text, and no image or link in them ever loads or opens."""
    escaped = html.escape(value, quote=True)
    for joint, inert in _LINK_JOINTS.items():
        escaped = escaped.replace(joint, inert)
    return escaped


def partial_markdown(text: str) -> str:
    """Answer text (whole or still streaming) for the chat bubble: escaped, [n] kept."""
    return escape(text).replace("\n", "  \n")


def answer_markdown(answer: Answer) -> str:
    """The answer body for the chat bubble, after the note on a fallback if there is one."""
    body = partial_markdown(answer.text)
    return f"*{escape(answer.note)}*\n\n{body}" if answer.note else body


def render_markdown(answer: Answer) -> str:
    """The answer with its sources, as one Markdown text (the ``/chat`` API's reply)."""
    body = escape(answer.text)
    if answer.note:
        body = f"*{escape(answer.note)}*\n\n{body}"
    shown, heading = (answer.citations, "sources")
    if not shown:  # a refusal lists the closest passages instead
        shown, heading = answer.closest, "closest"
    if not shown:
        return body
    lines = [body, "", f"**{phrase(answer.language, heading)}**", ""]
    for c in shown:
        preview = " ".join(c.snippet.split())
        if len(preview) > SNIPPET_PREVIEW_CHARS:
            preview = preview[:SNIPPET_PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"
        # Closest passages are not citations: the answer has no [n] that points at them.
        label = f"[{c.n}]" if heading == "sources" else "-"
        lines.append(f"{label} {escape(c.where)}  ")
        lines.append(f"> {escape(preview)}")
        lines.append("")
    return "\n".join(lines).rstrip()


def source_cards(citations: Sequence[Citation], ui_language: str, closest: bool = False) -> str:
    """One card per citation: number, title, publisher, language and the exact passage.

    ``closest``: the passages shown with a refusal, under a line that says so and
    without [n] numbers, since the refusal cites none of them.
    """
    if not citations:
        return f'<p class="hr-muted">{escape(text(ui_language, "no_sources"))}</p>'
    cards = []
    if closest:
        cards.append(f'<p class="hr-closest">{escape(text(ui_language, "closest_note"))}</p>')
    for c in citations:
        label = "–" if closest else f"[{c.n}]"
        meta = [text(ui_language, f"lang_{c.language}") if c.language else ""]
        if c.publisher:
            meta.append(f"{text(ui_language, 'publisher')}: {c.publisher}")
        cards.append(
            f'<div class="hr-card" data-n="{c.n}">'
            f'<div class="hr-card-head"><span class="hr-n">{label}</span> '
            f"<strong>{escape(c.title)}</strong></div>"
            f'<div class="hr-meta">{escape(" · ".join(m for m in meta if m))}'
            f"{' · ' + escape(c.section) if c.section and c.section != c.title else ''}</div>"
            f'<blockquote class="hr-snippet">{_blocks_html(c.snippet)}</blockquote>'
            "</div>"
        )
    return '<div class="hr-cards">' + "".join(cards) + "</div>"


def _blocks_html(passage_text: str) -> str:
    parts = []
    for block in passage_text.split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if lines and all(_LIST_LINE.match(ln) for ln in lines):
            items = "".join(f"<li>{escape(_LIST_LINE.sub('', ln))}</li>" for ln in lines)
            parts.append(f"<ul>{items}</ul>")
        elif lines:
            parts.append(f"<p>{escape(' '.join(ln.strip() for ln in lines))}</p>")
    return "".join(parts)


def article_html(passages: Sequence[Passage], highlight: str | None, ui_language: str) -> str:
    """The whole article, section by section; the cited passage marked for scrolling to."""
    if not passages:
        return ""
    first = passages[0]
    parts = [f'<article class="hr-article"><h3>{escape(first.title)}</h3>']
    meta = [text(ui_language, f"lang_{first.language}")] if first.language else []
    if first.publisher:
        meta.append(f"{text(ui_language, 'publisher')}: {first.publisher}")
    if meta:
        parts.append(f'<p class="hr-meta">{escape(" · ".join(meta))}</p>')
    section = first.title
    for passage in passages:
        if passage.section and passage.section != section:
            section = passage.section
            parts.append(f"<h4>{escape(section)}</h4>")
        body = _blocks_html(passage.text)
        if passage.chunk_id == highlight:
            label = escape(text(ui_language, "cited"))
            parts.append(f'<mark id="{CITED_ID}" class="hr-cited" title="{label}">{body}</mark>')
        else:
            parts.append(body)
    parts.append("</article>")
    return "".join(parts)


CSS = """
.hr-cards { display: grid; gap: 0.6rem; }
.hr-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.6rem; }
.hr-card-head { font-size: 1rem; }
.hr-n { color: var(--color-accent); font-weight: 600; }
.hr-meta, .hr-muted { color: var(--body-text-color-subdued); font-size: 0.85rem; }
.hr-snippet { margin: 0.4rem 0 0 0; padding-left: 0.6rem;
  border-left: 3px solid var(--color-accent); }
.hr-article { max-height: 60vh; overflow-y: auto; padding-right: 0.5rem; }
@media (max-width: 640px) {
  #hr-header { flex-wrap: wrap; }
  #hr-header > * { min-width: 100% !important; }
  #hr-title h1 { font-size: 1.5rem; }
}
mark.hr-cited { display: block; background: #fff3b0; color: #1a1a1a; border-radius: 4px;
  padding: 0.2rem 0.4rem; }
"""
