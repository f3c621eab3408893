"""What the article owners learn from the chat: a private question log and the gaps in
the articles it shows (HR_ASSISTANT_INSIGHTS=on; off by default).

The log keeps, per question, the hour it was asked, its language, the question with
e-mail addresses, phone numbers and long digit runs masked, whether it was answered (or
why not), the articles cited or closest, the latency and the vote. Nothing about the
person or the browser. Rows older than the retention period go on every write and read.
Masking, hours, retention and the keyed answer ids are the privacy policy of
:mod:`core.privacy`, the same as the feedback's.

Unanswered and thumbs-down questions are grouped by meaning with the embedder (one
multilingual space: an English and a Dutch question on one missing topic meet), so an
owner sees the topics to write about, not a list of raw questions.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import (
    Column,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)

from assistant.signals import is_small_talk, without_small_talk
from assistant.text import content_words
from core.embeddings import IdentifiedEmbeddings
from core.privacy import MASKS, PrivacyPolicy, hour_of
from core.settings import Settings
from core.store import sql_engine
from core.types import SMALL_TALK, Answer

if TYPE_CHECKING:
    from assistant.chain import Assistant

logger = logging.getLogger(__name__)

MAX_EXAMPLES = 3
MAX_GROUPS = 50
# Questions of a gap asked again to see whether it is answered now: the largest groups
# only, a few questions each, and each question once per store version (bounded work).
RECHECK_GROUPS = 10
RECHECK_PER_GROUP = 3

_MASKED = re.compile("|".join(re.escape(m) for m in MASKS))
# Where a question falls apart into the pieces that hold a masked detail or not: after a
# comma, colon or sentence end, at a line break and around brackets ("(employee [number])").
_PIECE_END = re.compile(r"(?<=[,;:.!?])\s+|\s*[\n()]\s*")


def gap_content(masked: str) -> str:
    """What a masked question asks, for comparing it by meaning with others: the pieces
    around a masked detail ("my e-mail is [e-mail]:", "call [phone]") and the greetings
    and thanks around the request (:func:`assistant.signals.without_small_talk`) left out.

    Two questions that share such boilerplate would otherwise look alike to the embedder
    whatever they ask. A piece with a masked detail stays (the mask itself dropped) when
    no other piece says anything: then the detail is part of the question.
    """
    pieces = [p for p in _PIECE_END.split(masked.strip()) if p]
    unmasked = [p for p in pieces if not _MASKED.search(p)]
    if any(content_words(p) and not is_small_talk(p, follows=True) for p in unmasked):
        pieces = unmasked
    content = " ".join(" ".join(_MASKED.sub(" ", p).split()) for p in pieces)
    return without_small_talk(content) or masked.strip()


_metadata = MetaData()
_questions = Table(
    "hr_questions",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("answer_id", String(64), nullable=False, index=True),
    Column("hour", String(20), nullable=False, index=True),
    Column("language", String(8), nullable=False),
    Column("question", Text, nullable=False),
    Column("verdict", String(16), nullable=False),  # "answered" or "refused"
    Column("reason", String(32), nullable=False),  # why refused ("" when answered)
    Column("cited", Text, nullable=False),  # JSON list of article ids
    Column("closest", Text, nullable=False),  # JSON list of article ids (refusals)
    Column("latency_ms", Float, nullable=False),
    Column("vote", String(4), nullable=True),
    Column("vote_reason", String(32), nullable=True),
    Column("vector", LargeBinary, nullable=True),  # float16 question embedding
)


@dataclass(frozen=True)
class LoggedQuestion:
    hour: str
    language: str
    question: str
    verdict: str
    reason: str
    cited: list[str]
    closest: list[str]
    latency_ms: float
    vote: str | None
    vote_reason: str | None
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)
    # How many logged questions this row stands for, and whether it counts in the totals
    # (per language, per week). A row of ``rows`` is one question; ``tallied`` reads
    # counts per hour instead, and the gap questions once per distinct text.
    count: int = 1
    in_totals: bool = True


class QuestionLog:
    """The question log in the bookkeeping database (SQLite or the shared PostgreSQL)."""

    def __init__(self, url: str, embeddings: IdentifiedEmbeddings, policy: PrivacyPolicy) -> None:
        """``policy``: masking, hours, retention and the keyed answer ids, the same as
        the feedback's (:mod:`core.privacy`)."""
        self.policy = policy
        self._engine = sql_engine(url)
        _metadata.create_all(self._engine)
        self.embeddings = embeddings

    @classmethod
    def for_settings(
        cls,
        settings: Settings,
        embeddings: IdentifiedEmbeddings,
        policy: PrivacyPolicy | None = None,
    ) -> QuestionLog:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        policy = policy or PrivacyPolicy.for_settings(settings)
        return cls(settings.feedback_db_url, embeddings, policy)

    @property
    def retention_days(self) -> int:
        return self.policy.retention_days

    def _answer_key(self, answer_id: str) -> str:
        return self.policy.answer_key(_questions.name, answer_id)

    def record(self, answer: Answer, answer_id: str, now: datetime | None = None) -> None:
        """Log one answered or refused question (masked, to the hour), and drop the rows
        past the retention period."""
        self.record_many([(answer, answer_id)], now)

    def record_many(
        self, answers: Sequence[tuple[Answer, str]], now: datetime | None = None
    ) -> None:
        """Log several questions in one transaction (an import, a benchmark)."""
        now = now or datetime.now(UTC)
        rows = []
        for answer, answer_id in answers:
            if answer.refusal == SMALL_TALK:
                continue  # a greeting or thanks is no question the articles should answer
            question = self.policy.mask(answer.question.strip())
            # The vector its gap is grouped by: what it asks, not the boilerplate around it.
            vector = np.asarray(
                self.embeddings.embed_query(gap_content(question)), dtype=np.float16
            )
            rows.append(
                {
                    "answer_id": self._answer_key(answer_id),
                    "hour": self.policy.hour(now),
                    "language": answer.language,
                    "question": question,
                    "verdict": "refused" if answer.abstained else "answered",
                    "reason": answer.refusal if answer.abstained else "",
                    "cited": json.dumps(list(dict.fromkeys(c.source for c in answer.citations))),
                    "closest": json.dumps(list(dict.fromkeys(c.source for c in answer.closest))),
                    "latency_ms": round(answer.latency_ms, 1),
                    "vector": vector.tobytes(),
                }
            )
        with self._engine.begin() as connection:
            self._purge(connection, now)
            if rows:
                connection.execute(insert(_questions), rows)

    def _purge(self, connection: Any, now: datetime) -> None:
        connection.execute(delete(_questions).where(_questions.c.hour < self.policy.cutoff(now)))

    def vote(self, answer_id: str, rating: str | None, reason: str | None = None) -> None:
        """Keep the current vote ("up", "down" or None) on a logged answer."""
        with self._engine.begin() as connection:
            connection.execute(
                update(_questions)
                .where(_questions.c.answer_id == self._answer_key(answer_id))
                .values(vote=rating, vote_reason=reason if rating == "down" else None)
            )

    def rows(
        self, since_days: int | None = None, now: datetime | None = None
    ) -> list[LoggedQuestion]:
        now = now or datetime.now(UTC)
        days = min(since_days or self.retention_days, self.retention_days)
        since = _questions.c.hour >= hour_of(now - timedelta(days=days))
        columns = [c for c in _questions.c if c.name != "vector"]
        # Only the refused and thumbs-down questions are grouped by meaning: only their
        # vectors are read (most of the log is answered questions).
        gap = _is_gap()
        with self._engine.begin() as connection:
            # Also on reading: a log nobody writes to still forgets on time.
            self._purge(connection, now)
            vectors = {
                row.id: np.frombuffer(row.vector, dtype=np.float16)
                for row in connection.execute(
                    select(_questions.c.id, _questions.c.vector).where(since & gap)
                )
                if row.vector
            }
            return [
                LoggedQuestion(
                    hour=row.hour,
                    language=row.language,
                    question=row.question,
                    verdict=row.verdict,
                    reason=row.reason,
                    cited=_json_list(row.cited),
                    closest=_json_list(row.closest),
                    latency_ms=row.latency_ms,
                    vote=row.vote,
                    vote_reason=row.vote_reason,
                    vector=vectors.get(row.id),
                )
                for row in connection.execute(
                    select(*columns).where(since).order_by(_questions.c.id)
                )
            ]

    def tallied(
        self, since_days: int | None = None, now: datetime | None = None
    ) -> list[LoggedQuestion]:
        """What the insights need, read fast: the totals as counts per hour, language,
        verdict and vote; the refused and thumbs-down questions once per distinct text
        (with the vector they are grouped by); each list of cited articles once.

        At 100,000 logged questions, reading every row whole takes seconds, and the
        insights only count most of them.
        """
        now = now or datetime.now(UTC)
        days = min(since_days or self.retention_days, self.retention_days)
        q = _questions.c
        since = q.hour >= hour_of(now - timedelta(days=days))
        voted_down = _voted_down()
        gap = _is_gap()
        same_gap = (q.question, q.language, q.verdict, q.vote, q.vote_reason, q.cited, q.closest)
        with self._engine.begin() as connection:
            self._purge(connection, now)
            totals = connection.execute(
                select(q.hour, q.language, q.verdict, voted_down.label("down"), func.count())
                .where(since)
                .group_by(q.hour, q.language, q.verdict, voted_down)
            ).all()
            gaps = connection.execute(
                select(*same_gap, func.count(), func.min(q.id))
                .where(since & gap)
                .group_by(*same_gap)
                .order_by(func.min(q.id))  # first asked first, as in rows(): ties keep it
            ).all()
            first_ids = [row[-1] for row in gaps]
            vectors = {
                row.id: np.frombuffer(row.vector, dtype=np.float16)
                for start in range(0, len(first_ids), 500)
                for row in connection.execute(
                    select(q.id, q.vector).where(q.id.in_(first_ids[start : start + 500]))
                )
                if row.vector
            }
            cited = connection.execute(select(q.cited).where(since & ~gap).distinct()).all()
        none: dict[str, Any] = {"reason": "", "latency_ms": 0.0, "vote_reason": None}
        out = [
            LoggedQuestion(
                hour=hour,
                language=language,
                question="",
                verdict=verdict,
                cited=[],
                closest=[],
                vote="down" if down else None,
                count=int(n),
                **none,
            )
            for hour, language, verdict, down, n in totals
        ]
        out += [
            LoggedQuestion(
                hour="",
                language=row.language,
                question=row.question,
                verdict=row.verdict,
                reason="",
                cited=_json_list(row.cited),
                closest=_json_list(row.closest),
                latency_ms=0.0,
                vote=row.vote,
                vote_reason=row.vote_reason,
                vector=vectors.get(row[-1]),
                count=int(row[-2]),
                in_totals=False,
            )
            for row in gaps
        ]
        # Each distinct list of cited articles once, counting no question.
        out += [
            LoggedQuestion(
                hour="",
                language="",
                question="",
                verdict="",
                cited=_json_list(row.cited),
                closest=[],
                vote=None,
                count=0,
                in_totals=False,
                **none,
            )
            for row in cited
        ]
        return out


