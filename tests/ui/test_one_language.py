"""One language per screen: in Dutch mode no word of the English interface is shown or
read out (and the other way round), whatever language the browser or the answer is in,
and the switch survives a reload.

The walk in real Chromium lists every visible text node and every aria-label, title and
placeholder of the page, and matches them against the interface's own words in the other
language (``ui.texts.TEXTS``). What the articles and the answers say is left out: an
English article stays English in Dutch mode. The pure parts (the words an answer carries,
the admin log's outcomes, Dutch's one form of address) are checked without a browser,
and the admin log through the real knowledge base.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from core.settings import Settings
from core.types import Answer, Citation
from ingest.indexer import IngestReport
from tests.conftest import KNOWLEDGE
from tests.ui.conftest import SCREENSHOTS
from tests.ui.test_browser import _is_local, ask, wait_until_saved
from ui.app import GRADIO_DRAWN, GRADIO_WORDS, PAGE_WORDS_MARK, page_script
from ui.handlers import (
    OUTCOME_CHARS,
    audit_action,
    audit_outcome,
    audit_record,
    failed,
    ingest_counts,
    ingested_line,
    ingested_said,
    ingested_words,
)
from ui.render import answer_bubble, language_css
from ui.texts import TEXTS, said, text

OUTSIDE: list[str] = []
SEND = {"en": "Send", "nl": "Versturen"}
SWITCH = {"en": "English", "nl": "Nederlands"}
# A label the page composes with a value: "Sources (3)", "Publisher: …".
_COMPOSED = r"(?:\s*\(\d+\)|: .*)?"

# Every visible text node and every aria-label, title and placeholder, as [where, what].
# Left out: the language switch (each language named in its own words, on purpose), and
# what the articles and the questions say: answers (all but their sources' heading and
# copy button), passages, articles, chat titles and the questions offered to ask next.
SHOWN_JS = """
() => {
  const content = '#chat .message-row, .hr-snippet, .hr-article, #hr-tip-layer, '
    + '#chat-list, .hr-suggestion, .hr-bubble-sources li';
  const label = 'summary, .hr-copy, .hr-meta';
  const skipped = el => el.closest('#ui-language')
    || (el.closest(content) && !el.closest(label));
  const shown = el => el.checkVisibility({ visibilityProperty: true });
  const found = [['document.title', document.title]];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const words = walker.currentNode.textContent.trim();
    if (words && el && shown(el) && !skipped(el) && !el.closest('script, style')) {
      found.push([el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''), words]);
    }
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    if (!shown(el) || el.closest('#ui-language')) continue;
    for (const name of ['aria-label', 'title', 'placeholder']) {
      const value = el.getAttribute(name);
      if (value) found.push([`${el.tagName.toLowerCase()}[${name}]`, value]);
    }
  }
  return found;
}
"""


def interface_words(language: str) -> list[tuple[str, re.Pattern[str]]]:
    """Each line of each interface text of ``language`` that the other language says
    otherwise, as a pattern ({placeholders} match anything): (text key, pattern)."""
    other = TEXTS["nl" if language == "en" else "en"]
    patterns = []
    for key, template in TEXTS[language].items():
        if template == other[key]:
            continue  # "Chat", "Passages": the same word in both
        for line in template.replace("`", "").splitlines():
            line = line.strip().lstrip("#").strip()
            parts = re.split(r"\{\w+\}", line)
            if any(part.strip(" .,:()") for part in parts):
                fixed = ".+?".join(re.escape(part) for part in parts)
                patterns.append((key, re.compile(fixed + _COMPOSED, re.DOTALL)))
    return patterns


def foreign_words(page: Any, language: str) -> list[str]:
    """What the page shows or reads out in ``language``'s interface words, each as
    "where: text (text key)"; a meta line's parts (" · ") are matched one by one."""
    patterns = interface_words(language)
    found = []
    for where, words in page.evaluate(SHOWN_JS):
        for part in words.split(" · "):
            for key, pattern in patterns:
                if pattern.fullmatch(part.strip()):
                    found.append(f"{where}: {part.strip()!r} ({key})")
    return sorted(set(found))


def open_page(browser: Any, url: str, locale: str) -> Any:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: None if _is_local(r.url) else OUTSIDE.append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_selector("#question textarea")
    return page


