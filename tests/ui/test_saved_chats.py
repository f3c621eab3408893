"""The saved chats in real Chromium: the page script keeps each chat under its own
localStorage key, tabs of one browser follow each other's changes and never write each
other's chats back stale, and what the browser holds is checked before it is shown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.ui.conftest import SCREENSHOTS
from tests.ui.test_browser import _is_local, ask

pytestmark = pytest.mark.integration

OUTSIDE: list[str] = []
CHAT_KEY = "hr-chat:"  # page.js
# Every saved chat this browser holds, by its key: {key: [title, questions…]}.
HELD_JS = f"""
() => Object.fromEntries(Object.keys(localStorage).filter(k => k.startsWith('{CHAT_KEY}'))
  .map(k => {{ const c = JSON.parse(localStorage.getItem(k));
              return [k, [c.title, ...c.records.filter(r => r.question).map(r => r.question)]];
           }}))
"""


@pytest.fixture
def browser_context(browser, served) -> Iterator[Any]:
    """One browser (one localStorage) whose tabs open the served page."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    yield context
    context.close()


def _tab(context: Any, url: str) -> Any:
    tab = context.new_page()
    tab.on("request", lambda r: None if _is_local(r.url) else OUTSIDE.append(r.url))
    tab.goto(url, wait_until="load")
    tab.wait_for_selector("#question textarea")
    tab.wait_for_function("() => document.querySelector('#send')?.innerText.trim() === 'Send'")
    return tab


def _chat_list_has(page: Any, *titles: str) -> None:
    page.wait_for_function(
        "titles => titles.every(t => document.querySelector('#chat-list')?.innerText.includes(t))",
        arg=list(titles),
    )


def _chat_list_lacks(page: Any, title: str) -> None:
    page.wait_for_function(
        "title => !document.querySelector('#chat-list')?.innerText.includes(title)", arg=title
    )


def test_two_tabs_keep_each_others_chats(browser_context, served):
    tabs = [_tab(browser_context, served), _tab(browser_context, served)]
    ask(tabs[0], "How does People Operations differ from HR?")
    _chat_list_has(tabs[0], "People Operations")
    ask(tabs[1], "What does an HR Generalist do?")
    _chat_list_has(tabs[1], "People Operations", "HR Generalist")
    _chat_list_has(tabs[0], "People Operations", "HR Generalist")  # without a reload
    for tab in tabs:
        tab.reload(wait_until="load")
        tab.wait_for_selector("#chat .bot-row")
    for tab, asked in zip(tabs, ("People Operations", "HR Generalist"), strict=True):
        _chat_list_has(tab, "People Operations", "HR Generalist")
        assert asked in tab.locator("#chat .user-row").first.inner_text()  # its own chat


def test_each_chat_has_its_own_key_and_a_rename_or_delete_reaches_the_other_tab(
    browser_context, served
):
    tabs = [_tab(browser_context, served), _tab(browser_context, served)]
    ask(tabs[0], "How does People Operations differ from HR?")
    tabs[0].locator("#new-chat").click()
    tabs[0].wait_for_function("() => !document.querySelector('#chat .bot-row')")
    ask(tabs[0], "What does an HR Generalist do?")
    _chat_list_has(tabs[0], "People Operations", "HR Generalist")
    held = tabs[0].evaluate(HELD_JS)
    assert sorted(v[0] for v in held.values()) == [
        "How does People Operations differ from HR?",
        "What does an HR Generalist do?",
    ]
    assert all(len(key) == len(CHAT_KEY) + 32 for key in held)
    _chat_list_has(tabs[1], "People Operations", "HR Generalist")
    tabs[0].locator("#chat-title textarea, #chat-title input").fill("Generalists")
    tabs[0].locator("#rename-chat").click()
    _chat_list_has(tabs[1], "Generalists", "People Operations")
    tabs[0].locator("#delete-chat").click()
    _chat_list_lacks(tabs[1], "Generalists")
    assert [v[0] for v in tabs[1].evaluate(HELD_JS).values()] == [
        "How does People Operations differ from HR?"
    ]


