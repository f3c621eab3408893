"""The chat in real Chromium (Playwright) against the served app and the real store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.ui.conftest import SCREENSHOTS

pytestmark = pytest.mark.integration

OUTSIDE_REQUESTS: list[str] = []


def _is_local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:"))


def open_page(browser: Any, url: str, locale: str) -> tuple[Any, Any]:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: None if _is_local(r.url) else OUTSIDE_REQUESTS.append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_selector("#question textarea")
    # The interface language is applied right after load, from the browser's language.
    send_label = "Versturen" if locale.startswith("nl") else "Send"
    page.wait_for_function(
        "label => document.querySelector('#send')?.innerText.trim() === label", arg=send_label
    )
    return context, page


@pytest.fixture
def page(browser, served) -> Iterator[Any]:
    """A page whose browser prefers Dutch."""
    context, page = open_page(browser, served, "nl-NL")
    yield page
    context.close()


@pytest.fixture
def english_page(browser, served) -> Iterator[Any]:
    context, page = open_page(browser, served, "en-GB")
    yield page
    context.close()


def ask(page: Any, question: str, expect_sources: bool = True) -> str:
    """Type a question, press Enter, and return the text of the latest answer."""
    bots_before = page.locator("#chat .bot-row").count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .bot-row').length > n", arg=bots_before
    )
    if expect_sources:  # the finished answer carries its sources and a copy button
        page.wait_for_function(
            "() => [...document.querySelectorAll('#chat .bot-row')].pop()"
            "?.querySelector('.hr-copy')"
        )
    else:
        page.wait_for_timeout(300)  # let the stream finish its last piece
    return str(
        page.locator("#chat .bot-row").last.evaluate(
            "row => { const c = row.cloneNode(true);"
            " c.querySelectorAll('.hr-tip, details, .hr-copy').forEach(n => n.remove());"
            " return c.innerText; }"
        )
    )


# The answers of this tab's chat that the browser holds (page.js keeps one key per chat).
SAVED_ANSWERS_JS = """
() => { const id = sessionStorage.getItem('hr-chat-current');
        const chat = id && JSON.parse(localStorage.getItem('hr-chat:' + id) || 'null');
        return chat ? chat.records.filter(r => 'answer' in r).length : 0; }
