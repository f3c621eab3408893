"""Time from Enter to the first words of an answer, and to the whole answer, in the browser.

What someone at the chat waits for: a real ``hr-assistant serve`` on a free loopback
port over a copy of the project's articles, real Chromium driven by Playwright. Each
question is typed into a new chat and sent with Enter; the page itself notes the time
of the Enter key, of the first words of the answer in the chat (its message holds
text, not the waiting dots), of the whole answer (its final form, with its sources and
"Copy with sources", is in the chat) and of the page going idle (no component busy:
the sources panel, the follow-up questions and the saved chats are done too). Five
English and five Dutch questions from ``tests/data/dev_questions.yaml``, each asked
``HR_FIRST_WORDS_ROUNDS`` times (3) after one warm-up question.

Run: ``.venv/bin/python -m bench.first_words`` (writes ``bench/results/first_words.md``).
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.evaluation import Case, load_cases
from bench.common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    KNOWLEDGE,
    TEST_DATA,
    served,
    temporary_settings,
    write_result,
)
from core.settings import PROJECT_ROOT

ROUNDS = int(os.environ.get("HR_FIRST_WORDS_ROUNDS", "3"))
PER_LANGUAGE = 5
MEASURES = ("first", "whole", "idle")
LABELS = {
    "first": "Enter → first words",
    "whole": "Enter → whole answer (sources, copy)",
    "idle": "Enter → page idle",
}

# Set up before Enter: the page notes, on its own clock, when Enter goes down and when
# the chat first shows words of the new answer and then its final form.
TIMING_JS = """
() => {
  const chat = document.getElementById('chat');
  const before = chat.querySelectorAll('.bot-row').length;
  const t = (window.hrTiming = { enter: null, first: null, whole: null, idle: null });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && t.enter === null) t.enter = performance.now();
  }, { capture: true });
  const answer = () => {
    const rows = chat.querySelectorAll('.bot-row');
    return rows.length > before ? rows[rows.length - 1] : null;
  };
  const seen = new MutationObserver(() => {
    const row = answer();
    if (!row) return;
    const now = performance.now();
    if (t.first === null && row.querySelector('.message-content')?.textContent.trim()) {
      t.first = now;
    }
    if (row.querySelector('.hr-copy')) {
      t.whole = now;
      seen.disconnect();
    }
  });
  seen.observe(chat, { subtree: true, childList: true, characterData: true });
}
"""
# Polled each frame once the answer is whole: notes when no component is busy any more.
IDLE_JS = """
() => {
  if (document.querySelector('.pending')) return false;
  window.hrTiming.idle ??= performance.now();
  return true;
}
"""


@dataclass
class Timings:
    """Milliseconds from Enter, per measure, over every question asked."""

    ms: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in MEASURES})

    def add(self, timing: dict[str, float]) -> None:
        for measure in MEASURES:
            self.ms[measure].append(timing[measure] - timing["enter"])


def questions() -> list[Case]:
    """The first answerable questions per language that need no earlier turn."""
    cases = load_cases(TEST_DATA / "dev_questions.yaml")
    alone = [c for c in cases if c.answerable and not c.history]
    return [
        case
        for language in ("en", "nl")
        for case in [c for c in alone if c.language == language][:PER_LANGUAGE]
    ]


def ask(page: Any, question: str) -> dict[str, float]:
    """Ask ``question`` in a new chat; the page's times of Enter, first words, whole, idle."""
    page.locator("#new-chat").click()
    page.wait_for_function("() => !document.querySelector('#chat .bot-row, .pending')")
    page.evaluate(TIMING_JS)
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("() => window.hrTiming.whole !== null", timeout=60_000)
    page.wait_for_function(IDLE_JS, polling="raf", timeout=60_000)
    timing: dict[str, float] = page.evaluate("() => window.hrTiming")
    if None in timing.values():
        raise RuntimeError(f"a time was not seen for {question!r}: {timing}")
    return timing


def commit() -> str:
    """The checkout's commit, and whether files differ from it: what was measured."""
    git = ["git", "-C", str(PROJECT_ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    )
    return head.stdout.strip() + (" with changes" if changed.stdout.strip() else "") or "unknown"


def percentiles(values: list[float]) -> str:
    p50, p95 = np.percentile(values, 50), np.percentile(values, 95)
    return f"{p50:.0f} | {p95:.0f} | {min(values):.0f} | {max(values):.0f}"


def main() -> None:
    from playwright.sync_api import sync_playwright

    cases = questions()
    settings = temporary_settings(KNOWLEDGE)
    load_before = os.getloadavg()
    per_language = {language: Timings() for language in ("en", "nl")}
    every = Timings()
    with served(settings) as (url, _server), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_selector("#question textarea")
        page.wait_for_function("() => !document.querySelector('.pending')")
        warm_up = ask(page, "What does an HR Generalist do?")
        started = time.perf_counter()
        for _ in range(ROUNDS):
            for case in cases:
                timing = ask(page, case.question)
                per_language[case.language].add(timing)
                every.add(timing)
        wall = time.perf_counter() - started
        version = browser.version
        browser.close()
    load_after = os.getloadavg()

    rows = [
        f"| {LABELS[m]} | {who} | {len(t.ms[m])} | {percentiles(t.ms[m])} |"
        for m in MEASURES
        for who, t in (
            ("all", every),
            ("English", per_language["en"]),
            ("Dutch", per_language["nl"]),
        )
    ]
    lines = [
        "# From Enter to the first words and to the whole answer, in the browser",
        "",
        f"A real `hr-assistant serve` on 127.0.0.1 over a copy of `knowledge/` "
        f"({len(list(KNOWLEDGE.glob('*.md')))} articles), headless Chromium {version} "
        "driven by Playwright at 1366×900. Each question is typed into a new chat and "
        "sent with Enter; the page notes on its own clock when Enter goes down, when the "
        "answer's first words are in the chat (its message holds text), when the whole "
        'answer is (its final form, with its sources and "Copy with sources") and when '
        "no component is busy any more (sources panel, follow-ups, saved chats). "
        f"{len(cases)} questions ({PER_LANGUAGE} English, {PER_LANGUAGE} Dutch, from "
        f"`tests/data/dev_questions.yaml`), {ROUNDS} rounds, after one warm-up question.",
        "",
        "| from Enter to | questions | n | p50 ms | p95 ms | min ms | max ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"Warm-up question (the first after `serve` started): first words "
        f"{warm_up['first'] - warm_up['enter']:.0f} ms, whole answer "
        f"{warm_up['whole'] - warm_up['enter']:.0f} ms.",
        "",
        f"Machine: {os.cpu_count()} cores ({platform.machine()}); load average "
        f"{load_before[0]:.2f} before the run and {load_after[0]:.2f} after it (the browser "
        "and `serve` share these cores with whatever else runs: a load well above the "
        "benchmark's own, about 2, means other work ran). "
        f"{wall:.0f} s for the {len(every.ms['first'])} questions timed. Code at {commit()}. "
        "Times are when the page's DOM changed (a MutationObserver), not when the frame "
        "was painted (one frame, about 16 ms, later at most).",
        "",
        "Run: `.venv/bin/python -m bench.first_words` (`HR_FIRST_WORDS_ROUNDS`, default 3).",
        "",
    ]
    path = write_result("first_words.md", "\n".join(lines))
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
