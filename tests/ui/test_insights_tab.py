"""The Insights tab in real Chromium, and /chat writing the question log (insights on)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import free_port
from tests.ui.conftest import SCREENSHOTS
from tests.ui.test_browser import _is_local, ask

pytestmark = pytest.mark.integration

PASSWORD = "insights-admin"


@pytest.fixture(scope="module")
def logged_site(
    tmp_path_factory: pytest.TempPathFactory, assistant, embeddings, feedback_store
) -> Iterator[tuple[str, Any]]:
    from assistant.chain import Assistant
    from assistant.insights import QuestionLog
    from core.privacy import PrivacyPolicy
    from ingest.knowledge_base import KnowledgeBase
    from ui.app import build_app, launch_kwargs

    database = tmp_path_factory.mktemp("insights") / "log.sqlite"
    log = QuestionLog(f"sqlite:///{database}", embeddings, PrivacyPolicy(90))
    settings = assistant.settings.model_copy(update={"admin_password": PASSWORD})
    guarded = Assistant(settings, embeddings, assistant.store)  # the same store
    knowledge = KnowledgeBase(settings, embeddings, on_change=None)
    app = build_app(guarded, knowledge, feedback_store, log)
    port = free_port()
    app.queue().launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        **launch_kwargs(settings),
    )
    yield f"http://127.0.0.1:{port}/", log
    app.close()


def test_chat_api_questions_land_masked(logged_site):
    from gradio_client import Client

    url, log = logged_site
    client = Client(url, verbose=False)
    client.predict(message="Who approves expense claims? Call +44 20 7946 0958", api_name="/chat")
    client.predict(
        message="Wie keurt mijn declaraties goed? Mail het naar a.b@example.org", api_name="/chat"
    )
    questions = {row.question: row.language for row in log.rows()}
    assert questions["Who approves expense claims? Call [phone]"] == "en"
    assert questions["Wie keurt mijn declaraties goed? Mail het naar [e-mail]"] == "nl"


def test_the_page_serves_no_api_but_chat(logged_site):
    """Only `/chat` is an API: none of the page's own events (the folder status read
    every few seconds included) is an endpoint, not even an undocumented one. Every area
    is wired on this page (admin password, Insights)."""
    import httpx

    url, _ = logged_site
    info = httpx.get(f"{url}gradio_api/info", params={"all_endpoints": "true"}).json()
    assert set(info["named_endpoints"]) == {"/chat"}
    assert info["unnamed_endpoints"] == {}


def test_the_insights_tab_shows_gaps_and_leads_to_the_upload(browser, logged_site):
    from ui.texts import text

    url, _ = logged_site
    requested: list[str] = []
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: None if _is_local(r.url) else requested.append(r.url))
    try:
        page.goto(url, wait_until="load")
        page.wait_for_selector("#question textarea")
        assert "logged without who asked" in page.locator("#insights-footer").inner_text()
        # A question well outside the articles (a role, a law and a country none of
        # them covers): this test is about the tab, not about a borderline decision.
        ask(page, "Which licence must a forklift driver hold by law in Norway?")
        page.locator("button[role='tab']", has_text="Insights").click()
        page.locator("#show-insights").click()
        page.wait_for_function(
            "() => (document.querySelector('#insights-status')?.innerText || '')"
            ".includes('Wrong or missing admin password')"
        )
        page.locator("#insights-password input").fill(PASSWORD)
        page.locator("#show-insights").click()
        page.wait_for_selector("#insights table")
        shown = page.locator("#insights").inner_text()
        assert "Which licence must a forklift driver hold by law in Norway?" in shown
        assert "Who approves expense claims? Call [phone]" in shown
        page.locator("#insights-chart").wait_for(state="visible")
        page.wait_for_timeout(800)
        page.screenshot(path=str(SCREENSHOTS / "desktop-insights.png"), full_page=True)
        page.locator("#gap-pick input").click()
        page.get_by_role("option").first.click()
        page.locator("#add-for-gap").click()
        page.wait_for_function(
            "() => (document.querySelector('#gap-note')?.innerText || '').includes('?')"
        )
        assert page.locator("#upload").is_visible()
        # The note is said again in the language switched to, its questions as asked.
        asked = page.locator("#gap-note li").first.inner_text()
        page.locator("#ui-language label", has_text="Nederlands").click()
        page.wait_for_function(
            "([s, t]) => (document.querySelector(s)?.innerText || '').includes(t)",
            arg=["#gap-note", text("nl", "ins_gap_note")],
            timeout=15_000,
        )
        assert asked in page.locator("#gap-note").inner_text()
        assert requested == []
    finally:
        context.close()


def _status_says(page: Any, status: str, expected: str) -> None:
    page.wait_for_function(
        "([s, t]) => (document.querySelector(s)?.innerText || '').includes(t)",
        arg=[status, expected],
    )


def test_one_right_admin_password_unlocks_articles_and_insights(browser, logged_site):
    """Typed once, in either tab, the admin password is confirmed and opens both."""
    url, _ = logged_site
    for tab, box_id, status in (
        ("Articles", "#admin-password", "#admin-status"),
        ("Insights", "#insights-password", "#insights-status"),
    ):
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        try:
            page.goto(url, wait_until="load")
            page.locator("button[role='tab']", has_text=tab).click()
            box = page.locator(f"{box_id} input")
            box.fill(PASSWORD)
            box.press("Enter")
            _status_says(page, status, "Admin password accepted")
            box.press("Tab")  # leaving the box after Enter: confirmed already, not again
            page.wait_for_timeout(500)
            assert page.locator(status).inner_text().count("Admin password accepted") == 1
            page.locator("button[role='tab']", has_text="Articles").click()
            page.wait_for_selector("#upload input[type=file]", state="attached")
            page.locator("button[role='tab']", has_text="Insights").click()
            page.locator("#show-insights").click()
            page.wait_for_selector("#insights table")
            assert "Wrong" not in page.locator("#insights-status").inner_text()
        finally:
            context.close()


def test_the_insights_shown_follow_a_switch_of_language(browser, logged_site):
    """Shown once, the insights are drawn anew in the language switched to, without
    asking for them again."""
    from ui.texts import text

    url, _ = logged_site
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    shown = "([s, t]) => (document.querySelector(s)?.textContent || '').includes(t)"
    try:
        page.goto(url, wait_until="load")
        page.locator("button[role='tab']", has_text="Insights").click()
        page.locator("#insights-password input").fill(PASSWORD)
        page.locator("#show-insights").click()
        page.wait_for_function(shown, arg=["#insights", text("en", "ins_gaps")])
        page.locator("#ui-language label", has_text="Nederlands").click()
        page.wait_for_function(shown, arg=["#insights", text("nl", "ins_gaps")], timeout=15_000)
        assert text("en", "ins_never") not in (page.locator("#insights").text_content() or "")
    finally:
        context.close()


def test_the_status_lines_follow_a_switch_of_language(browser, logged_site):
    """What the Articles and the Insights status lines said is said again in the
    language switched to, without checking the password again."""
    from ui.texts import text

    url, _ = logged_site
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.locator("button[role='tab']", has_text="Insights").click()
        page.locator("#show-insights").click()  # no password: refused
        _status_says(page, "#insights-status", text("en", "wrong_password"))
        page.locator("button[role='tab']", has_text="Articles").click()
        page.locator("#admin-password input").fill("not the password")
        page.locator("#admin-password input").press("Enter")
        _status_says(page, "#admin-status", text("en", "wrong_password"))
        page.locator("#ui-language label", has_text="Nederlands").click()
        _status_says(page, "#admin-status", text("nl", "wrong_password"))
        page.locator("button[role='tab']", has_text="Inzichten").click()
        _status_says(page, "#insights-status", text("nl", "wrong_password"))
        for status in ("#admin-status", "#insights-status"):
            assert "admin password" not in page.locator(status).inner_text()
    finally:
        context.close()


def test_a_switch_draws_the_chart_and_tables_anew_and_leaves_nothing_shown_alone():
    from types import SimpleNamespace

    from assistant.insights import Insights
    from ui.insights_tab import InsightsEvents

    week = {"week": "2026-W18", "answered": 3, "refused": 1, "thumbs_down": 0}
    found = Insights(30, 4, {}, [], [], [], [week])
    handlers = SimpleNamespace(assistant=SimpleNamespace(titles={}))
    events = InsightsEvents(handlers)
    chart, tables = events.drawn("nl", found)
    assert set(chart["value"]["kind"]) == {"Beantwoord", "Geweigerd", "Duim omlaag"}
    assert "4 vragen in de laatste 30 dagen" in tables
    assert events.drawn("nl", None) == ({"__type__": "update"}, {"__type__": "update"})
