"""Managing articles from the browser, on a copy of the knowledge folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings
from tests.conftest import KNOWLEDGE, free_port

pytestmark = pytest.mark.integration

PASSWORD = "s3cret-admin"
NEW_ARTICLE = """---
title: "What does a recruiter do?"
language: en
---

A recruiter fills open vacancies: writing job advertisements, screening applications and
scheduling the first interviews with candidates for the hiring manager.
"""


@pytest.fixture(scope="module")
def admin_site(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[tuple[str, Path]]:
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
    yield f"http://127.0.0.1:{port}/", knowledge
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
    status = _status(admin_page, "articles")
    assert "Added Recruiter-role-v2.md" in status
    assert (knowledge / "Recruiter-role-v2.md").exists()
    admin_page.wait_for_function(
        "() => document.querySelector('#articles-table').innerText.includes('recruiter do')"
    )

    admin_page.locator("#delete-pick input").click()
    admin_page.get_by_role("option", name="What does a recruiter do?").click()
    admin_page.locator("#delete").click()
    status = _status(admin_page, "Deleted")
    assert "Recruiter-role-v2.md" in status
    assert not (knowledge / "Recruiter-role-v2.md").exists()
    admin_page.wait_for_function(
        "() => !document.querySelector('#articles-table').innerText.includes('recruiter do')"
    )


def test_reingest_button_reports_what_it_did(admin_page):
    admin_page.locator("#admin-password input").fill(PASSWORD)
    admin_page.locator("#reingest").click()
    assert "3 articles" in _status(admin_page, "unchanged")


def test_guessing_the_admin_password_is_stopped(admin_page):
    # Last in this module: it leaves the admin password blocked for a minute.
    for attempt in range(5):
        _unlock(admin_page, f"guess-{attempt}")
        admin_page.wait_for_timeout(300)
    _unlock(admin_page, PASSWORD)
    _status(admin_page, "Too many wrong passwords")
    assert admin_page.locator("#upload input[type=file]").count() == 0
