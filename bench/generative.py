"""Extractive and generated answers side by side on the development questions.

Run: ``python -m bench.generative [--model PATH]`` (default: the Qwen2.5-Coder-1.5B file
that ``python -m bench.qwen_model`` assembles). Writes ``bench/results/generative.md``:
the eval metrics of both modes, latency, time to the first streamed words, and how often
the guards replaced or repaired the model's reply.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.evaluation import (
    compute_metrics,
    format_comparison,
    load_cases,
    read_articles,
    run_case,
)
from assistant.generation import FALLBACK_REASONS
from bench.common import KNOWLEDGE, TEST_DATA, temporary_settings, write_result
from bench.qwen_model import DEFAULT_OUT
from core.language import phrase
from core.types import Answer
from hr_assistant.runtime import Runtime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--questions", type=Path, default=TEST_DATA / "dev_questions.yaml")
    args = parser.parse_args()
    if not args.model.exists():
        raise SystemExit(f"{args.model} is missing: run python -m bench.qwen_model first")
    settings = temporary_settings(KNOWLEDGE).model_copy(update={"llm": f"gguf:{args.model}"})
    runtime = Runtime(settings)
    runtime.knowledge.sync()
    started = time.perf_counter()
    assistant = runtime.assistant
    load_s = time.perf_counter() - started
    assistant.ask("warm-up question about HR", generate=False)
    cases = load_cases(args.questions)
    articles = read_articles(settings.knowledge_dir)

    first_words: list[float] = []

    def ask_generative(question: str, history: Sequence[str]) -> Answer:
        began = time.perf_counter()
        first: float | None = None
        stream = assistant.ask_stream(question, history)
        for _piece in stream:
            if first is None:
                first = (time.perf_counter() - began) * 1000
        if first is not None:
            first_words.append(first)
        return stream.answer

    extractive = [run_case(lambda q, h: assistant.ask(q, h, generate=False), c) for c in cases]
    generative = [run_case(ask_generative, c) for c in cases]
    metrics = {
        "extractive": compute_metrics(cases, extractive, articles),
        "generative": compute_metrics(cases, generative, articles),
    }
    reason_of = {
        phrase(language, f"llm_{reason}"): reason
        for language in ("en", "nl")
        for reason in FALLBACK_REASONS
    }
    notes = Counter(reason_of.get(r["note"], r["note"]) for r in generative if r["note"])
    answered = [r for r in generative if not r["abstained"]]
    lines = [
        "# Extractive vs generated answers",
        "",
        f"Model: `{args.model.name}` through llama.cpp (llama-cpp-python 0.3.36, AVX2 build),"
        f" 2-core CPU, loaded in {load_s:.1f} s. Questions: `{args.questions.name}`"
        f" ({len(cases)} cases).",
        "",
        "```",
        format_comparison(metrics),
        "```",
        "",
        f"- answers the model worded: {sum(r['mode'] == 'generative' for r in answered)}"
        f" of {len(answered)} answered questions",
        f"- replaced by the extractive answer, by reason: {dict(notes) or 'none'}",
        f"- time to first streamed words (ms): p50 {np.percentile(first_words, 50):.0f},"
        f" p95 {np.percentile(first_words, 95):.0f}"
        if first_words
        else "- no streamed words",
    ]
    path = write_result("generative.md", "\n".join(lines) + "\n")
    print(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
