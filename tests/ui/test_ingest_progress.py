"""The Articles tab says how far an ingest of a large article is, by passages: a real
served app, the real model and store, real Chromium.

Before, progress counted articles: one large article (an hour for 19 MB on two cores)
showed no step at all, and the folder's status line said only when the last sync ended.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bench.synthetic import short_sections_text
from core.settings import Settings
from ingest.indexer import PASSAGES_PER_WRITE
from tests.conftest import KNOWLEDGE, free_port, within_deadline

pytestmark = pytest.mark.integration

PASSAGES = 5 * PASSAGES_PER_WRITE  # the large article's: one section, one passage
# What the page shows as it changes: each value of its progress bars (one over each
# output) once, in the order first shown, and its folder status line after each change.
RECORD_SHOWN = """() => {
  window.bars = [];
  window.lines = [];
  const keep = () => {
    for (const bar of document.querySelectorAll('[role=progressbar]')) {
      const said = bar.getAttribute('aria-valuetext');
      if (said && !window.bars.includes(said)) window.bars.push(said);
    }
    const line = document.querySelector('#watch-status p')?.innerText;
    if (line && line !== window.lines.at(-1)) window.lines.push(line);
  };
  new MutationObserver(keep).observe(document.body,
    {subtree: true, childList: true, attributes: true, characterData: true});
}"""


@contextmanager
def _site(root: Path, embeddings: Any, watch: bool) -> Iterator[tuple[str, Any, int]]:
    """The app as `serve` runs it over a copy of the project's articles, already
    ingested, with its folder watched or not: its URL, its Runtime and how many
    passages it holds with the large article added."""
    from hr_assistant.runtime import Runtime
    from ui.app import build_app, launch_kwargs

    knowledge = root / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    settings = Settings(data_dir=root / "data", knowledge_dir=knowledge, _env_file=None)
    runtime = Runtime(settings, embeddings=embeddings)
    first = runtime.knowledge.sync()
    app = build_app(runtime.assistant, runtime.knowledge, runtime.feedback)
    stop = threading.Event()
    if watch:
        kwargs = {"stop_event": stop, "synced": first}
        threading.Thread(target=runtime.knowledge.watch, kwargs=kwargs, daemon=True).start()
    port = free_port()
    app.queue().launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        **launch_kwargs(settings),
    )
    yield f"http://127.0.0.1:{port}/", runtime, first.chunks + PASSAGES
    stop.set()
    app.close()


def _articles_page(browser: Any, url: str) -> tuple[Any, Any]:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.locator("button[role='tab']", has_text="Articles").click()
    page.wait_for_selector("#articles-table")
    page.evaluate(RECORD_SHOWN)
    return context, page


def _add_large_article(knowledge: Path) -> None:
    text = short_sections_text(PASSAGES, 11)
    (knowledge / "handbook.md").write_text(text, encoding="utf-8")


def test_reingest_shows_its_progress_in_passages(browser, tmp_path: Path, embeddings):
    with _site(tmp_path, embeddings, watch=False) as (url, runtime, all_passages):
        context, page = _articles_page(browser, url)
        _add_large_article(runtime.settings.knowledge_dir)
        page.locator("#reingest").click()
        page.wait_for_function(
            "() => (document.querySelector('#admin-status')?.innerText || '').includes('added')",
            timeout=600_000,
        )
        shown = page.evaluate("window.bars")
        context.close()
    steps = [
        (int(done), int(total))
        for done, total in re.findall(r"^(\d+) / (\d+) passages$", "\n".join(shown), re.M)
    ]
    assert {total for _, total in steps} == {all_passages}, shown
    done = [d for d, _ in steps]
    assert done == sorted(done) and done[-1] == all_passages, shown
    # Before: Gradio's tracked tqdm bar over articles, 0 / 4 and then 4 / 4 at most.
    assert len({d for d in done if 0 < d < all_passages}) >= 3, shown


def test_the_folder_status_says_how_far_a_sync_of_the_watcher_is(
    browser, tmp_path: Path, embeddings, monkeypatch: pytest.MonkeyPatch
):
    from ui import layout_articles

    monkeypatch.setattr(layout_articles, "WATCH_STATUS_EVERY_S", 1)  # at once, for the test
    with _site(tmp_path, embeddings, watch=True) as (url, runtime, all_passages):
        context, page = _articles_page(browser, url)
        base = runtime.knowledge
        within_deadline(lambda: base.watch_state() is not None, "the watch did not start")
        _add_large_article(runtime.settings.knowledge_dir)
        states = _states_until_synced(base, all_passages, 600)
        time.sleep(2)  # a last tick of the page's timer
        lines = page.evaluate("window.lines")
        context.close()
    done = [d for d, _ in states]
    assert done == sorted(done) and len({d for d in done if 0 < d < all_passages}) >= 3, states
    said = re.findall(rf"syncing: (\d+) of {all_passages} passages", "\n".join(lines))
    assert said and all(int(d) < all_passages for d in said), lines
    assert "syncing" not in lines[-1] and "last sync" in lines[-1], lines


def _states_until_synced(base: Any, total: int, deadline_s: float) -> list[tuple[int, int]]:
    """Every (done, ``total``) the watcher's state says, read often, until that sync
    has ended (the watch's own catch-up sync may come first, over fewer passages)."""
    seen: list[tuple[int, int]] = []
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        syncing = base.watch_state().syncing
        if syncing is None and seen:
            return seen
        if syncing is not None and syncing[1] == total and syncing != (seen or [None])[-1]:
            seen.append(syncing)
        time.sleep(0.02)
    pytest.fail(f"the sync did not end in {deadline_s} s: {seen}")
