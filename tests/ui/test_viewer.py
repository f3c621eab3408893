"""The article viewer, the chat's height and the [n] previews in real Chromium (issue
26, defects 4 and 5): what a laptop, a desktop and a phone show, by mouse and keyboard."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SCREENSHOTS
from tests.ui.test_accessibility import LAPTOP, PHONE, _open, _settle
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
SIZES = {"1280x720": LAPTOP, "390x844": PHONE}


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
