"""Answers, source cards and articles as HTML for the page, every piece of text escaped,
and as plain Markdown text for the ``/chat`` API.

Questions and articles may contain markup; the page always shows it as text, never runs it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import groupby
from urllib.parse import urlsplit

from core.language import LANGUAGES, phrase
from core.types import LIST_ITEM, Answer, Citation, Passage
from ui.texts import Status, text, utc_time

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


def status_markdown(language: str, status: Status) -> str:
    """A status line in ``language``: its paragraphs, those of plain text escaped."""
    return "\n\n".join(escape(line(language)) if line.plain else line(language) for line in status)


def answer_html(text: str, note: str = "") -> str:
    """Answer text (whole or still streaming) for the chat bubble, after the note on a
    fallback if there is one: escaped, [n] kept, each paragraph a <p> and each run of
    list lines a list of its own. As Markdown, the lists of paragraphs in a row would
    join into one, with the [n] of one paragraph in the middle of it."""
    blocks = [f"<p><em>{escape(note)}</em></p>"] if note else []
    for paragraph in text.split("\n\n"):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        for kind, run in groupby(lines, key=_line_kind):
            if kind == "p":
                blocks.append(f"<p>{'<br>'.join(escape(line) for line in run)}</p>")
            else:
                items = "".join(f"<li>{escape(_LIST_LINE.sub('', line))}</li>" for line in run)
                blocks.append(f"<{kind}>{items}</{kind}>")
    return "".join(blocks)


def _line_kind(line: str) -> str:
    """The HTML element a line of an answer belongs in: a bulleted or numbered list
    (``ul``, ``ol``) or a paragraph (``p``)."""
    marker = _LIST_LINE.match(line)
    if not marker:
        return "p"
    return "ol" if marker.group(0).strip()[0].isdigit() else "ul"


# A class that carries a passage's chunk id into the chat bubble: Gradio's sanitiser keeps
# class names but drops data- and aria- attributes, so the id travels hex-encoded there
# and the page's script (``PAGE_JS``) decodes it when a [n] or a source is activated.
OPEN_CLASS_PREFIX = "hr-src-"
_MARKER = re.compile(r"\[(\d+)\]")


def open_class(chunk_id: str) -> str:
    """The classes that make an element open ``chunk_id``'s passage when activated."""
    return f"hr-open {OPEN_CLASS_PREFIX}{chunk_id.encode().hex()}"


def chunk_of_open_class(value: str) -> str | None:
    """The chunk id that :func:`open_class` encoded (None for anything else)."""
    try:
        return bytes.fromhex(value.removeprefix(OPEN_CLASS_PREFIX)).decode()
    except ValueError:
        return None