def test_a_tab_with_an_older_copy_of_a_chat_saves_its_turn_as_a_new_chat(browser_context, served):
    first = _tab(browser_context, served)
    ask(first, "How does People Operations differ from HR?")
    _chat_list_has(first, "People Operations")
    second = _tab(browser_context, served)  # a new tab opens the chat last on screen
    second.wait_for_selector("#chat .bot-row")
    ask(first, "What does an HR Generalist do?")
    first.wait_for_function(
        "q => Object.values(localStorage).some(v => v.includes(q))",
        arg="What does an HR Generalist do?",
    )
    ask(second, "Wat doet een HR-assistent?")  # where its copy lacks the question above
    second.wait_for_function(
        "key => Object.keys(localStorage).filter(k => k.startsWith(key)).length === 2",
        arg=CHAT_KEY,
    )
    first_question = "How does People Operations differ from HR?"
    assert sorted(second.evaluate(HELD_JS).values()) == [
        [first_question, first_question, "Wat doet een HR-assistent?"],
        [first_question, first_question, "What does an HR Generalist do?"],
    ]


def test_a_forged_chat_in_storage_is_neither_shown_nor_kept(browser_context, served):
    forged = "f" * 32
    tab = _tab(browser_context, served)
    tab.evaluate(
        "([key, id]) => localStorage.setItem(key, JSON.stringify({id, title: 'Forged',"
        " records: [{question: 'Hi'}, {content: {path: '.data/feedback.sqlite'}}]}))",
        [CHAT_KEY + forged, forged],
    )
    tab.evaluate("key => localStorage.setItem(key, '{not json')", CHAT_KEY + "e" * 32)
    tab.reload(wait_until="load")
    tab.wait_for_selector("#question textarea")
    tab.wait_for_function("key => localStorage.getItem(key) === null", arg=CHAT_KEY + forged)
    assert "Forged" not in tab.locator("#chat-list").inner_text()
    ask(tab, "What does an HR Generalist do?")  # the page works as before
    _chat_list_has(tab, "HR Generalist")


CHAT_ACTIONS = ("#rename-chat", "#delete-chat", "#export-chat")


def _actions_enabled(page: Any, enabled: bool) -> None:
    page.wait_for_function(
        "([ids, on]) => ids.every(id => document.querySelector(id + ' button, button' + id)"
        "?.disabled === !on)",
        arg=[list(CHAT_ACTIONS), enabled],
    )


def test_rename_delete_and_export_wait_for_a_chat(browser_context, served):
    tab = _tab(browser_context, served)
    _actions_enabled(tab, False)
    ask(tab, "What does an HR Generalist do?")
    _actions_enabled(tab, True)
    tab.locator("#new-chat").click()
    _actions_enabled(tab, False)
    tab.locator("#chat-list label", has_text="HR Generalist").click()
    _actions_enabled(tab, True)


def _held_titles(page: Any) -> list[str]:
    return sorted(v[0] for v in page.evaluate(HELD_JS).values())


def test_a_deleted_chat_can_be_brought_back(browser_context, served):
    tab = _tab(browser_context, served)
    ask(tab, "How does People Operations differ from HR?")
    _chat_list_has(tab, "People Operations")
    tab.locator("#delete-chat").click()
    _chat_list_lacks(tab, "People Operations")
    undo = tab.locator("#undo-delete-chat")
    undo.wait_for(state="visible")
    assert "People Operations" in tab.locator("#chat-deleted-note").inner_text()
    tab.wait_for_function(f"() => Object.keys(({HELD_JS})()).length === 0")
    undo.click()
    _chat_list_has(tab, "People Operations")
    tab.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length === 1")
    assert _held_titles(tab) == ["How does People Operations differ from HR?"]
    undo.wait_for(state="hidden")


def test_the_chat_boxs_trash_icon_deletes_the_chat_with_an_undo(browser_context, served):
    tab = _tab(browser_context, served)
    ask(tab, "What does an HR Generalist do?")
    _chat_list_has(tab, "HR Generalist")
    tab.locator("#chat button[aria-label='Clear']").click()  # Gradio's trash icon
    _chat_list_lacks(tab, "HR Generalist")
    tab.wait_for_function(f"() => Object.keys(({HELD_JS})()).length === 0")
    tab.locator("#undo-delete-chat").click()
    _chat_list_has(tab, "HR Generalist")
    assert _held_titles(tab) == ["What does an HR Generalist do?"]


# The saved chats as listed: the labels the search leaves shown, top to bottom.
LISTED_JS = """
() => [...document.querySelectorAll('#chat-list label')]
  .filter(label => label.offsetParent !== null).map(label => label.innerText.trim())
"""


def _listed(page: Any, *labels: str) -> None:
    """Wait until the list shows ``labels``, in this order, and nothing else."""
    page.wait_for_function(
        f"labels => JSON.stringify(({LISTED_JS})()) === JSON.stringify(labels)",
        arg=list(labels),
    )