def wait_for_language(page: Any, language: str) -> None:
    """Wait until the page is in ``language`` and no event is running any more."""
    page.wait_for_function(
        "label => document.querySelector('#send')?.innerText.trim() === label",
        arg=SEND[language],
    )
    page.wait_for_function("language => document.documentElement.lang === language", arg=language)
    page.wait_for_function("() => !document.querySelector('.pending')")
    page.wait_for_timeout(500)


def switch(page: Any, language: str) -> None:
    page.locator("#ui-language label", has_text=SWITCH[language]).click()
    wait_for_language(page, language)


def vote_down(page: Any) -> None:
    """Thumbs down on the latest answer, a reason, and the toast that thanks for it."""
    # Gradio's name for it: its own English one, or the interface language's.
    page.locator(
        "#chat button[aria-label='Dislike'], #chat button[aria-label='Vind ik niet leuk']"
    ).last.click()
    page.locator("#feedback-reason").first.wait_for(state="visible")
    page.locator("#reason label").nth(1).click()
    page.locator("#reason-send").click()
    page.locator("[data-testid=toast-body]").first.wait_for(state="visible")


def open_first_source(page: Any) -> None:
    page.locator("#sources .hr-card-open").first.click()
    page.locator("#article-view mark#cited-passage").wait_for(state="visible")


@pytest.fixture
def dutch_page(browser, served) -> Iterator[Any]:
    """A page whose browser prefers English, switched to Dutch: Gradio's own words
    follow the browser unless the page makes them follow the switch."""
    page = open_page(browser, served, "en-GB")
    wait_for_language(page, "en")
    switch(page, "nl")
    yield page
    page.context.close()


@pytest.mark.integration
def test_dutch_mode_shows_no_english_and_survives_a_reload(dutch_page):
    page = dutch_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # An English question: its answer is English, what the page puts around it is Dutch.
    ask(page, "How does People Operations differ from HR?")
    vote_down(page)
    open_first_source(page)
    english = foreign_words(page, "en")
    page.screenshot(path=str(SCREENSHOTS / "dutch-chat.png"), full_page=True)

    page.locator("#articles-tab-button, button[role=tab]", has_text="Artikelen").first.click()
    page.locator("#articles-table th").first.wait_for(state="visible")
    page.locator("#reingest").click()  # nothing changed: an entry in the admin log
    page.wait_for_function("() => document.querySelector('#audit-table tbody tr')")
    page.wait_for_timeout(500)
    english += foreign_words(page, "en")
    page.screenshot(path=str(SCREENSHOTS / "dutch-articles.png"), full_page=True)
    assert not english, "English in Dutch mode:\n" + "\n".join(sorted(set(english)))

    page.locator("button[role=tab]", has_text="Chat").first.click()
    wait_until_saved(page)
    page.reload(wait_until="load")
    page.wait_for_selector("#question textarea")
    wait_for_language(page, "nl")
    assert page.locator("#ui-language input[value=nl]").is_checked()
    page.wait_for_function("() => document.querySelector('#chat .hr-copy')")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "dutch-after-reload.png"), full_page=True)
    reloaded = foreign_words(page, "en")
    assert not reloaded, "English in Dutch mode after a reload:\n" + "\n".join(reloaded)
    assert OUTSIDE == []


@pytest.mark.integration
def test_english_mode_shows_no_dutch_after_a_switch(browser, served):
    page = open_page(browser, served, "nl-NL")
    try:
        wait_for_language(page, "nl")
        ask(page, "Wat is het verschil tussen een HR-assistent en een HR-officer?")
        open_first_source(page)
        # What an admin action said in Dutch is said again in English after the switch.
        page.locator("button[role=tab]", has_text="Artikelen").first.click()
        page.locator("#reingest").click()
        page.wait_for_function(
            "() => (document.querySelector('#admin-status')?.innerText || '')"
            ".includes('ongewijzigd')"
        )
        page.locator("button[role=tab]", has_text="Chat").first.click()
        switch(page, "en")
        dutch = foreign_words(page, "nl")
        page.locator("button[role=tab]", has_text="Articles").first.click()
        page.locator("#articles-table th").first.wait_for(state="visible")
        page.wait_for_timeout(500)
        # Filled at load and drawn anew at the switch (no public poll endpoint does it).
        assert text("en", "watch_off") in page.locator("#watch-status").inner_text()
        assert "unchanged" in page.locator("#admin-status").inner_text()
        dutch += foreign_words(page, "nl")
        page.screenshot(path=str(SCREENSHOTS / "english-articles.png"), full_page=True)
        assert not dutch, "Dutch in English mode:\n" + "\n".join(sorted(set(dutch)))
    finally:
        page.context.close()