"""


def wait_until_saved(page: Any) -> None:
    """Wait until the browser holds every answer on screen: it is saved just after it is
    shown, and a reload any sooner would find the chat without it."""
    page.wait_for_function(
        f"() => ({SAVED_ANSWERS_JS})() === document.querySelectorAll('#chat .bot-row').length"
    )


def test_dutch_question_gets_a_cited_answer_with_its_source_card(page):
    assert "Stel een vraag" in (
        page.locator("#question textarea").get_attribute("placeholder") or ""
    )
    answer = ask(page, "Wat is het verschil tussen een HR-assistent en een HR-officer?")
    assert "[1]" in answer
    card = page.locator("#sources .hr-card").first
    assert "HR-assistent" in card.inner_text()
    assert "Nederlands" in card.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desktop-answer.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "phone-answer.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"


def test_opening_a_source_shows_the_highlighted_passage(page):
    ask(page, "What does an HR Generalist do?")
    page.locator("#sources .hr-card-open").first.click()
    mark = page.locator("#article-view mark#cited-passage")
    mark.wait_for(state="visible")
    card_text = page.locator("#sources .hr-card blockquote").first.inner_text()
    assert " ".join(mark.inner_text().split())[:60] == " ".join(card_text.split())[:60]
    page.wait_for_timeout(500)
    assert mark.evaluate(
        "m => { const r = m.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }"
    ), "the cited passage is scrolled into view"
    page.screenshot(path=str(SCREENSHOTS / "desktop-source.png"))


def _bubble_source(page: Any, bubble: Any, n: int) -> str:
    """The passage that [n] of ``bubble`` quotes in its own source list."""
    item = bubble.locator("details.hr-bubble-sources li").nth(n - 1)
    return " ".join(item.text_content().split("“", 1)[1].rstrip("”").split())


def test_a_citation_of_the_first_answer_opens_its_own_passage_later(english_page):
    page = english_page
    ask(page, "How does People Operations differ from HR?")
    ask(page, "What does an HR Generalist do?")
    ask(page, "Wat doet een HR-assistent?")
    first = page.locator("#chat .bot-row").first
    expected = _bubble_source(page, first, 1)
    assert "People Operations" in expected
    cite = first.locator("button.hr-cite").first
    cite.click()
    mark = page.locator("#article-view mark#cited-passage")
    mark.wait_for(state="visible")
    assert " ".join(mark.inner_text().split())[:80] == expected[:80]
    assert "People Operations" in page.locator("#article-view h2").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "desktop-earlier-citation.png"))


def _hover_until_shown(page: Any, target: Any, shown: Any, tries: int = 3) -> None:
    """Point at ``target`` until ``shown`` appears. The chat may draw the last answer
    once more when its saved chats and follow-ups land; a button drawn anew under a
    pointer that does not move gets no hover, and a real pointer moves again (it
    failed this way once in CI under load, never alone). Every try failing fails."""
    for attempt in range(tries):
        page.mouse.move(0, 0)
        target.hover()
        try:
            shown.wait_for(state="visible", timeout=10_000)
            return
        except PlaywrightTimeoutError:
            if attempt == tries - 1:
                raise


def test_hovering_or_focusing_a_citation_previews_its_passage(english_page):
    page = english_page
    ask(page, "What does an HR Generalist do?")
    cite = page.locator("#chat .bot-row").last.locator("button.hr-cite").first
    tip = page.locator("#hr-tip-layer")  # one preview on top of the page, for any [n]
    assert not tip.is_visible()
    _hover_until_shown(page, cite, tip)
    assert "HR Generalist" in tip.inner_text()
    page.mouse.move(0, 0)
    tip.wait_for(state="hidden")
    cite.focus()
    tip.wait_for(state="visible")
    page.screenshot(path=str(SCREENSHOTS / "desktop-citation-preview.png"))


def test_copy_puts_the_answer_with_its_numbered_sources_on_the_clipboard(browser, served):
    context = browser.new_context(
        locale="en-GB",
        viewport={"width": 1366, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
    )
    try:
        page = context.new_page()
        page.on("request", lambda r: None if _is_local(r.url) else OUTSIDE_REQUESTS.append(r.url))
        page.goto(served, wait_until="load")
        page.wait_for_selector("#question textarea")
        ask(page, "How does People Operations differ from HR?")
        page.locator("#chat .bot-row").last.locator(".hr-copy").click()
        page.wait_for_timeout(300)
        copied = page.evaluate("navigator.clipboard.readText()")
        body, _, sources = copied.partition("\n\nSources:\n")
        assert "[1]" in body and "<button" not in copied
        assert sources.startswith("[1] People Operations vs. HR")
        assert "“" in sources  # each source with the words it quotes
    finally:
        context.close()


def test_a_second_copy_while_copied_shows_gives_the_button_its_words_back(browser, served):
    """Two quick clicks: the second restarts the "Copied" timer, and once it runs out
    the button says what it did before, not "Copied"."""
    context = browser.new_context(
        locale="en-GB",
        viewport={"width": 1366, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
    )
    try:
        page = context.new_page()
        page.on("request", lambda r: None if _is_local(r.url) else OUTSIDE_REQUESTS.append(r.url))
        page.goto(served, wait_until="load")
        page.wait_for_selector("#question textarea")
        ask(page, "How does People Operations differ from HR?")
        copy = page.locator("#chat .bot-row").last.locator(".hr-copy")
        words = copy.text_content()
        assert words and "Copied" not in words
        copy.click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('#chat .hr-copy')].pop()?.textContent === 'Copied'"
        )
        page.wait_for_timeout(600)
        copy.click()
        page.wait_for_timeout(2500)  # past both clicks' 1.5 s
        assert copy.text_content() == words
    finally:
        context.close()


# The [n] of each item of each list in the latest answer (its sources list left out).
LIST_MARKERS_JS = """
row => [...row.querySelectorAll('.message-content ul, .message-content ol')]
  .filter(list => !list.closest('details'))
  .map(list => [...list.children].map(li => [...li.querySelectorAll('button.hr-cite')]
    .map(b => b.firstChild.textContent)))