def _preview(snippet: str) -> str:
    preview = " ".join(snippet.split())
    if len(preview) > SNIPPET_PREVIEW_CHARS:
        preview = preview[:SNIPPET_PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"
    return preview


def _cite_button(citation: Citation) -> str:
    """[n] as a button: hovering or focusing shows the passage, activating opens it."""
    return (
        f'<button type="button" class="hr-cite {open_class(citation.chunk_id)}">[{citation.n}]'
        f'<span class="hr-tip" role="tooltip"><strong>{escape(citation.where)}</strong> '
        f"“{escape(_preview(citation.snippet))}”</span></button>"
    )


# The words a bubble puts around an answer ("Sources (3)", "Copy with sources") are
# written in every interface language, each in a span of its language's class, and the
# page's CSS shows the one of the page's language (``html[lang]``, see
# :func:`language_css`). A switch then takes no re-render, which would send the whole
# chat back for a few words and race an answer still streaming in (its handler writes
# the chat it holds, and would end it in the old language); answers restored after a
# reload, or from a saved chat, need no language either. Data attributes would let the
# page script swap the words, but Gradio's sanitiser drops them; classes it keeps.
LANGUAGE_CLASS_PREFIX = "hr-lang-"


def in_every_language(key: str, **values: object) -> str:
    """The interface text ``key`` in each language, as spans of which the page shows the
    one of its language."""
    return "".join(
        f'<span class="{LANGUAGE_CLASS_PREFIX}{language}">'
        f"{escape(text(language, key, **values))}</span>"
        for language in LANGUAGES
    )


def language_css() -> str:
    """The rule that hides every language's words but the page's (English when the page
    says another language): see :func:`in_every_language`."""
    others = [language for language in LANGUAGES if language != "en"]
    hidden = [
        f'html:not([lang="{language}"]) .{LANGUAGE_CLASS_PREFIX}{language}' for language in others
    ]
    hidden += [f'html[lang="{language}"] .{LANGUAGE_CLASS_PREFIX}en' for language in others]
    return ", ".join(hidden) + " { display: none !important; }"


def answer_bubble(answer: Answer) -> str:
    """The answer as the chat keeps it: every [n] a button to its own passage, then the
    answer's numbered sources (or a refusal's closest passages) and a copy button, their
    words in every interface language (:func:`in_every_language`).

    The bubble carries its sources itself, so an earlier answer's [n] keeps pointing at
    its own passages whatever is asked next, and survives a reload of the chat.
    """
    by_n = {c.n: c for c in answer.citations}

    def linked(match: re.Match[str]) -> str:
        citation = by_n.get(int(match.group(1)))
        return _cite_button(citation) if citation else match.group(0)

    body = _MARKER.sub(linked, answer_html(answer.text))
    if answer.note:
        body = f"<p><em>{escape(answer.note)}</em></p>{body}"
    shown, heading = answer.citations, "answer_sources"
    if not shown:
        shown, heading = answer.closest, "answer_closest"
    items = "".join(
        f'<li><span class="hr-n">{f"[{c.n}]" if answer.citations else "–"}</span> '
        f'<button type="button" class="hr-source-link {open_class(c.chunk_id)}">'
        f"{escape(c.where)}</button>: “{escape(' '.join(c.snippet.split()))}”"
        f"{_translation_line(c)}</li>"
        for c in shown
    )
    sources = (
        f'<details class="hr-bubble-sources"><summary>{in_every_language(heading)} '
        f"({len(shown)})</summary><ul>{items}</ul></details>"
        if shown
        else ""
    )
    copy = f'<button type="button" class="hr-copy">{in_every_language("copy")}</button>'
    return f"{body}\n\n{sources}{copy}"


def _translation_line(citation: Citation) -> str:
    """A bubble's source line's machine translation, marked in every interface language
    and escaped like the article text it translates ("" when there is none)."""
    if not citation.translation:
        return ""
    words = escape(" ".join(citation.translation.split()))
    return (
        f' <span class="hr-translation"><em>{in_every_language("machine_translation")}</em> '
        f"{words}</span>"
    )


def render_markdown(answer: Answer) -> str:
    """The answer with its sources, as one Markdown text (the ``/chat`` API's reply).

    The text as written, not escaped: the API's caller gets "don't", not "don&#x27;t".
    Escaping belongs to whatever shows it as HTML, as the page does (:func:`answer_bubble`).
    """
    body = answer.text
    if answer.note:
        body = f"*{answer.note}*\n\n{body}"
    shown, heading = (answer.citations, "sources")
    if not shown:  # a refusal lists the closest passages instead
        shown, heading = answer.closest, "closest"
    if not shown:
        return body
    lines = [body, "", f"**{phrase(answer.language, heading)}**", ""]
    for c in shown:
        preview = _preview(c.snippet)
        # Closest passages are not citations: the answer has no [n] that points at them.
        label = f"[{c.n}]" if heading == "sources" else "-"
        published = f" ({c.url})" if _web_host(c.url) else ""  # where it was published
        lines.append(f"{label} {c.where}{published}  ")
        lines.append(f"> {preview}")
        if c.translation:
            label = phrase(answer.language, "machine_translation")
            lines.extend([">", f"> *{label}* {_preview(c.translation)}"])
        lines.append("")
    return "\n".join(lines).rstrip()


def source_cards(
    citations: Sequence[Citation],
    ui_language: str,
    closest: bool = False,
    ingested: Mapping[str, datetime] | None = None,
) -> str:
    """One card per citation: number, title, language, publisher, a link to the page it
    was published on (when known), when its article was last ingested (when known) and
    the exact passage.

    ``closest``: the passages shown with a refusal, under a line that says so and
    without [n] numbers, since the refusal cites none of them.
    ``ingested``: when each article (by id) was last ingested; one missing shows none.
    """
    if not citations:
        return f'<p class="hr-muted">{escape(text(ui_language, "no_sources"))}</p>'
    cards = []
    if closest:
        cards.append(f'<p class="hr-closest">{escape(text(ui_language, "closest_note"))}</p>')
    for c in citations:
        label = "–" if closest else f"[{c.n}]"
        section = c.section if c.section != c.title else ""
        stamp = (ingested or {}).get(c.source)
        meta = _meta_line(c.language, c.publisher, c.url, section, ui_language, stamp)
        cards.append(
            f'<div class="hr-card" data-n="{int(c.n)}">'
            f'<div class="hr-card-head"><span class="hr-n">{label}</span> '
            f"<strong>{escape(c.title)}</strong></div>"
            f'<div class="hr-meta">{meta}</div>'
            f'<blockquote class="hr-snippet">{_blocks_html(c.snippet)}</blockquote>'
            f"{_translation_card(c, ui_language)}"
            f'<button type="button" class="hr-card-open {open_class(c.chunk_id)}">'
            f"{escape(text(ui_language, 'open_in_article'))}</button>"
            "</div>"
        )
    return '<div class="hr-cards">' + "".join(cards) + "</div>"


def _translation_card(citation: Citation, ui_language: str) -> str:
    """A card's machine translation, below the exact passage and marked as such."""
    if not citation.translation:
        return ""
    label = escape(text(ui_language, "machine_translation"))
    return (
        f'<div class="hr-translation"><p class="hr-translation-label">{label}</p>'
        f"{_blocks_html(citation.translation)}</div>"
    )


def _web_host(url: str) -> str:
    """The host of an http(s) ``url`` ("www.prospects.ac.uk"), or "" for anything else.

    Ingest keeps only such addresses (``ingest.loaders.web_address``), but a store written
    before that check, or a saved chat edited in the browser, may hold any text: a
    "javascript:" address must never become a link. The host is the one the browser
    goes to (no user name, password or port: "https://a.example@b.example/" shows
    "b.example")."""
    if not url[:8].lower().startswith(("http://", "https://")) or any(
        c.isspace() or ord(c) < 32 for c in url
    ):
        return ""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return ""
    return host or ""


def origin_link(url: str, ui_language: str) -> str:
    """A link to the page an article was published on, named by its host; "" when
    ``url`` is empty or not an http(s) address. It opens in a new tab, without telling
    that page where the visitor came from or giving it a handle on this one."""
    host = _web_host(url)
    if not host:
        return ""
    label = escape(text(ui_language, "original_page", host=host))
    return (
        f'<a class="hr-origin" href="{escape(url)}" target="_blank" '
        f'rel="noopener noreferrer" title="{label}" aria-label="{label}">{escape(host)}</a>'
    )


def _meta_line(
    language: str,
    publisher: str,
    url: str,
    section: str,
    ui_language: str,
    ingested: datetime | None = None,
) -> str:
    """A card's or an article's meta line, as HTML: language, publisher, a link to the
    original page, when the article was last ingested and (for a card) the passage's
    section, " · " between them."""
    parts = [escape(text(ui_language, f"lang_{language}"))] if language else []
    if publisher:
        parts.append(escape(f"{text(ui_language, 'publisher')}: {publisher}"))
    if link := origin_link(url, ui_language):
        parts.append(link)
    if ingested is not None:
        parts.append(escape(text(ui_language, "ingested_at", time=utc_time(ingested))))
    if section:
        parts.append(escape(section))
    return " · ".join(parts)


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


def viewer_html(
    passages: Sequence[Passage],
    highlight: str,
    ui_language: str,
    ingested: datetime | None = None,
) -> str:
    """The article that a [n] or a source card opened: its title and Close above the
    article, which scrolls in a box of its own, so that both stay in view while the
    page's script scrolls that box to the cited passage. ``ingested``: see
    :func:`article_html`."""
    if not passages:
        return ""
    title = escape(passages[0].title)
    close = escape(text(ui_language, "close"))
    return (
        f'<section class="hr-viewer" aria-label="{title}">'
        f'<div class="hr-viewer-head"><h2>{title}</h2>'
        f'<button type="button" class="hr-close">{close}</button></div>'
        f"{article_html(passages, highlight, ui_language, heading=False, ingested=ingested)}"
        "</section>"
    )


def article_html(
    passages: Sequence[Passage],
    highlight: str | None,
    ui_language: str,
    heading: bool = True,
    ingested: datetime | None = None,
) -> str:
    """The whole article, section by section; the cited passage marked for scrolling to.
    ``heading``: with the title (the viewer shows it above the article instead).
    ``ingested``: when the article was last ingested, shown in its meta line (None: not
    shown)."""
    if not passages:
        return ""
    first = passages[0]
    # Focusable: a keyboard user can scroll the article (it scrolls inside its box).
    parts = [f'<article class="hr-article" tabindex="0" aria-label="{escape(first.title)}">']
    if heading:
        parts.append(f"<h2>{escape(first.title)}</h2>")
    if meta := _meta_line(first.language, first.publisher, first.url, "", ui_language, ingested):
        parts.append(f'<p class="hr-meta">{meta}</p>')
    section = first.title
    for passage in passages:
        if passage.section and passage.section != section:
            section = passage.section
            parts.append(f"<h3>{escape(section)}</h3>")
        body = _blocks_html(passage.text)
        if passage.chunk_id == highlight:
            label = escape(text(ui_language, "cited"))
            parts.append(f'<mark id="{CITED_ID}" class="hr-cited" title="{label}">{body}</mark>')
        else:
            parts.append(body)
    parts.append("</article>")
    return "".join(parts)


def table_html(headers: Sequence[str], rows: Sequence[Sequence[object]], caption: str) -> str:
    """A table whose cells carry their column name, so a phone can show each row as a
    small card (see ``CSS``) instead of scrolling sideways."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-label="{escape(h)}">{escape(str(cell))}</td>'
            for h, cell in zip(headers, row, strict=False)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="hr-table"><caption class="hr-sr-only">{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


CSS = """
.hr-cards { display: grid; gap: 0.6rem; }
.hr-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.6rem; }
.hr-card-head { font-size: 1rem; }
.hr-n { color: var(--body-text-color); font-weight: 700; }
.hr-meta, .hr-muted, .hr-closest { color: var(--body-text-color); opacity: 0.85;
  font-size: 0.9rem; }