def test_every_text_is_in_both_languages_and_dutch_says_je():
    assert TEXTS["en"].keys() == TEXTS["nl"].keys()
    formal = re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE)
    assert [k for k, v in TEXTS["nl"].items() if formal.search(v.replace("`", ""))] == []


def test_an_answer_carries_its_words_in_every_language_and_the_page_shows_one():
    citation = Citation(1, "a", "Pay", "a#0", "Pay is monthly.", "en")
    answer = Answer("Pay?", "Pay is monthly [1].", "en", False, [citation])
    bubble = answer_bubble(answer)
    for language in ("en", "nl"):
        for key in ("answer_sources", "copy"):
            assert f'<span class="hr-lang-{language}">{text(language, key)}</span>' in bubble
    refusal = answer_bubble(Answer("Cars?", "No.", "en", True, [], closest=[citation]))
    assert text("nl", "answer_closest") in refusal and text("en", "answer_closest") in refusal
    css = language_css()
    assert 'html:not([lang="nl"]) .hr-lang-nl' in css and 'html[lang="nl"] .hr-lang-en' in css


def test_the_admin_log_keeps_what_an_outcome_says_and_says_it_in_the_interface_language():
    report = IngestReport(articles=1, chunks=5, added=1, deleted=0, skipped=4)
    # An error from elsewhere stays as written, even where it quotes the page's words.
    error = "Not ingested: no text"
    kept = audit_record(
        (
            ingested_said(*ingest_counts(report)),
            said("file_error", plain=True, file="x.pdf", error=error),
        )
    )
    assert json.loads(kept) == {
        "said": [
            [
                "ingested",
                {
                    "articles": ["count_article_one", {"count": 1}],
                    "chunks": ["count_passage", {"count": 5}],
                    "added": 1,
                    "deleted": 0,
                    "skipped": 4,
                },
            ],
            ["file_error", {"file": "x.pdf", "error": error}],
        ]
    }
    for language in ("en", "nl"):
        said_then = text(language, "file_error", file="x.pdf", error=error)
        assert audit_outcome(kept, language) == f"{ingested_line(language, report)} {said_then}"
    assert audit_outcome(failed("disk full"), "nl") == "mislukt: disk full"
    assert audit_outcome(failed("disk full"), "en") == "failed: disk full"
    # Rows kept before (the page's English words), and anything else that is not what
    # audit_record writes, or that this version cannot say: shown as written.
    for written in (
        "1 article, 5 passages: 1 added, 0 deleted, 4 unchanged. Not ingested: x.pdf: no text",
        "failed: disk full",
        "as someone wrote it",
        "{not JSON",
        '{"said": 3}',
        '{"said": [["no_such_key", {}]]}',
        '{"said": [["audit_failed", {}]]}',
        '{"said": [["audit_failed", {"problem": {"a": 1}}]]}',
        '{"said": [["audit_failed", {"problem": true}]]}',
    ):
        assert audit_outcome(written, "nl") == written
    assert audit_action("reingest", "nl") == "opnieuw inlezen"
    assert audit_action("something new", "nl") == "something new"


def test_an_outcome_is_kept_whole_within_what_the_log_keeps_of_it():
    from ingest.audit import MAX_FIELD_CHARS

    assert OUTCOME_CHARS == MAX_FIELD_CHARS  # a longer one is cut there, and unreadable
    errors = [
        said("file_error", plain=True, file=f"file{n}.pdf", error="x" * 300) for n in range(30)
    ]
    kept = audit_record((ingested_said(40, 900, 1, 0, 899), *errors))
    assert len(kept) <= OUTCOME_CHARS
    for language, more in (("en", "more)"), ("nl", ")")):
        shown = audit_outcome(kept, language)
        assert shown.startswith(ingested_words(language, 40, 900, 1, 0, 899))
        assert "file0.pdf" in shown and shown.endswith(more)
    huge = audit_record((said("audit_failed", plain=True, problem="y" * 5000),))
    assert len(huge) <= OUTCOME_CHARS and audit_outcome(huge, "nl").startswith("mislukt: yyy")


