"""Accessibility, themes and the phone layout of the served chat, in real Chromium:
axe-core's rules, contrast measured from computed styles, names, sizes, the sheet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.ui.conftest import SCREENSHOTS
from tests.ui.test_browser import _is_local, ask, wait_until_saved

pytestmark = pytest.mark.integration

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 720}
DESKTOP = {"width": 1366, "height": 900}
WIDE = {"width": 1920, "height": 1080}
OUTSIDE: list[str] = []

# Contrast of an element's text against the first opaque background behind it (WCAG).
CONTRAST_JS = """
el => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
      : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  let bg = null;
  for (let e = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c.slice(0, 3); break; }
  }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(el).color).slice(0, 3);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def _open(browser: Any, url: str, *, locale: str, scheme: str, viewport: dict) -> Any:
    context = browser.new_context(
        locale=locale, color_scheme=scheme, viewport=viewport, has_touch=viewport == PHONE
    )
    page = context.new_page()
    page.on("request", lambda r: None if _is_local(r.url) else OUTSIDE.append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_selector("#question textarea")
    page.wait_for_timeout(800)  # the interface language and theme are applied after load
    _settle(page)
    return page


def _settle(page: Any) -> None:
    """Wait until no event is running: a pending block is dimmed under an overlay, and
    axe would judge that passing state instead of the page."""
    page.wait_for_function("() => !document.querySelector('.pending')")
    page.wait_for_timeout(300)


def _axe_findings(page: Any) -> list[tuple[str, str, list[Any]]]:
    """axe-core's serious and critical findings, "needs review" included, and headings
    out of order (moderate for axe, but a screen reader's outline of the page)."""
    from axe_playwright_python.sync_playwright import Axe

    _settle(page)
    response = Axe().run(page).response
    return [
        (kind, v["id"], [n["target"] for n in v["nodes"]][:3])
        for kind in ("violations", "incomplete")
        for v in response[kind]
        if v["impact"] in ("serious", "critical") or v["id"] == "heading-order"
    ]


@pytest.fixture(params=["light", "dark"])
def answered(request, browser, served) -> Iterator[Any]:
    """A Dutch page in either theme, with an answer and its cited passage opened."""
    page = _open(browser, served, locale="nl-NL", scheme=request.param, viewport=DESKTOP)
    ask(page, "Wat doet een HR-assistent?")
    page.locator("#chat .bot-row").last.locator("button.hr-cite").first.click()
    page.locator("#article-view mark#cited-passage").wait_for(state="visible")
    page.screenshot(path=str(SCREENSHOTS / f"desktop-{request.param}.png"))
    yield page
    page.context.close()


def test_axe_finds_nothing_serious_with_an_answer_and_its_article(answered):
    assert _axe_findings(answered) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_with_each_citation_preview_open(browser, served, scheme):
    # An open preview lay over the answer's text inside the chat's scroll box, where axe
    # could not tell what is behind it ("needs review" color-contrast, from the 4th
    # source's preview of a long answer on).
    page = _open(browser, served, locale="nl-NL", scheme=scheme, viewport=DESKTOP)
    try:
        ask(page, "Wat doet een HR-assistent?")
        _settle(page)  # the suggestions come after the answer, and the chat makes room
        markers = page.locator("#chat .bot-row").last.locator("button.hr-cite")
        found = []
        for n in range(markers.count()):
            markers.nth(n).hover()
            page.locator('[role="tooltip"]:visible').wait_for(state="visible")
            found += [(f"[{n + 1}] previewed", *f) for f in _axe_findings(page)]
        assert markers.count() >= 2 and found == []
    finally:
        page.context.close()


def test_axe_finds_nothing_serious_on_an_empty_chat_or_a_phone(browser, served):
    found = []
    page = _open(browser, served, locale="nl-NL", scheme="light", viewport=DESKTOP)
    found += [("desktop, empty", *f) for f in _axe_findings(page)]
    page.context.close()
    page = _open(browser, served, locale="nl-NL", scheme="light", viewport=PHONE)
    try:
        found += [("phone, empty", *f) for f in _axe_findings(page)]
        ask(page, "Wat doet een HR-assistent?")
        found += [("phone, answered", *f) for f in _axe_findings(page)]
        page.locator("#chat .bot-row").last.locator("button.hr-cite").first.click()
        page.locator("#article-view mark#cited-passage").wait_for(state="visible")
        found += [("phone, article open", *f) for f in _axe_findings(page)]
    finally:
        page.context.close()
    assert found == []


# What a screen reader announces for each message: Gradio's aria-label (its raw content,
# markup and tooltips included) if one is left, else the text itself.
MESSAGE_NAMES_JS = """
() => [...document.querySelectorAll('#chat [data-testid="bot"], #chat [data-testid="user"]')]
  .map(m => m.getAttribute('aria-label'))
"""


def test_a_message_is_named_by_its_text_not_its_markup(browser, served):
    page = _open(browser, served, locale="en-GB", scheme="light", viewport=DESKTOP)
    try:
        ask(page, "What does an HR Generalist do?")
        ask(page, "And an HR Manager?")
        for _ in range(2):  # as answered, and as restored after a reload
            names = page.evaluate(MESSAGE_NAMES_JS)
            assert len(names) == 4
            for name in names:
                assert name is None or "<" not in name, name[:200]
            wait_until_saved(page)
            page.reload(wait_until="load")
            page.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length == 2")
            _settle(page)
    finally:
        page.context.close()


def test_highlight_metadata_and_links_meet_aa_contrast(answered):
    checked = {
        "highlighted passage": "#article-view mark#cited-passage p, #article-view mark li",
        "card metadata": "#sources .hr-meta",
        "[n] in an answer": "#chat button.hr-cite",
        "open in the article": "#sources .hr-card-open",
        "send button": "#send",
    }
    for what, selector in checked.items():
        ratio = answered.locator(selector).first.evaluate(CONTRAST_JS)
        assert ratio >= 4.5, f"{what}: contrast {ratio:.2f}"


def test_names_language_and_no_gradio_extras(browser, served):
    page = _open(browser, served, locale="nl-NL", scheme="light", viewport=DESKTOP)
    try:
        assert page.get_by_role("textbox", name="Je vraag").count() == 1
        assert page.evaluate("document.documentElement.lang") == "nl"
        page.locator("#ui-language label", has_text="English").click()
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        assert page.get_by_role("textbox", name="Your question").count() == 1
        unnamed = page.evaluate(
            "() => [...document.querySelectorAll('button')].filter(b => b.offsetParent"
            " && !(b.getAttribute('aria-label') || b.innerText.trim() || b.title)).length"
        )
        assert unnamed == 0
        assert page.get_by_role("button", name="Share").count() == 0
        assert page.locator("footer").filter(has_text="Settings").count() == 0
    finally:
        page.context.close()


def test_the_theme_toggle_is_remembered(browser, served):
    page = _open(browser, served, locale="en-GB", scheme="light", viewport=DESKTOP)
    try:
        assert not page.evaluate("document.body.classList.contains('dark')")
        page.locator("#theme-toggle").click()
        assert page.evaluate("document.body.classList.contains('dark')")
        page.reload(wait_until="load")
        page.wait_for_selector("#question textarea")
        page.wait_for_function("() => document.body.classList.contains('dark')")
    finally:
        page.context.close()


def test_on_a_phone_everything_fits_and_a_source_opens_as_a_sheet(browser, served):
    page = _open(browser, served, locale="nl-NL", scheme="light", viewport=PHONE)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        sidebar_open = page.evaluate(
            "document.getElementById('chat-sidebar').classList.contains('open')"
        )
        assert not sidebar_open, "the chat list starts closed on a phone"
        box = page.locator("#question textarea")
        assert box.evaluate("b => getComputedStyle(b).fontSize") == "16px"  # no iOS zoom
        assert box.bounding_box()["y"] + 40 < PHONE["height"], "the box is on screen"
        page.screenshot(path=str(SCREENSHOTS / "phone-empty.png"))
        ask(page, "Wat doet een HR-assistent?")
        small = page.evaluate(
            "() => [...document.querySelectorAll('#chat button')].filter(b => b.offsetParent)"
            ".map(b => b.getBoundingClientRect()).filter(r => r.width < 24 || r.height < 24)"
            ".length"
        )
        assert small == 0, "chat buttons are at least 24 × 24 px"
        page.locator("#chat .bot-row").last.locator("button.hr-cite").first.click()
        sheet = page.locator("#article-view")
        page.locator("#article-view mark#cited-passage").wait_for(state="visible")
        viewer = sheet.locator(".hr-viewer")
        assert viewer.evaluate("s => getComputedStyle(s).position") == "fixed"
        page.screenshot(path=str(SCREENSHOTS / "phone-source-sheet.png"))
        page.locator("#article-view .hr-close").click()
        sheet.wait_for(state="hidden")
        page.locator("button[role='tab']", has_text="Artikelen").click()
        page.locator("#articles-table").wait_for(state="visible")
        # Each cell says which column it is: no column is hidden off screen.
        labels = page.locator("#articles-table tbody tr").first.evaluate(
            "tr => [...tr.cells].map(td => getComputedStyle(td, '::before').content)"
        )
        assert labels == ['"Titel: "', '"Taal: "', '"Passages: "', '"Laatst ingelezen: "']
        page.screenshot(path=str(SCREENSHOTS / "phone-articles.png"), full_page=True)
    finally:
        page.context.close()


# Before any scrolling: does the card lie within the panel and the window, side to side?
# A card wrapped into a second column of the panel lies beside it, where nobody looks.
CARD_IN_COLUMN_JS = """
card => {
  const r = card.getBoundingClientRect();
  const p = document.getElementById('source-panel').getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.left >= Math.max(p.left, 0) - 1
    && r.right <= Math.min(p.right, innerWidth) + 1;
}
"""
# After scrolling the card into view: is its heading on screen and not clipped or covered?
CARD_SEEN_JS = """
card => {
  const r = card.querySelector('.hr-card-head').getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (x < 0 || x > innerWidth || y < 0 || y > innerHeight) return false;
  const hit = document.elementFromPoint(x, y);
  return !!hit && card.contains(hit);
}
"""


@pytest.mark.parametrize(
    "viewport", [LAPTOP, DESKTOP, WIDE, PHONE], ids=["1280x720", "1366x900", "1920x1080", "phone"]
)
def test_every_source_card_of_the_latest_answer_can_be_seen(browser, served, viewport):
    page = _open(browser, served, locale="en-GB", scheme="light", viewport=viewport)
    try:
        ask(page, "How does People Operations differ from HR?")
        cards = page.locator("#sources .hr-card")
        assert cards.count() >= 2, "an answer with several sources"
        for n in range(cards.count()):
            assert cards.nth(n).evaluate(CARD_IN_COLUMN_JS), f"card {n + 1} is beside the panel"
        for n in range(cards.count()):
            cards.nth(n).scroll_into_view_if_needed()
            assert cards.nth(n).evaluate(CARD_SEEN_JS), f"card {n + 1} cannot be seen"
        size = f"{viewport['width']}x{viewport['height']}"
        page.evaluate(
            "() => { scrollTo(0, 0); document.getElementById('source-panel').scrollTo(0, 0); }"
        )
        page.screenshot(path=str(SCREENSHOTS / f"sources-{size}.png"), full_page=viewport == PHONE)
        page.locator("#theme-toggle").click()
        page.wait_for_timeout(500)  # colours change with a transition
        page.screenshot(
            path=str(SCREENSHOTS / f"sources-{size}-dark.png"), full_page=viewport == PHONE
        )
    finally:
        page.context.close()


def test_these_pages_requested_nothing_outside_the_machine():
    assert OUTSIDE == []