"""
# The markers that end each paragraph or list of the latest answer, in order.
BLOCK_MARKERS_JS = """
row => [...row.querySelectorAll('.message-content p, .message-content ul, .message-content ol')]
  .filter(block => !block.closest('details') && !block.parentElement.closest('p, ul, ol'))
  .map(block => [...block.querySelectorAll('button.hr-cite')].map(b => b.firstChild.textContent))
"""
# Each list item of the latest answer as a reader sees it: the words and its [n].
LIST_ITEMS_JS = """
row => [...row.querySelectorAll('.message-content li')].filter(li => !li.closest('details'))
  .map(li => { const c = li.cloneNode(true); c.querySelectorAll('.hr-tip').forEach(t => t.remove());
               return c.textContent.replace(/\\s+/g, ' ').trim(); })
"""


def test_each_list_in_an_answer_is_a_list_of_its_own_with_one_marker_at_its_end(english_page):
    page = english_page
    ask(page, "What does an HR Generalist do?")
    lists = page.locator("#chat .bot-row").last.evaluate(LIST_MARKERS_JS)
    assert lists, "an answer with a list"
    for items in lists:
        assert [marker for item in items for marker in item] == items[-1], items
        assert len(items[-1]) == 1, items


def test_a_passage_quoted_in_a_row_is_cited_once(english_page):
    page = english_page
    ask(page, "Wat doet een HR Generalist?")
    markers = page.locator("#chat .bot-row").last.evaluate(BLOCK_MARKERS_JS)
    repeated = [a for a, b in pairwise(markers) if a == b and len(a) == 1]
    assert repeated == [], markers


def test_copy_and_export_keep_an_answers_lists_as_lists(browser, served):
    context = browser.new_context(
        locale="en-GB",
        viewport={"width": 1366, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
        accept_downloads=True,
    )
    try:
        page = context.new_page()
        page.on("request", lambda r: None if _is_local(r.url) else OUTSIDE_REQUESTS.append(r.url))
        page.goto(served, wait_until="load")
        page.wait_for_selector("#question textarea")
        ask(page, "What does an HR Generalist do?")
        bot = page.locator("#chat .bot-row").last
        items = bot.evaluate(LIST_ITEMS_JS)
        assert items, "an answer with a list"
        bot.locator(".hr-copy").click()
        page.wait_for_timeout(300)
        copied = page.evaluate("navigator.clipboard.readText()")
        with page.expect_download() as download:
            page.locator("#export-chat").click()
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        for item in items:
            assert f"\n- {item}\n" in copied, item
            assert f"\n- {item}\n" in exported, item
    finally:
        context.close()


def _feedback_rows(feedback_store: Any, question: str) -> list[tuple[str, str, str, str]]:
    database = feedback_store.url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:  # read the file itself, as an admin would
        return db.execute(
            "SELECT rating, answer, citations, coalesce(reason, '') FROM hr_feedback"
            " WHERE question = ?",
            (question,),
        ).fetchall()


def _wait_for_rows(page: Any, feedback_store: Any, question: str, expected: list[str]) -> list:
    rows: list[tuple[str, str, str, str]] = []
    for _ in range(50):  # the vote is written by the server a moment after the click
        rows = _feedback_rows(feedback_store, question)
        if [r[0] for r in rows] == expected:
            break
        page.wait_for_timeout(200)
    assert [r[0] for r in rows] == expected
    return rows


def test_thumbs_toggle_keeps_one_vote_and_a_thumbs_down_its_reason(english_page, feedback_store):
    page = english_page
    question = "How does People Operations differ from HR?"
    ask(page, question)
    page.locator("#chat button[aria-label='Like']").last.click()
    rows = _wait_for_rows(page, feedback_store, question, ["up"])
    assert "[1]" in rows[0][1] and "people-operations-vs-hr" in rows[0][2]
    page.locator("#chat button[aria-label='Liked']").last.click()  # taken back
    _wait_for_rows(page, feedback_store, question, [])
    page.locator("#chat button[aria-label='Dislike']").last.click()
    _wait_for_rows(page, feedback_store, question, ["down"])
    page.wait_for_selector("#feedback-reason", state="visible")
    page.locator("#reason label", has_text="Outdated").click()
    page.locator("#reason-comment textarea").fill("The 2024 rules changed this.")
    page.screenshot(path=str(SCREENSHOTS / "desktop-feedback-reason.png"))
    page.locator("#reason-send").click()
    page.wait_for_selector("#feedback-reason", state="hidden")
    assert _wait_for_rows(page, feedback_store, question, ["down"])[0][3] == "outdated"


TOASTS_JS = "() => [...document.querySelectorAll('[data-testid=toast-text]')].map(t => t.innerText)"


def _toasts(page: Any, count: int) -> list[str]:
    """The toasts' texts, once there are ``count``; a moment later, none more."""
    page.wait_for_function(f"() => ({TOASTS_JS})().length >= {count}")
    page.wait_for_timeout(800)
    shown = page.evaluate(TOASTS_JS)
    assert len(shown) == count, shown
    return list(shown)