@pytest.mark.integration
def test_an_admin_action_is_logged_as_what_it_says(embeddings, feedback_store, tmp_path):
    """Through the real knowledge base and its SQL log: a re-ingest with an unreadable
    file is said in the interface language, and a row kept before as it was written."""
    from hr_assistant.runtime import Runtime
    from ingest.indexer import ingest_folder
    from ingest.knowledge_base import KnowledgeBase
    from ui.handlers import ChatApp

    folder = tmp_path / "knowledge"
    folder.mkdir()
    for path in KNOWLEDGE.glob("*.md"):
        shutil.copy(path, folder / path.name)
    (folder / "broken.pdf").write_bytes(b"not a PDF")
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=folder, _env_file=None)
    ingest_folder(settings, embeddings=embeddings)
    knowledge = KnowledgeBase(settings, embeddings, on_change=None)
    handlers = ChatApp(
        Runtime(settings, embeddings=embeddings).assistant, knowledge, feedback_store
    )
    handlers.reingest("", client="127.0.0.1")

    [[key, _], [error_key, error]] = json.loads(knowledge.audit.recent()[0].outcome)["said"]
    assert (key, error_key, error["file"]) == ("ingested", "file_error", "broken.pdf")
    dutch, english = handlers.audit_rows("nl")[0], handlers.audit_rows("en")[0]
    assert dutch[1:3] == ["opnieuw inlezen", ""] and english[1] == "reingest"
    assert dutch[3].startswith("3 artikelen, ") and " ongewijzigd. Niet ingelezen: " in dutch[3]
    assert english[3].startswith("3 articles, ") and " unchanged. Not ingested: " in english[3]

    before = "3 articles, 27 passages: 0 added, 0 deleted, 27 unchanged."
    knowledge.audit.record("reingest", "", before)
    assert handlers.audit_rows("nl")[0][3] == before


def test_a_status_line_is_kept_as_what_it_says_and_said_in_either_language():
    """What an admin action said is said again in another language as it was, values
    and all; words from elsewhere stay as written, and plain text is escaped."""
    from ui.handlers import ingested_said
    from ui.render import status_markdown
    from ui.texts import as_written, said

    status = (
        said("saved", plain=True, name="<b>new</b>.md"),
        ingested_said(1, 5, 1, 0, 4),
        as_written("disk [full](x)"),
        said("admin_ok"),  # its Markdown (none here) is shown as Markdown
    )
    for language in ("en", "nl"):
        report = IngestReport(articles=1, chunks=5, added=1, deleted=0, skipped=4)
        paragraphs = status_markdown(language, status).split("\n\n")
        assert paragraphs[0] == text(language, "saved", name="&lt;b&gt;new&lt;/b&gt;.md")
        assert paragraphs[1] == ingested_line(language, report)
        assert paragraphs[2].startswith("disk ") and "](" not in paragraphs[2]
        assert paragraphs[3] == text(language, "admin_ok")
    assert status_markdown("nl", ()) == ""


def test_the_page_script_gets_the_words_of_gradio_it_swaps_in_every_language():
    script = page_script()
    assert PAGE_WORDS_MARK not in script
    for label, key in {**GRADIO_DRAWN, "Like": GRADIO_WORDS["chatbot.like"]}.items():
        assert f'"{label}": {{"en": "{text("en", key)}", "nl": "{text("nl", key)}"}}' in script


def test_an_open_question_and_a_gap_note_are_said_again_in_the_language_switched_to():
    from types import SimpleNamespace

    from ui.layout_articles import ArticlesEvents, gap_note

    assert gap_note("en", []) == "" and gap_note("nl", None) == ""
    note = gap_note("nl", ["Wat doet een <b>recruiter</b>?"])
    assert note.startswith(text("nl", "ins_gap_note")) and "&lt;b&gt;" in note
    handlers = SimpleNamespace(
        read_article=lambda article, language: f"article {article} in {language}",
        delete_question=lambda article, language: f"delete {article}? ({language})",
        replace_question=lambda uploads, language: f"replace {uploads[0][1]}? ({language})",
    )
    events = ArticlesEvents(handlers, insights_shown=False)  # type: ignore[arg-type]
    events.folder_status = lambda language: "status"  # type: ignore[method-assign]
    events.articles_table = lambda language: "table"  # type: ignore[method-assign]
    events.audit_table = lambda language: "log"  # type: ignore[method-assign]
    drawn = events.reworded("nl", "a", (), "a", [["/tmp/x.md", "x.md"]], ["Vraag?"])
    assert drawn[5:] == ("delete a? (nl)", "replace x.md? (nl)", gap_note("nl", ["Vraag?"]))
    # Nothing asked: the question boxes are left as they are.
    idle = events.reworded("en", None, (), "", [], [])
    assert idle[5:7] == ({"__type__": "update"}, {"__type__": "update"}) and idle[7] == ""
