"""One privacy policy for the two tables that keep what people typed, the feedback and
the question log, on a real PostgreSQL: masked, to the hour, forgotten after the same
retention, and keyed so that the data folder alone joins neither to the other."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import create_engine, text

from assistant.feedback import FeedbackStore
from assistant.insights import QuestionLog
from core.settings import Settings
from core.types import Answer, Citation
from tests.conftest import postgres_database

pytestmark = pytest.mark.integration

HOUR = re.compile(r"\d{4}-\d\d-\d\dT\d\d:00Z")
QUESTION = "Mail jan@example.nl or call +31 6 1234 5678 about case 1234567: who approves leave?"
MASKED = "Mail [e-mail] or call [phone] about case [number]: who approves leave?"
_databases = count()


@pytest.fixture
def settings(make_settings, postgres_url: str) -> Settings:
    """Settings on a database of its own, the question log on, a 30-day retention."""
    url = postgres_database(postgres_url, f"privacy_{next(_databases)}")
    return make_settings(database_url=url, insights=True, insights_days=30)


def _query(settings: Settings, sql: str, **params: object) -> list[tuple]:
    """Read the table itself, as whoever holds the database would."""
    engine = create_engine(settings.feedback_db_url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _answer(question: str) -> Answer:
    citation = Citation(1, "leave", "Leave", "leave#0", "…")
    return Answer(question=question, text="…", language="en", abstained=False, citations=[citation])


def test_a_vote_keeps_the_question_and_comment_masked_and_the_hour_only(settings: Settings):
    store = FeedbackStore.for_settings(settings)
    answer_id = uuid.uuid4().hex
    store.vote(
        answer_id=answer_id,
        liked=False,
        question=QUESTION,
        answer="I will not mail jan@example.nl: HR approves leave [1]",
        language="en",
        citations=[],
    )
    assert store.explain(answer_id, "other", "Reach me at piet@example.nl or 06-12345678")
    ((created, question, answer, comment),) = _query(
        settings, "SELECT created_at, question, answer, comment FROM hr_feedback"
    )
    assert HOUR.fullmatch(created), created
    assert question == MASKED
    assert answer == "I will not mail [e-mail]: HR approves leave [1]"
    assert comment == "Reach me at [e-mail] or [phone]"
    out = io.StringIO()
    store.export_csv(out)
    exported = out.getvalue()
    assert "example.nl" not in exported and "5678" not in exported
    assert "1234567" not in exported and "12345678" not in exported


def test_votes_and_logged_questions_are_forgotten_after_the_same_days(settings, embeddings):
    now = datetime.now(UTC)
    store = FeedbackStore.for_settings(settings)
    for days, answer_id in ((29, "kept"), (31, "gone"), (365, "a-year-old")):
        _query(
            settings,
            "INSERT INTO hr_feedback (created_at, rating, question, answer, language,"
            " citations, answer_id) VALUES (:at, 'up', 'q', 'a', 'en', '[]', :id)",
            at=(now - timedelta(days=days)).strftime("%Y-%m-%dT%H:00Z"),
            id=answer_id,
        )
    log = QuestionLog.for_settings(settings, embeddings)
    for days in (29, 31, 365):
        log.record(_answer(f"Asked {days} days ago?"), f"log-{days}", now - timedelta(days=days))

    # A read forgets, as a write does (a table nobody votes in still forgets on time).
    assert [row[-1] for row in store.rows()] == ["kept"]
    assert [row[0] for row in _query(settings, "SELECT answer_id FROM hr_feedback")] == ["kept"]
    assert [row.question for row in log.rows(now=now)] == ["Asked 29 days ago?"]
    (left,) = _query(settings, "SELECT count(*) FROM hr_questions")
    assert left == (1,)


def test_the_export_leaves_out_votes_past_the_retention(settings: Settings):
    store = FeedbackStore.for_settings(settings)
    _query(
        settings,
        "INSERT INTO hr_feedback (created_at, rating, question, answer, language, citations,"
        " answer_id) VALUES ('2020-01-01T10:00Z', 'up', 'old', 'a', 'en', '[]', 'old')",
    )
    out = io.StringIO()
    assert store.export_csv(out) == 0
    assert list(csv.DictReader(io.StringIO(out.getvalue()))) == []


def test_neither_table_keeps_a_key_the_data_folder_could_join_on(settings, embeddings):
    """The answer's id lives in the browser only: each table keeps its own keyed hash of
    it, so the database and the data folder's key files together link no vote to its
    logged question by key."""
    store = FeedbackStore.for_settings(settings)
    log = QuestionLog.for_settings(settings, embeddings)
    answer_id = uuid.uuid4().hex
    log.record(_answer(QUESTION), answer_id)
    store.vote(
        answer_id=answer_id,
        liked=True,
        question=QUESTION,
        answer="HR approves leave [1]",
        language="en",
        citations=[],
    )
    log.vote(answer_id, "up")
    ((feedback_key,),) = _query(settings, "SELECT answer_id FROM hr_feedback")
    ((log_key, vote),) = _query(settings, "SELECT answer_id, vote FROM hr_questions")
    assert vote == "up"  # the log still follows the vote
    assert feedback_key != log_key
    everything = " ".join(
        str(cell)
        for table in ("hr_feedback", "hr_questions")
        for row in _query(settings, f"SELECT * FROM {table}")
        for cell in row
    )
    assert answer_id not in everything
    assert "jan@example.nl" not in everything


def test_votes_written_before_the_policy_are_brought_under_it(settings: Settings):
    answer_id = uuid.uuid4().hex
    FeedbackStore.for_settings(settings)  # the table, as an older version made it
    at = (datetime.now(UTC) - timedelta(days=2)).replace(minute=41, second=7)
    _query(
        settings,
        "INSERT INTO hr_feedback (created_at, rating, question, answer, language, citations,"
        " answer_id, reason, comment) VALUES (:at, 'down', :q, 'a', 'en', '[]', :id, 'other',"
        " 'call me on 06-12345678')",
        at=at.isoformat(timespec="seconds"),
        q=QUESTION,
        id=answer_id,
    )
    store = FeedbackStore.for_settings(settings)
    ((created, question, comment, key),) = _query(
        settings, "SELECT created_at, question, comment, answer_id FROM hr_feedback"
    )
    assert created == at.strftime("%Y-%m-%dT%H:00Z")
    assert (question, comment) == (MASKED, "call me on [phone]")
    assert key != answer_id
    # The vote still belongs to its answer: changed, it replaces the row.
    store.vote(
        answer_id=answer_id,
        liked=True,
        question=QUESTION,
        answer="a",
        language="en",
        citations=[],
    )
    assert _query(settings, "SELECT rating FROM hr_feedback") == [("up",)]
