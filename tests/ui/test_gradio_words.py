"""Gradio's own words follow the interface language, and only Gradio's, in real Chromium.

The page script swaps the words Gradio draws in English ("Info", "Close", "Like" …) for
the interface language's. It must never touch what an article or an answer says (an
article titled "Info" keeps its title), must not be woken by every word of an answer as
it streams in, and switches Gradio's language only with Gradio's own module, loaded
from the page's own origin.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from core.settings import Settings
from tests.conftest import KNOWLEDGE
from tests.ui.conftest import SCREENSHOTS, serve_app
from tests.ui.test_browser import ask, open_page
from ui.texts import text

pytestmark = pytest.mark.integration

# An article whose title is one of Gradio's words that the page swaps (a toast's heading).
INFO_ARTICLE = """---
title: Info
language: en
---

# Info

The HR service desk answers questions about payslips, leave and employment contracts.
It is open on working days from nine to five and replies to e-mail within two days.
"""

# Counts what the page's relabelling observer is woken for: the MutationObserver whose
# observations name "title" among their attributes (Gradio's own observers name none).
# Each wake-up is counted, with how many of its records lie inside a chat message.
COUNT_RELABEL_JS = """
(() => {
  const Native = window.MutationObserver;
  window.hrRelabelWakes = { calls: 0, inMessages: 0, records: 0 };
  window.MutationObserver = class extends Native {
    constructor(callback) {
      let labels = false;
      super((records, observer) => {
        if (labels) {
          const wakes = window.hrRelabelWakes;
          wakes.calls += 1;
          wakes.records += records.length;
          const at = (r) => (r.target.nodeType === 1 ? r.target : r.target.parentElement);
          wakes.inMessages += records.filter((r) => at(r)?.closest('#chat .message-row')).length;
        }
        callback(records, observer);
      });
      const observe = this.observe.bind(this);
      this.observe = (target, options) => {
        labels ||= (options?.attributeFilter || []).includes('title');
        return observe(target, options);
      };
    }
  };
})();
"""

# A module named as Gradio's core on another origin (".invalid" never resolves), listed
# first among the page's resources, or alone.
FOREIGN_CORE = "http://foreign.invalid/assets/core-F0reign.js"
FOREIGN_FIRST_JS = """
(foreign, only) => {
  const listed = performance.getEntriesByType.bind(performance);
  performance.getEntriesByType = (type) =>
    type === 'resource'
      ? [{ name: foreign }, ...(only ? [] : listed(type))]
      : listed(type);
}
"""


@pytest.fixture(scope="module")
def info_site(
    tmp_path_factory: pytest.TempPathFactory, embeddings, feedback_store
) -> Iterator[str]:
    """The project's articles and one titled "Info", served on a free port."""
    from hr_assistant.runtime import Runtime
    from ingest.indexer import ingest_folder

    knowledge = tmp_path_factory.mktemp("knowledge-info")
    for path in KNOWLEDGE.glob("*.md"):
        shutil.copy(path, knowledge / path.name)
    (knowledge / "info.md").write_text(INFO_ARTICLE, encoding="utf-8")
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data-info"), knowledge_dir=knowledge, _env_file=None
    )
    ingest_folder(settings, embeddings=embeddings)
    yield from serve_app(Runtime(settings, embeddings=embeddings).assistant, feedback_store)


def switch_to_dutch(page: Any) -> None:
    page.locator("#ui-language label", has_text="Nederlands").click()
    page.wait_for_function(
        "() => document.querySelector('#send')?.innerText.trim() === 'Versturen'"
    )
    page.wait_for_function("() => !document.querySelector('.pending')")
    page.wait_for_timeout(500)


