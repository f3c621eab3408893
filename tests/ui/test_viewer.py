"""The article viewer, the chat's height and the [n] previews in real Chromium (issue
26, defects 4 and 5): what a laptop, a desktop and a phone show, by mouse and keyboard."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SCREENSHOTS
from tests.ui.test_accessibility import LAPTOP, _open, _settle
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