.hr-snippet { margin: 0.4rem 0 0 0; padding-left: 0.6rem;
  border-left: 3px solid var(--color-accent); }
/* A machine translation, below the passage it translates and marked as such. */
.hr-translation { display: block; margin: 0.3rem 0 0 0; padding-left: 0.6rem;
  border-left: 3px dashed var(--border-color-primary); }
.hr-translation-label { margin: 0; font-weight: 600; font-size: 0.9rem; }
.hr-article h2 { font-size: 1.2rem; margin: 0.2rem 0; }
.hr-article h3 { font-size: 1.05rem; }
.hr-article { max-height: 60vh; overflow-y: auto; padding-right: 0.5rem; }
/* [n] in an answer: a button whose preview shows on hover and on keyboard focus. */
button.hr-cite { position: relative; display: inline-block; min-width: 24px; min-height: 24px;
  padding: 0 0.15rem; border: 0; border-radius: 4px; background: transparent; cursor: pointer;
  font-weight: 700; color: #1d4ed8; text-decoration: underline; }
.dark button.hr-cite { color: #93c5fd; }
button.hr-cite:focus-visible, .hr-open:focus-visible, .hr-copy:focus-visible {
  outline: 2px solid #1d4ed8; outline-offset: 2px; }
/* Its preview is shown by the page's script in one tooltip on top of the page, over the
   chat's messages (page.js): inside the chat's scroll box it was cut off at the edge. */
.hr-tip { display: none !important; }
.hr-tip-layer { position: fixed; z-index: 900; width: 22rem; max-width: 80vw;
  padding: 0.5rem 0.6rem; border: 1px solid #4b5563; border-radius: 6px; text-align: left;
  font: 400 0.9rem/1.45 ui-sans-serif, system-ui, sans-serif; white-space: normal;
  background: #111827; color: #f9fafb; box-shadow: 0 4px 14px rgba(0,0,0,.3); }
.hr-tip-layer[hidden] { display: none; }
.hr-tip-layer * { color: #f9fafb; }
.hr-tip-body { display: -webkit-box; -webkit-box-orient: vertical; overflow: hidden; }
/* Gradio lifts the chat's "scroll down" arrow to the top layer of the page: kept within
   the chat, it stays under the preview. */
#chat { isolation: isolate; }
.hr-bubble-sources { margin-top: 0.5rem; font-size: 0.92rem; }
.hr-bubble-sources ul { list-style: none; padding-left: 0; margin: 0.3rem 0; }
.hr-bubble-sources li { margin: 0.25rem 0; }
.hr-source-link, .hr-card-open { border: 0; padding: 0; background: none; cursor: pointer;
  color: #1d4ed8; text-decoration: underline; font: inherit; text-align: left; }
.dark .hr-source-link { color: #93c5fd; }
.dark .hr-card-open { color: #93c5fd; }
.hr-meta a.hr-origin { color: #1d4ed8; text-decoration: underline; }
.dark .hr-meta a.hr-origin { color: #93c5fd; }
.hr-meta a.hr-origin:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 2px; }
.dark .hr-meta a.hr-origin:focus-visible { outline-color: #93c5fd; }
.hr-card-open { margin-top: 0.4rem; min-height: 24px; }
/* The article viewer: its title and Close above the article, which scrolls on its own. */
#article-view.hr-closed { display: none; }
.hr-viewer-head { display: flex; align-items: flex-start; gap: 0.6rem; margin-bottom: 0.4rem;
  padding-bottom: 0.4rem; border-bottom: 1px solid var(--border-color-primary); }
.hr-viewer-head h2 { flex: 1; font-size: 1.2rem; margin: 0.2rem 0; }
.hr-viewer-head .hr-close { flex: none; margin-top: 0; }
mark.hr-cited:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 2px; }
.dark mark.hr-cited:focus-visible { outline-color: #93c5fd; }
.hr-copy, .hr-close { margin-top: 0.4rem; min-height: 28px; padding: 0.15rem 0.6rem;
  border: 1px solid var(--border-color-primary); border-radius: 6px; cursor: pointer;
  background: var(--background-fill-primary); color: var(--body-text-color); font: inherit; }
/* The panel scrolls as one column: Gradio's columns wrap, and the cards would wrap into a
   second column beside the panel, out of sight. */
#source-panel { position: sticky; top: 0.5rem; align-self: flex-start; max-height: 96vh;
  overflow-y: auto; flex-wrap: nowrap; }
#source-panel > * { flex-shrink: 0; }
/* Beside the sources, the chat takes the window's height less what is around it: a
   1280x720 laptop shows the question box and Send without scrolling, and what grows
   under the chat (a second row of suggestions, a longer question) takes from it. */
@media (min-width: 641px) {
  #chat-column { min-height: calc(100dvh - 8rem); }
  #chat { flex: 1 1 0; height: auto !important; min-height: 240px; }
}
#question textarea { font-size: 16px; }
#send { color: #fff; background: #1d4ed8; }
#chat button { min-width: 24px; min-height: 24px; }
mark.hr-cited, mark.hr-cited * { display: block; background: #fff3b0; color: #1a1a1a !important;
  border-radius: 4px; padding: 0.2rem 0.4rem; }
.dark mark.hr-cited { background: #4a3b00; color: #fffbe6 !important; }
.dark mark.hr-cited * { background: #4a3b00; color: #fffbe6 !important; }
/* Gradio dims a bot message to 80 %: the [n] links would fall under AA contrast. */
#chat .message-content .prose { opacity: 1; }
mark.hr-cited p, mark.hr-cited ul { padding: 0; margin: 0.2rem 0; }
.hr-table { width: 100%; border-collapse: collapse; font-size: 0.92rem; }
.hr-table th, .hr-table td { text-align: left; padding: 0.35rem 0.5rem;
  border-bottom: 1px solid var(--border-color-primary); vertical-align: top; }
.hr-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
/* The saved chats that the search leaves out (page.js): Gradio's labels are flex boxes. */
#chat-list label[hidden] { display: none !important; }
/* Its "no chat matches" line takes no room while empty; a live region, it stays drawn. */
#chat-search-none { margin-top: calc(-1 * var(--layout-gap, 16px)); }
#chat-search-none .html-container { padding: 0; }
.hr-chat-none { margin: 0; }
.hr-chat-none:not(:empty) { margin-top: 0.5rem; }
/* The page's outline is h1, then h2 per area: these two look as they did as h3. */
#chats-title h2, #sources-title h2 { font-size: 1rem; font-weight: 600; margin: 0 0 0.5rem; }
/* Gradio's selected tab is orange text (2.8:1 on white) over a pseudo-element underline
   axe cannot see through: darker text, and the underline drawn as a shadow. */
button[role="tab"].selected { color: #c2410c; box-shadow: inset 0 -2px 0 var(--color-accent); }
.dark button[role="tab"].selected { color: #fdba74; }
button[role="tab"].selected::after, .tab-container::after { display: none; }
.tab-container { border-bottom: 1px solid var(--border-color-primary); }
@media (max-width: 640px) {
  .hr-table thead { display: none; }
  .hr-table tr { display: block; padding: 0.4rem 0;
    border-bottom: 1px solid var(--border-color-primary); }
  .hr-table td { display: block; border: 0; padding: 0.1rem 0.2rem; }
  .hr-table td::before { content: attr(data-label) ": "; font-weight: 600; }
  #chat { height: 45vh !important; max-height: 45vh !important; }
  #hr-header { flex-wrap: wrap; }
  #hr-header > * { min-width: 100% !important; }
  #hr-title h1 { font-size: 1.5rem; }
  /* Under the chat on a phone: the page scrolls, not a box inside it. */
  #source-panel { position: static; max-height: none; overflow: visible; }
  /* On a phone an opened article is a sheet over the whole screen; the page under it is
     hidden, from the eye, the keyboard and screen readers alike. */
  #article-view:not(.hr-closed) .hr-viewer { position: fixed; inset: 0; z-index: 1100;
    display: flex; flex-direction: column; padding: 0.8rem; visibility: visible;
    background: var(--background-fill-primary); }
  /* Its own background: axe judges the text of a scrolled box against the box's. */
  #article-view .hr-viewer .hr-article { flex: 1 1 auto; min-height: 0; max-height: none;
    background: var(--background-fill-primary); }
  /* (Gradio puts ".gradio-container .contain" before each rule in here: the columns
     around the sheet are hidden, not the body's content.) */
  .column:has(#article-view:not(.hr-closed) .hr-viewer) { visibility: hidden; }
}
"""
# The words of an answer in the page's language only (see in_every_language).
CSS += language_css() + "\n"