def test_an_article_titled_with_a_gradio_word_keeps_its_title(browser, info_site):
    context, page = open_page(browser, info_site, "en-GB")
    try:
        page.locator("button[role='tab']", has_text="Articles").click()
        page.locator("#article-pick input").click()
        page.get_by_role("option", name="Info", exact=True).click()
        page.wait_for_selector("#article-full article.hr-article")
        switch_to_dutch(page)
        page.wait_for_function(
            "() => document.querySelector('#articles-table th')?.innerText.trim() === 'Titel'"
        )
        article = page.locator("#article-full article.hr-article")
        assert article.get_attribute("aria-label") == "Info"
        # Gradio's own words around it did follow the switch.
        toggle = page.locator("#chat-sidebar .toggle-button")
        assert toggle.get_attribute("aria-label") == text("nl", "gradio_sidebar")

        # The same article opened from an answer's source, in the viewer beside the chat.
        page.locator("button[role='tab']", has_text="Chat").first.click()
        ask(page, "When is the HR service desk open?")
        page.locator("#sources .hr-card-open").first.click()
        page.locator("#article-view mark#cited-passage").wait_for(state="visible")
        page.wait_for_timeout(500)
        viewer = page.locator("#article-view")
        assert viewer.locator(".hr-viewer").get_attribute("aria-label") == "Info"
        assert viewer.locator(".hr-article").get_attribute("aria-label") == "Info"
        bubble = page.locator("#chat .bubble-wrap")
        assert bubble.get_attribute("aria-label") == text("nl", "conversation")
        page.screenshot(path=str(SCREENSHOTS / "article-titled-info.png"))
    finally:
        context.close()


def test_a_streamed_answer_does_not_wake_the_relabelling(browser, info_site):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.add_init_script(COUNT_RELABEL_JS)
    page = context.new_page()
    try:
        page.goto(info_site, wait_until="load")
        page.wait_for_selector("#question textarea")
        page.wait_for_function("() => !document.querySelector('.pending')")
        page.wait_for_timeout(500)
        page.evaluate("() => Object.assign(window.hrRelabelWakes, {calls: 0, inMessages: 0})")
        ask(page, "How does People Operations differ from HR?")
        page.wait_for_function("() => !document.querySelector('.pending')")
        page.wait_for_timeout(500)
        wakes = page.evaluate("() => window.hrRelabelWakes")
        steps = page.locator("#chat .bot-row").last.locator("button.hr-cite").count() + 1
        assert steps >= 3, "the answer should stream in several steps"
        # What the answer says is not watched at all: the wake-ups are Gradio's frame
        # changing, about as often for any answer (15-17 measured, 29-39 when every piece
        # of the answer woke it): the rows, their thumbs, the sources, the saved chats'
        # list, and each busy component's progress overlay coming and going.
        assert wakes["inMessages"] == 0, wakes
        assert wakes["calls"] <= 24, wakes

        # Liked, Gradio's English whatever its language, is still said in Dutch.
        switch_to_dutch(page)
        page.locator("#chat .message-buttons button").last.click()  # thumbs up
        liked = text("nl", "gradio_liked")
        page.wait_for_function(
            "label => [...document.querySelectorAll('#chat .message-buttons button')]"
            ".some(b => b.getAttribute('aria-label') === label)",
            arg=liked,
        )
        title = page.locator("[data-testid=toast-body] .toast-title").first
        title.wait_for(state="visible")
        page.wait_for_function(
            "label => document.querySelector('[data-testid=toast-body] .toast-title')"
            "?.textContent.trim() === label",
            arg=text("nl", "toast_info"),
        )
    finally:
        context.close()


@pytest.mark.parametrize("only_foreign", [False, True])
def test_gradio_is_switched_only_with_a_module_of_the_pages_own_origin(
    browser, info_site, only_foreign: bool
):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    arguments = json.dumps([FOREIGN_CORE, only_foreign])[1:-1]
    context.add_init_script(script=f"({FOREIGN_FIRST_JS})({arguments})")
    asked: list[str] = []
    context.route(
        "http://foreign.invalid/**",
        lambda route: (
            asked.append(route.request.url),
            route.fulfill(
                status=200,
                content_type="text/javascript",
                headers={"Access-Control-Allow-Origin": "*"},
                body="window.hrForeignRan = true; export const changeLocale = () => {};",
            ),
        ),
    )
    warnings: list[str] = []
    page = context.new_page()
    page.on(
        "console", lambda m: warnings.append(m.text) if m.type in ("warning", "error") else None
    )
    try:
        page.goto(info_site, wait_until="load")
        page.wait_for_selector("#question textarea")
        switch_to_dutch(page)
        assert asked == []
        assert page.evaluate("() => window.hrForeignRan") is None
        # The foreign one is named in a warning; Gradio is switched with its own module.
        assert any(FOREIGN_CORE in w for w in warnings), warnings
        unswitched = [w for w in warnings if "Gradio's words stay" in w or "switched" in w]
        if only_foreign:  # no module of its own listed: said, and Gradio left as it is
            assert any("not found" in w for w in unswitched), warnings
        else:
            assert unswitched == [], warnings
    finally:
        context.close()