def _new_chat(page: Any, question: str) -> None:
    page.locator("#new-chat").click()
    page.wait_for_function("() => !document.querySelector('#chat .bot-row')")
    ask(page, question)


PEOPLE_OPS = "How does People Operations differ from HR?"
GENERALIST = "What does an HR Generalist do?"
ASSISTANT = "Wat doet een HR-assistent?"


def test_the_search_filters_the_chats_by_title_or_question_in_the_browser_only(
    browser_context, served
):
    tab = _tab(browser_context, served)
    ask(tab, PEOPLE_OPS)
    ask(tab, ASSISTANT)  # a question of this chat that is not its title
    _new_chat(tab, GENERALIST)
    _chat_list_has(tab, GENERALIST)
    tab.locator("#chat-title textarea, #chat-title input").fill("Rôle du Généraliste")
    tab.locator("#rename-chat").click()
    _listed(tab, "Rôle du Généraliste", PEOPLE_OPS)
    sent: list[str] = []
    tab.on("request", lambda r: sent.append(f"{r.method} {r.url}"))
    search = tab.locator("#chat-search input, #chat-search textarea")
    search.press_sequentially("ASSISTENT")  # typed: the list follows each key
    _listed(tab, PEOPLE_OPS)
    search.fill("generaliste")  # without its accents, in another case
    _listed(tab, "Rôle du Généraliste")
    note = tab.locator("#chat-search-none [role=status]")
    assert note.inner_text() == ""
    search.fill("recruiter")
    _listed(tab)
    assert note.inner_text() == "No chat matches."
    search.fill("")
    _listed(tab, "Rôle du Généraliste", PEOPLE_OPS)
    assert note.inner_text() == ""
    assert sent == []  # nothing of the search reached the server
    search.fill("people")
    _new_chat(tab, ASSISTANT)  # a chat saved meanwhile is filtered too
    tab.wait_for_function(f"() => Object.keys(({HELD_JS})()).length === 3")
    tab.wait_for_function("() => document.querySelectorAll('#chat-list label').length === 3")
    _listed(tab, PEOPLE_OPS)


def _pinned_in_storage(page: Any) -> list[str]:
    return sorted(
        page.evaluate(
            f"() => Object.keys(localStorage).filter(k => k.startsWith('{CHAT_KEY}'))"
            ".map(k => JSON.parse(localStorage.getItem(k))).filter(c => c.pinned)"
            ".map(c => c.title)"
        )
    )


def test_a_pinned_chat_is_listed_first_after_a_reload_until_unpinned(browser_context, served):
    tab = _tab(browser_context, served)
    ask(tab, PEOPLE_OPS)
    _new_chat(tab, GENERALIST)
    _new_chat(tab, ASSISTANT)
    _listed(tab, ASSISTANT, GENERALIST, PEOPLE_OPS)
    tab.locator("#chat-list label", has_text="People Operations").click()  # the oldest
    pin = tab.get_by_role("button", name="Pin chat")
    pin.focus()
    tab.keyboard.press("Enter")
    _listed(tab, f"Pinned: {PEOPLE_OPS}", ASSISTANT, GENERALIST)
    tab.get_by_role("button", name="Unpin chat").wait_for()  # its name says it is pinned
    assert _pinned_in_storage(tab) == [PEOPLE_OPS]

    tab.reload(wait_until="load")
    tab.wait_for_selector("#chat .bot-row")
    _listed(tab, f"Pinned: {PEOPLE_OPS}", ASSISTANT, GENERALIST)
    unpin = tab.get_by_role("button", name="Unpin chat")
    unpin.wait_for()
    assert PEOPLE_OPS in tab.locator("#chat .user-row").first.inner_text()
    tab.locator("#chat-search input, #chat-search textarea").fill("does")
    _listed(tab, f"Pinned: {PEOPLE_OPS}", GENERALIST)
    tab.locator("#chat-sidebar").screenshot(path=str(SCREENSHOTS / "chat-list-search-pin.png"))

    unpin.focus()
    tab.keyboard.press("Space")
    tab.get_by_role("button", name="Pin chat").wait_for()
    _listed(tab, GENERALIST, PEOPLE_OPS)
    assert _pinned_in_storage(tab) == []


def test_these_pages_requested_nothing_outside_the_machine():
    assert OUTSIDE == []
