"""A served app per module, and real Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.common import CHROMIUM, CHROMIUM_ARGS
from core.settings import PROJECT_ROOT
from tests.conftest import free_port, missing

SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def feedback_store(tmp_path_factory: pytest.TempPathFactory):
    from assistant.feedback import FeedbackStore
    from core.privacy import PrivacyPolicy

    database = tmp_path_factory.mktemp("feedback") / "feedback.sqlite"
    return FeedbackStore(f"sqlite:///{database}", PrivacyPolicy(90))


def serve_app(assistant, feedback_store) -> Iterator[str]:
    """Serve the real app for ``assistant`` on a free loopback port; yields its URL."""
    from ingest.knowledge_base import KnowledgeBase
    from ui.app import build_app, launch_kwargs, queued

    knowledge = KnowledgeBase(assistant.settings, assistant.embeddings, on_change=None)
    app = build_app(assistant, knowledge, feedback_store)
    port = free_port()
    queued(app).launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        **launch_kwargs(assistant.settings),
    )
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="module")
def served(assistant, feedback_store) -> Iterator[str]:
    """The real app on a free loopback port, with its own feedback database."""
    yield from serve_app(assistant, feedback_store)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium; in CI a missing browser fails instead of skipping."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