def test_each_vote_gets_one_toast_that_names_its_question(english_page):
    page = english_page
    ask(page, "How does People Operations differ from HR?")
    ask(page, "What does an HR Generalist do?")
    page.locator("#chat button[aria-label='Like']").first.click()
    assert "How does People Operations" in _toasts(page, 1)[0]
    # A thumbs-down asks what was wrong first: its one toast comes with the answer to that.
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.wait_for_selector("#feedback-reason", state="visible")
    page.wait_for_timeout(800)
    assert len(page.evaluate(TOASTS_JS)) == 1
    page.locator("#reason label", has_text="Incomplete").click()
    page.locator("#reason-send").click()
    assert "What does an HR Generalist" in _toasts(page, 2)[1]
    page.locator("#chat button[aria-label='Liked']").first.click()  # taken back
    assert "How does People Operations" in _toasts(page, 3)[2]


def test_a_chat_survives_a_reload_is_listed_and_exports_with_its_sources(browser, served):
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    try:
        page = context.new_page()
        page.on("request", lambda r: None if _is_local(r.url) else OUTSIDE_REQUESTS.append(r.url))
        page.goto(served, wait_until="load")
        page.wait_for_selector("#question textarea")
        ask(page, "How does People Operations differ from HR?")
        ask(page, "What does an HR Generalist do?")
        wait_until_saved(page)
        page.reload(wait_until="load")
        page.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length === 2")
        assert (
            "How does People Operations differ from HR?" in page.locator("#chat-list").inner_text()
        )
        # The restored first answer still opens its own passage.
        page.locator("#chat .bot-row").first.locator("button.hr-cite").first.click()
        page.locator("#article-view mark#cited-passage").wait_for(state="visible")
        assert "People Operations" in page.locator("#article-view h2").inner_text()
        with page.expect_download() as download:
            page.locator("#export-chat").click()
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert exported.startswith("# How does People Operations differ from HR?")
        assert "**Question:** What does an HR Generalist do?" in exported
        assert "\nSources:\n[1] People Operations vs. HR" in exported
        # A new chat is listed beside the first; choosing the first brings it back.
        page.locator("#new-chat").click()
        page.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length === 0")
        ask(page, "Wat doet een HR-assistent?")
        page.wait_for_function(
            "() => document.querySelector('#chat-list')?.innerText.includes('HR-assistent')"
        )
        page.locator("#chat-list label", has_text="People Operations").click()
        page.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length === 2")
        page.screenshot(path=str(SCREENSHOTS / "desktop-saved-chats.png"))
        page.locator("#delete-chat").click()
        page.wait_for_function(
            "() => !document.querySelector('#chat-list')?.innerText.includes('People Operations')"
        )
        assert page.locator("#chat .bot-row").count() == 0
    finally:
        context.close()


