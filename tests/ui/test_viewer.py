"""The article viewer, the chat's height and the [n] previews in real Chromium (issue
26, defects 4 and 5): what a laptop, a desktop and a phone show, by mouse and keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.conftest import SCREENSHOTS
from tests.ui.test_accessibility import DESKTOP, LAPTOP, PHONE, _open, _settle
from tests.ui.test_browser import ask

pytestmark = pytest.mark.integration


def test_a_laptop_shows_the_question_box_and_send_without_scrolling(browser, served):
    page = _open(browser, served, locale="en-GB", scheme="light", viewport=LAPTOP)
    try:
        for state in ("empty", "answered"):
            if state == "answered":
                ask(page, "What does an HR Generalist do?")
                page.locator("#suggestion-0").wait_for(state="visible")
                _settle(page)
            assert page.evaluate("scrollY") == 0, state
            for what in ("#question textarea", "#send"):
                box = page.locator(what).bounding_box()
                assert box["y"] + box["height"] <= LAPTOP["height"], (state, what, box)
        page.screenshot(path=str(SCREENSHOTS / "laptop-fits-1280x720.png"))
    finally:
        page.context.close()


# Is all of the element on screen, each corner its own (not clipped by a box around it)?
WHOLLY_SEEN_JS = """
el => {
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth)
    return false;
  return [[r.left + 3, r.top + 3], [r.right - 3, r.top + 3], [r.left + 3, r.bottom - 3],
          [r.right - 3, r.bottom - 3]].every(([x, y]) => {
    const hit = document.elementFromPoint(x, y);
    return !!hit && (el === hit || el.contains(hit));
  });
}
"""
TOOLTIP = '[role="tooltip"]:visible'
SIZES = {"1280x720": LAPTOP, "1366x900": DESKTOP, "390x844": PHONE}


@pytest.mark.parametrize("size", ["1280x720", "390x844"])
def test_no_preview_is_clipped_by_the_chats_scroll_box(browser, served, size):
    page = _open(browser, served, locale="en-GB", scheme="light", viewport=SIZES[size])
    try:
        ask(page, "What does an HR Manager do?")
        _settle(page)  # the suggestions come after the answer, and the chat makes room
        markers = page.locator("#chat .bot-row").last.locator("button.hr-cite")
        assert markers.count() >= 2
        clipped = []
        for n in range(markers.count()):
            markers.nth(n).hover()
            tip = page.locator(TOOLTIP)
            tip.wait_for(state="visible")
            if not tip.evaluate(WHOLLY_SEEN_JS):
                clipped.append(n + 1)
                page.screenshot(path=str(SCREENSHOTS / f"preview-clipped-{size}-{n + 1}.png"))
        assert clipped == [], f"the previews of these [n] are cut off: {clipped}"
    finally:
        page.context.close()


# Is the element's first line on screen, and not covered or clipped by anything else?
SEEN_JS = """
el => {
  const r = el.getBoundingClientRect();
  const x = r.left + Math.min(r.width / 2, 40), y = r.top + Math.min(r.height / 2, 10);
  if (r.width < 1 || r.height < 1 || x < 0 || y < 0 || x > innerWidth || y > innerHeight)
    return false;
  const hit = document.elementFromPoint(x, y);
  return !!hit && (el === hit || el.contains(hit));
}
"""
# Points all over the window: does each one show the phone's article sheet?
COVERED_JS = """
() => {
  const sheet = document.getElementById('article-view');
  const missed = [];
  for (let x = 5; x < innerWidth; x += 40)
    for (let y = 5; y < innerHeight; y += 40) {
      const hit = document.elementFromPoint(x, y);
      if (!hit || !sheet.contains(hit)) missed.push([x, y, hit ? hit.tagName : null]);
    }
  return missed.slice(0, 5);
}
"""
# The element that has the keyboard focus: inside the viewer's cited passage?
FOCUS_AT_PASSAGE_JS = """
() => { const mark = document.getElementById('cited-passage'), active = document.activeElement;
        return !!mark && !!active && (mark === active || mark.contains(active)); }
