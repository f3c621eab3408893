"""Managing articles from the browser, on a copy of the knowledge folder."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings
from tests.conftest import KNOWLEDGE, free_port
from tests.ui.conftest import SCREENSHOTS

pytestmark = pytest.mark.integration

PASSWORD = "s3cret-admin"
RECRUITER_Q = "Who writes the job advertisements and screens the applications as a recruiter?"
NEW_ARTICLE = """---
title: "What does a recruiter do?"
language: en
---

A recruiter fills open vacancies: writing job advertisements, screening applications and
scheduling the first interviews with candidates for the hiring manager.
"""


@pytest.fixture(scope="module")
def admin_site(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[tuple[Any, ...]]:
    from hr_assistant.runtime import Runtime
    from ui.app import build_app, launch_kwargs

    root = tmp_path_factory.mktemp("admin")
    knowledge = root / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    settings = Settings(
        data_dir=root / "data", knowledge_dir=knowledge, admin_password=PASSWORD, _env_file=None
    )
    runtime = Runtime(settings, embeddings=embeddings)
    runtime.knowledge.sync()
    app = build_app(runtime.assistant, runtime.knowledge, runtime.feedback)
    port = free_port()
    app.queue().launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        **launch_kwargs(settings),
    )
    yield f"http://127.0.0.1:{port}/", knowledge, runtime
    app.close()


@pytest.fixture
def admin_page(browser, admin_site) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(admin_site[0], wait_until="load")
    page.locator("button[role='tab']", has_text="Articles").click()
    page.wait_for_selector("#articles-table")
    yield page
    context.close()


def _status(page: Any, expected: str) -> str:
    page.wait_for_function(
        "t => (document.querySelector('#admin-status')?.innerText || '').includes(t)",
        arg=expected,
        timeout=120_000,
    )
    return page.locator("#admin-status").inner_text()


def _pick_for_delete(page: Any, title: str) -> None:
    page.locator("#delete-pick input").click()
    page.get_by_role("option", name=title).click()


def _switch_language(page: Any, language: str, where: str, expected: str) -> None:
    """Switch the interface language and wait until ``where`` says ``expected``."""
    page.locator("#ui-language label", has_text=language).click()
    page.wait_for_function(
        "([s, t]) => (document.querySelector(s)?.innerText || '').includes(t)",
        arg=[where, expected],
        timeout=15_000,
    )


def _unlock(page: Any, password: str) -> None:
    page.locator("#admin-password input").fill(password)
    page.locator("#admin-password input").press("Tab")  # checked when the box is left


def test_upload_needs_the_admin_password(admin_page, admin_site, tmp_path: Path):
    # Nothing can be dropped, so nothing reaches the server, before the password checks out.
    assert admin_page.locator("#upload input[type=file]").count() == 0
    _unlock(admin_page, "wrong")
    _status(admin_page, "Wrong or missing admin password")
    assert admin_page.locator("#upload input[type=file]").count() == 0
    assert not (admin_site[1] / "recruiter.md").exists()


def test_upload_then_delete_an_article(admin_page, admin_site, tmp_path: Path):
    knowledge = admin_site[1]
    upload = tmp_path / "Recruiter role (v2).md"
    upload.write_text(NEW_ARTICLE, encoding="utf-8")
    _unlock(admin_page, PASSWORD)
    admin_page.wait_for_selector("#upload input[type=file]", state="attached")
    admin_page.locator("#upload input[type=file]").set_input_files(str(upload))
    status = _status(admin_page, "Added Recruiter-role-v2.md")
    assert "4 articles, 28 passages" in status
    assert (knowledge / "Recruiter-role-v2.md").exists()
    admin_page.wait_for_function(
        "() => document.querySelector('#articles-table').innerText.includes('recruiter do')"
    )

    # Deleting asks first, naming the article and its passages; "Cancel" keeps it.
    _pick_for_delete(admin_page, "What does a recruiter do?")
    admin_page.locator("#delete").click()
    question = admin_page.locator("#delete-question")
    question.wait_for(state="visible")
    assert "What does a recruiter do?" in question.inner_text()
    assert "(1 passage)" in question.inner_text()
    _switch_language(admin_page, "Nederlands", "#delete-question", "verwijderen?")
    assert "What does a recruiter do?" in question.inner_text()
    _switch_language(admin_page, "English", "#delete-question", "What does a recruiter do?")
    admin_page.screenshot(path=str(SCREENSHOTS / "admin-delete-confirm.png"), full_page=True)
    admin_page.locator("#delete-no").click()
    _status(admin_page, "Nothing changed")
    assert (knowledge / "Recruiter-role-v2.md").exists()

    _pick_for_delete(admin_page, "What does a recruiter do?")
    admin_page.locator("#delete").click()
    admin_page.locator("#delete-yes").click()
    status = _status(admin_page, "Deleted")
    assert "Recruiter-role-v2.md" in status
    assert not (knowledge / "Recruiter-role-v2.md").exists()
    admin_page.wait_for_function(
        "() => !document.querySelector('#articles-table').innerText.includes('recruiter do')"
    )
    assistant = admin_site[2].assistant
    assert "recruiter" not in " ".join(c.source for c in assistant.ask(RECRUITER_Q).citations)

    # Undo brings the file, its passages and its answers back.
    admin_page.locator("#undo").click()
    _status(admin_page, "Restored Recruiter-role-v2.md")
    assert (knowledge / "Recruiter-role-v2.md").exists()
    admin_page.wait_for_function(
        "() => document.querySelector('#articles-table').innerText.includes('recruiter do')"
    )
    answer = assistant.ask(RECRUITER_Q)
    assert "Recruiter-role-v2" in {c.source for c in answer.citations}
    log = admin_page.locator("#audit-table").inner_text()
    assert "undo" in log and "delete" in log and "upload" in log


def test_uploading_over_an_existing_article_asks_first(admin_page, admin_site, tmp_path: Path):
    knowledge = admin_site[1]
    target = knowledge / "hr-generalist-vs-hr-manager.md"
    original = target.read_text(encoding="utf-8")
    upload = tmp_path / "hr-generalist-vs-hr-manager.md"
    upload.write_text(NEW_ARTICLE.replace("recruiter", "generalist"), encoding="utf-8")
    _unlock(admin_page, PASSWORD)
    admin_page.wait_for_selector("#upload input[type=file]", state="attached")
    admin_page.locator("#upload input[type=file]").set_input_files(str(upload))
    question = admin_page.locator("#replace-question")
    question.wait_for(state="visible")
    assert (
        "hr-generalist-vs-hr-manager.md" in question.inner_text()
        and "passages" in question.inner_text()
    )
    # A question still open is asked again in the language switched to.
    _switch_language(admin_page, "Nederlands", "#replace-question", "Vervangen?")
    _switch_language(admin_page, "English", "#replace-question", "Replace them?")
    admin_page.locator("#replace-no").click()
    _status(admin_page, "Nothing changed")
    assert target.read_text(encoding="utf-8") == original

    admin_page.locator("#upload input[type=file]").set_input_files(str(upload))
    admin_page.locator("#replace-yes").click()
    _status(admin_page, "Added hr-generalist-vs-hr-manager.md")
    assert "generalist fills" in target.read_text(encoding="utf-8")
    admin_page.locator("#undo").click()  # the replaced version comes back over the upload
    _status(admin_page, "Restored hr-generalist-vs-hr-manager.md")
    assert target.read_text(encoding="utf-8") == original
    assert "replace" in admin_page.locator("#audit-table").inner_text()


def test_reingest_button_reports_what_it_did(admin_page):
    admin_page.locator("#admin-password input").fill(PASSWORD)
    admin_page.locator("#reingest").click()
    assert "0 added, 0 deleted" in _status(admin_page, "unchanged")
    admin_page.wait_for_function(
        "() => document.querySelector('#audit-table').innerText.includes('reingest')"
    )


@pytest.fixture(scope="module")
def exposed_site(assistant, feedback_store) -> Iterator[str]:
    """The app as `serve --host 0.0.0.0` builds it without an admin password (reached
    here on loopback)."""
    from ingest.knowledge_base import KnowledgeBase
    from ui.app import build_app, launch_kwargs

    knowledge = KnowledgeBase(assistant.settings, assistant.embeddings, on_change=None)
    app = build_app(assistant, knowledge, feedback_store, host="0.0.0.0")
    port = free_port()
    app.queue().launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        **launch_kwargs(assistant.settings),
    )
    yield f"http://127.0.0.1:{port}/"
    app.close()


def _articles_tab(browser: Any, url: str, client: str = "") -> tuple[Any, Any]:
    """A new browser on the Articles tab; ``client``: the address it has as the server
    sees it, as a reverse proxy on this machine names it (uvicorn trusts 127.0.0.1's
    X-Forwarded-For), so that one machine can be two clients."""
    headers = {"X-Forwarded-For": client} if client else None
    context = browser.new_context(locale="en-GB", extra_http_headers=headers)
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.locator("button[role='tab']", has_text="Articles").click()
    page.wait_for_selector("#articles-table")
    return context, page


def test_on_a_network_address_without_a_password_the_tab_is_read_only(browser, exposed_site):
    context, page = _articles_tab(browser, exposed_site)
    try:
        note = page.locator("#admin-off")
        note.wait_for(state="visible")
        assert "HR_ASSISTANT_ADMIN_PASSWORD" in note.inner_text()
        page.wait_for_function(  # the list is filled once the page has loaded
            "() => document.querySelector('#articles-table').innerText"
            ".includes('People Operations')"
        )
        for managing in ("#upload", "#delete", "#delete-pick", "#reingest", "#admin-password"):
            assert not page.locator(managing).is_visible(), managing
        page.screenshot(path=str(SCREENSHOTS / "admin-read-only.png"), full_page=True)
    finally:
        context.close()


def test_on_loopback_without_a_password_the_tab_stays_open(browser, served):
    context, page = _articles_tab(browser, served)
    try:
        page.wait_for_selector("#upload input[type=file]", state="attached")
        assert page.locator("#delete").is_visible() and page.locator("#reingest").is_visible()
        assert not page.locator("#admin-off").is_visible()
    finally:
        context.close()


def test_read_only_handlers_refuse_whatever_a_client_sends(assistant, feedback_store, tmp_path):
    from ingest.knowledge_base import KnowledgeBase
    from ui.handlers import ChatApp
    from ui.render import status_markdown

    knowledge = KnowledgeBase(assistant.settings, assistant.embeddings, on_change=None)
    handlers = ChatApp(assistant, knowledge, feedback_store, manage_articles=False)
    upload = tmp_path / "recruiter.md"
    upload.write_text(NEW_ARTICLE, encoding="utf-8")
    before = sorted(p.name for p in assistant.settings.knowledge_dir.iterdir())
    for status in (
        handlers.upload([(upload, "recruiter.md")], "", client="")[0],
        handlers.delete("people-operations-vs-hr", "", client="")[0],
        handlers.undo(["x"], "", client="")[0],
        handlers.reingest("", client=""),
    ):
        assert "HR_ASSISTANT_ADMIN_PASSWORD" in status_markdown("en", status)
    assert sorted(p.name for p in assistant.settings.knowledge_dir.iterdir()) == before


def test_serve_on_a_network_address_keeps_articles_read_only(tmp_path: Path):
    from tests.ui.test_bounded_requests import running_serve, signed_in

    data = tmp_path / "data"
    data.mkdir()  # empty: serve ingests it itself
    with running_serve(data, tmp_path, host="0.0.0.0") as server, signed_in(server) as client:
        config = client.get(server.url + "config").json()
    shown = {
        c["props"].get("elem_id"): c["props"].get("visible", True) for c in config["components"]
    }
    assert shown["admin-off"] is True and shown["upload"] is False


# The one way the Articles tab writes a time.
TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$")
PAYROLL_ARTICLE = NEW_ARTICLE.replace("What does a recruiter do?", "What does payroll do?")


def _column(page: Any, table: str, n: int) -> list[str]:
    """The text of column ``n`` of every row of ``table``."""
    return page.locator(f"{table} tbody tr td:nth-child({n})").all_inner_texts()


def test_one_time_format_and_last_ingested_stays_filled(admin_page, tmp_path: Path):
    upload = tmp_path / "payroll.md"
    upload.write_text(PAYROLL_ARTICLE, encoding="utf-8")
    listed = len(_column(admin_page, "#articles-table", 4))
    _unlock(admin_page, PASSWORD)
    admin_page.wait_for_selector("#upload input[type=file]", state="attached")
    admin_page.locator("#upload input[type=file]").set_input_files(str(upload))
    _status(admin_page, "Added payroll.md")
    admin_page.wait_for_function(
        "() => document.querySelector('#articles-table').innerText.includes('payroll do')"
    )
    ingested = _column(admin_page, "#articles-table", 4)
    assert len(ingested) == listed + 1 and all(TIME.match(t) for t in ingested), ingested

    _pick_for_delete(admin_page, "What does payroll do?")
    admin_page.locator("#delete").click()
    admin_page.locator("#delete-yes").click()
    _status(admin_page, "Deleted payroll.md")
    admin_page.wait_for_function(
        "() => !document.querySelector('#articles-table').innerText.includes('payroll do')"
    )
    ingested = _column(admin_page, "#articles-table", 4)
    assert len(ingested) == listed and all(TIME.match(t) for t in ingested), ingested
    logged = _column(admin_page, "#audit-table", 1)
    assert logged and all(TIME.match(t) for t in logged), logged
    headers = admin_page.locator("#articles-table th, #audit-table th").all_inner_texts()
    assert "Time" in headers and not any("(UTC)" in h for h in headers)


def test_a_page_opened_later_lists_the_articles_as_they_are_then(
    browser, admin_site, tmp_path: Path
):
    """An article added since the chat started (by another page, the watcher or a
    shared store) is listed on a page opened after it, with its time."""
    url, _, runtime = admin_site
    upload = tmp_path / "onboarding.md"
    upload.write_text(
        NEW_ARTICLE.replace("What does a recruiter do?", "Who runs onboarding?"), encoding="utf-8"
    )
    runtime.knowledge.add([(upload, upload.name)])
    runtime.knowledge.sync()
    context, page = _articles_tab(browser, url)
    try:
        page.wait_for_function(
            "() => document.querySelector('#articles-table').innerText.includes('onboarding')"
        )
        row = page.locator("#articles-table tbody tr", has_text="Who runs onboarding?")
        assert TIME.match(row.locator("td").nth(3).inner_text())
        page.locator("#delete-pick input").click()
        assert page.get_by_role("option", name="Who runs onboarding?").is_visible()
    finally:
        context.close()
        runtime.knowledge.trash("onboarding")
        runtime.knowledge.sync()


def test_one_clients_wrong_admin_passwords_lock_out_no_other_client(browser, admin_site):
    url = admin_site[0]
    guesser, guessing = _articles_tab(browser, url, client="203.0.113.7")
    admin, administering = _articles_tab(browser, url, client="198.51.100.2")
    try:
        for attempt in range(6):
            _unlock(guessing, f"guess-{attempt}")
            guessing.wait_for_timeout(300)
        _unlock(guessing, PASSWORD)
        _status(guessing, "Too many wrong passwords")
        _unlock(administering, PASSWORD)
        said = _status(administering, "password")  # accepted, or refused
        assert "Admin password accepted" in said, said
        administering.wait_for_selector("#upload input[type=file]", state="attached")
    finally:
        guesser.close()
        admin.close()


def test_guessing_the_admin_password_is_stopped(admin_page):
    # Last in this module: it leaves the admin password blocked for a minute.
    for attempt in range(5):
        _unlock(admin_page, f"guess-{attempt}")
        admin_page.wait_for_timeout(300)
    _unlock(admin_page, PASSWORD)
    _status(admin_page, "Too many wrong passwords")
    assert admin_page.locator("#upload input[type=file]").count() == 0