def test_a_suggested_follow_up_is_asked_when_chosen(english_page):
    page = english_page
    ask(page, "What does an HR Generalist do?")
    first = page.locator("#suggestion-0")
    first.wait_for(state="visible")
    suggested = first.inner_text().strip()
    assert suggested.endswith("?") and suggested != "What does an HR Generalist do?"
    first.click()
    page.wait_for_function("() => document.querySelectorAll('#chat .user-row').length === 2")
    assert page.locator("#chat .user-row").last.inner_text().strip() == suggested


def test_markup_in_a_question_runs_nothing(page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = (
        "<script>alert('x')</script><img src=x onerror=alert('y')> Wat doet een HR Generalist?"
    )
    ask(page, hostile, expect_sources=False)
    page.wait_for_timeout(1000)
    assert dialogs == []
    user_text = page.locator("#chat .user-row").last.inner_text()
    assert "<script>" in user_text  # shown as text
    assert page.locator("#chat img[src='x']").count() == 0


def test_an_image_or_link_in_a_question_stays_inert_text(page):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    ask(
        page,
        "![x](http://198.51.100.7/p.png) [klik](http://198.51.100.7/) Wat doet een HR Generalist?",
    )
    page.wait_for_timeout(1000)
    assert not [url for url in requested if "198.51.100.7" in url]
    assert page.locator("#chat img[src*='198.51.100.7']").count() == 0
    assert page.locator("#chat a[href*='198.51.100.7']").count() == 0
    assert "![x](http://198.51.100.7/p.png)" in page.locator("#chat .user-row").last.inner_text()


def test_follow_up_uses_the_history_and_new_chat_forgets_it(page):
    ask(page, "Wat doet een HR-assistent?")
    answer = ask(page, "En een HR-officer?")
    assert "officer" in answer.lower()
    assert "HR-assistent" in page.locator("#sources .hr-card").first.inner_text()
    page.locator("#new-chat").click()
    page.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length === 0")


def test_enter_on_an_empty_box_adds_nothing(page):
    box = page.locator("#question textarea")
    box.fill("   ")
    box.press("Enter")
    page.wait_for_timeout(800)
    assert page.locator("#chat .bot-row").count() == 0
    assert page.locator("#chat .user-row").count() == 0


def test_the_question_box_takes_what_the_server_takes_and_no_more(page, assistant):
    """A box that took more than the server's limit let people write a question only to
    have it refused as too long; one that took less would refuse questions the server
    answers."""
    limit = assistant.settings.max_question_chars
    box = page.locator("#question textarea")
    assert box.get_attribute("maxlength") == str(limit)
    box.fill("Wat doet een HR-officer? " * (limit // 10))
    assert len(box.input_value()) == limit
    answer = ask(page, box.input_value(), expect_sources=False)
    assert "te lang" not in answer


def test_shift_enter_makes_a_new_line_and_enter_sends(page):
    box = page.locator("#question textarea")
    box.fill("Wat doet een HR-assistent?")
    box.press("Shift+Enter")
    box.type("En wie voert de sollicitatiegesprekken?")
    assert "\n" in box.input_value()
    assert page.locator("#chat .bot-row").count() == 0
    box.press("Enter")
    page.wait_for_selector("#chat .bot-row")
    assert box.input_value() == ""


def test_english_browser_and_the_language_switch(english_page):
    page = english_page
    assert page.locator("#send").inner_text().strip() == "Send"
    page.locator("#ui-language label", has_text="Nederlands").click()
    page.wait_for_function("() => document.querySelector('#send').innerText.trim() === 'Versturen'")


def test_articles_tab_lists_and_shows_articles(page):
    page.locator("button[role='tab']", has_text="Artikelen").click()
    table = page.locator("#articles-table")
    table.wait_for(state="visible")
    assert "People Operations vs. HR" in table.inner_text()
    page.locator("#article-pick input").click()
    page.get_by_role("option", name="People Operations vs. HR: What’s the Difference?").click()
    page.wait_for_selector("#article-full article")
    assert "holistic approach" in page.locator("#article-full").inner_text()


def test_the_page_requests_nothing_outside_the_machine():
    # Runs last in this module: every page above recorded its requests.
    assert OUTSIDE_REQUESTS == []