def _voted_down() -> Any:
    # coalesce: a missing vote is NULL, and NOT (NULL) would leave those rows out.
    return func.coalesce(_questions.c.vote, "") == "down"


def _is_gap() -> Any:
    """The rows the insights group by meaning: refused, or answered with a thumbs-down."""
    return (_questions.c.verdict == "refused") | _voted_down()


@lru_cache(maxsize=4096)  # the same few lists of article ids, row after row
def _json_list_cached(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def _json_list(text: str) -> list[str]:
    return list(_json_list_cached(text))


@dataclass
class GapGroup:
    """Questions on one topic the articles did not answer well."""

    count: int
    examples: list[str]
    languages: list[str]
    closest: list[str]  # article ids that came closest, most often first
    thumbs_down: int
    recheck: list[str] = field(default_factory=list, repr=False)  # distinct questions
    # Every distinct question of the group, most asked first (to score a grouping with).
    questions: list[str] = field(default_factory=list, repr=False)
    now_answered: int | None = None  # of len(recheck), after the latest ingest
    rechecked: int = 0


@dataclass
class Insights:
    days: int
    questions: int
    per_language: dict[str, dict[str, float]]
    gaps: list[GapGroup]
    never_cited: list[str]
    disliked: list[dict[str, Any]]
    weekly: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for group in data["gaps"]:
            group.pop("recheck")
            group.pop("questions")
        return data


def group_gaps(rows: Sequence[LoggedQuestion], floor: float) -> list[GapGroup]:
    """Refused and thumbs-down questions grouped by meaning, largest group first.

    Greedy leader clustering over the distinct masked questions (most asked first): a
    question joins the group whose leader it resembles most, at ``floor`` or more. Each
    vector is that of the question's content (:func:`gap_content`, taken when it was
    logged), so "Hi, X?" and "X?" meet. One pass, so 100,000 logged questions group in
    well under a second.
    """
    distinct: dict[str, list[LoggedQuestion]] = defaultdict(list)
    for row in rows:
        if (row.verdict == "refused" or row.vote == "down") and row.vector is not None:
            distinct[" ".join(row.question.lower().split())].append(row)
    ordered = sorted(distinct.values(), key=lambda same: sum(r.count for r in same), reverse=True)
    if not ordered:
        return []
    vectors = np.stack([np.asarray(same[0].vector) for same in ordered]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    leaders: list[int] = []
    members: list[list[int]] = []
    # Filled row by row (stacking a new matrix per leader would copy it every time).
    leader_matrix = np.empty_like(vectors)
    for i, vector in enumerate(vectors):
        if leaders:
            similarities = leader_matrix[: len(leaders)] @ vector
            best = int(np.argmax(similarities))
            if similarities[best] >= floor:
                members[best].append(i)
                continue
        leader_matrix[len(leaders)] = vector
        leaders.append(i)
        members.append([i])
    groups = []
    for indices in members:
        same_rows = [row for i in indices for row in ordered[i]]
        closest: Counter[str] = Counter()
        for row in same_rows:
            for article in row.closest or row.cited:
                closest[article] += row.count
        groups.append(
            GapGroup(
                count=sum(row.count for row in same_rows),
                examples=[ordered[i][0].question for i in indices[:MAX_EXAMPLES]],
                languages=sorted({row.language for row in same_rows}),
                closest=[a for a, _ in closest.most_common(3)],
                thumbs_down=sum(row.count for row in same_rows if row.vote == "down"),
                recheck=[ordered[i][0].question for i in indices[:RECHECK_PER_GROUP]],
                questions=[ordered[i][0].question for i in indices],
            )
        )
    groups.sort(key=lambda g: g.count, reverse=True)
    return groups[:MAX_GROUPS]


@lru_cache(maxsize=8192)  # a few thousand distinct hours, each parsed once
def _week(hour: str) -> str:
    moment = datetime.strptime(hour, "%Y-%m-%dT%H:00Z")
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def compute(
    rows: Sequence[LoggedQuestion],
    articles: Sequence[str],
    floor: float,
    days: int,
    answers: Callable[[str], bool] | None = None,
) -> Insights:
    """The insights over ``rows``; ``articles`` are the stored article ids; with
    ``answers``, each gap's questions are asked again to count what is answered now."""
    asked_in: Counter[str] = Counter()
    answered_in: Counter[str] = Counter()
    for row in rows:
        if row.in_totals:
            asked_in[row.language] += row.count
            answered_in[row.language] += row.count if row.verdict == "answered" else 0
    per_language: dict[str, dict[str, float]] = {
        language: {
            "asked": asked_in[language],
            "answered": answered_in[language],
            "share": round(answered_in[language] / asked_in[language], 3),
        }
        for language in sorted(asked_in)
    }
    gaps = group_gaps(rows, floor)
    if answers is not None:
        for group in gaps[:RECHECK_GROUPS]:
            group.rechecked = len(group.recheck)
            group.now_answered = sum(bool(answers(q)) for q in group.recheck)
    cited = {a for row in rows for a in row.cited}
    disliked_count: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.vote == "down":
            for article in row.cited:
                disliked_count[article] += row.count
                reasons[article][row.vote_reason or "unspecified"] += row.count
    disliked = [
        {"article": a, "thumbs_down": n, "reasons": dict(reasons[a].most_common())}
        for a, n in disliked_count.most_common(10)
    ]
    weekly_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if not row.in_totals:
            continue
        week = weekly_counts[_week(row.hour)]
        week[row.verdict] += row.count
        week["thumbs_down"] += row.count if row.vote == "down" else 0
    weekly = [
        {
            "week": week,
            "answered": counts["answered"],
            "refused": counts["refused"],
            "thumbs_down": counts["thumbs_down"],
        }
        for week, counts in sorted(weekly_counts.items())
    ]
    return Insights(
        days=days,
        questions=sum(row.count for row in rows if row.in_totals),
        per_language=per_language,
        gaps=gaps,
        never_cited=sorted(a for a in articles if a not in cited),
        disliked=disliked,
        weekly=weekly,
    )


def report(log: QuestionLog, assistant: Assistant, since_days: int | None = None) -> Insights:
    """The insights of the last ``since_days`` (default: the whole retention period),
    with every gap's questions asked again of ``assistant`` as the store is now."""
    days = min(since_days or log.retention_days, log.retention_days)
    return compute(
        log.tallied(days),
        list(assistant.titles),
        log.embeddings.same_question_floor,
        days,
        answers=assistant.answers,
    )