"""


def _last_marker(page: Any) -> Any:
    """The last [n] of the latest answer (its passage lies far down in the article)."""
    return page.locator("#chat .bot-row").last.locator("button.hr-cite").last


def _opened(page: Any) -> Any:
    """Wait until the cited passage is shown and the viewer has settled on it."""
    mark = page.locator("#article-view mark#cited-passage")
    mark.wait_for(state="visible")
    _settle(page)
    return mark


def _focus_is_on(page: Any, marker: Any) -> bool:
    """Does the keyboard focus lie on ``marker`` (or on its copy, if Gradio redrew it)?"""
    opener = next(c for c in marker.get_attribute("class").split() if c.startswith("hr-src-"))
    return bool(
        page.evaluate(
            "cls => document.activeElement?.classList.contains('hr-cite')"
            " && document.activeElement.classList.contains(cls)",
            opener,
        )
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_an_opened_citation_shows_its_title_close_and_passage(browser, served, size, scheme):
    viewport = SIZES[size]
    page = _open(browser, served, locale="en-GB", scheme=scheme, viewport=viewport)
    try:
        ask(page, "What does an HR Generalist do?")
        _last_marker(page).click()
        mark = _opened(page)
        seen = {
            "Close": page.locator("#article-view .hr-close").evaluate(SEEN_JS),
            "title": page.locator("#article-view h2").first.evaluate(SEEN_JS),
            "passage": mark.evaluate(SEEN_JS),
        }
        page.screenshot(path=str(SCREENSHOTS / f"viewer-{size}-{scheme}.png"))
        assert seen == {"Close": True, "title": True, "passage": True}
        if viewport == PHONE:
            assert page.evaluate(COVERED_JS) == [], "the page shows beside the sheet"
    finally:
        page.context.close()


def test_keyboard_enter_on_a_marker_focuses_the_passage_and_close_returns(browser, served):
    page = _open(browser, served, locale="en-GB", scheme="light", viewport=DESKTOP)
    try:
        ask(page, "What does an HR Generalist do?")
        marker = _last_marker(page)
        marker.focus()
        page.keyboard.press("Enter")
        _opened(page)
        page.wait_for_function(FOCUS_AT_PASSAGE_JS, timeout=3000)
        page.locator("#article-view .hr-close").focus()
        page.keyboard.press("Enter")
        page.locator("#article-view mark#cited-passage").wait_for(state="hidden")
        assert _focus_is_on(page, marker), "focus goes back to the [n]"
    finally:
        page.context.close()


def test_escape_closes_the_phone_sheet_and_focus_returns_to_the_marker(browser, served):
    page = _open(browser, served, locale="nl-NL", scheme="light", viewport=PHONE)
    try:
        ask(page, "Wat doet een HR-assistent?")
        marker = _last_marker(page)
        marker.click()
        _opened(page)
        page.keyboard.press("Escape")
        page.locator("#article-view mark#cited-passage").wait_for(state="hidden")
        assert _focus_is_on(page, marker), "focus goes back to the [n]"
        assert marker.evaluate(SEEN_JS), "the chat shows again, at the [n]"
    finally:
        page.context.close()


def test_the_thumbs_down_reason_form_opens_in_view_with_focus_in_it(browser, served):
    page = _open(browser, served, locale="en-GB", scheme="light", viewport=LAPTOP)
    try:
        ask(page, "How does People Operations differ from HR?")
        page.locator("#chat button[aria-label='Dislike']").last.click()
        form = page.locator("#feedback-reason").first  # Gradio's group and its inner box
        form.wait_for(state="visible")
        page.wait_for_function(
            "() => document.getElementById('feedback-reason').contains(document.activeElement)",
            timeout=3000,
        )
        box = form.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"] + 1, box
        page.screenshot(path=str(SCREENSHOTS / "feedback-reason-1280x720.png"))
    finally:
        page.context.close()
