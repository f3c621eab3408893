"""The feedback store on a real SQLite file: what is kept and how it is exported."""

import csv
import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.feedback import COLUMNS, FeedbackStore
from core.privacy import PrivacyPolicy


def _store(database: Path) -> FeedbackStore:
    return FeedbackStore(f"sqlite:///{database}", PrivacyPolicy(90))


def test_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(tmp_path: Path):
    store = _store(tmp_path / "feedback.sqlite")
    store.vote(
        answer_id="a1",
        liked=False,
        question='=HYPERLINK("http://example.invalid","click")',
        answer="-2+3 is what the article says [1]",
        language="en",
        citations=[],
    )
    store.vote(
        answer_id="a2",
        liked=True,
        question="What does a recruiter do?",
        answer="A recruiter …",
        language="en",
        citations=[{"n": 1, "source": "recruiter"}],
    )
    out = io.StringIO()
    assert store.export_csv(out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["question"] == "'" + '=HYPERLINK("http://example.invalid","click")'
    assert rows[0]["answer"].startswith("'-2+3")
    assert rows[0]["rating"] == "down"
    assert rows[1]["question"] == "What does a recruiter do?"
    assert rows[1]["rating"] == "up"


def _vote(store: FeedbackStore, answer_id: str, liked: bool | None) -> None:
    store.vote(
        answer_id=answer_id,
        liked=liked,
        question="What does a recruiter do?",
        answer="A recruiter … [1]",
        language="en",
        citations=[],
    )


def test_changing_or_taking_back_a_vote_keeps_one_current_row(tmp_path: Path):
    store = _store(tmp_path / "feedback.sqlite")
    rating = COLUMNS.index("rating")
    _vote(store, "a1", True)
    _vote(store, "a1", False)
    assert [row[rating] for row in store.rows()] == ["down"]
    _vote(store, "a1", None)
    assert store.rows() == []
    _vote(store, "a1", True)
    _vote(store, "a2", False)
    assert sorted(row[rating] for row in store.rows()) == ["down", "up"]


def test_a_thumbs_down_keeps_its_reason_and_comment(tmp_path: Path):
    store = _store(tmp_path / "feedback.sqlite")
    _vote(store, "a1", False)
    assert store.explain("a1", "outdated", "  The 2023 rules changed.  ")
    assert not store.explain("nope", "other")
    with pytest.raises(ValueError, match="unknown reason"):
        store.explain("a1", "because")
    out = io.StringIO()
    store.export_csv(out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["reason"], row["comment"]) == ("outdated", "The 2023 rules changed.")


def test_a_table_from_before_votes_had_ids_gets_the_new_columns(tmp_path: Path):
    database = tmp_path / "feedback.sqlite"
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TABLE hr_feedback (id INTEGER PRIMARY KEY, created_at VARCHAR(32) NOT NULL,"
            " rating VARCHAR(4) NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,"
            " language VARCHAR(8) NOT NULL, citations TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO hr_feedback VALUES (1, ?, 'up', 'q', 'a', 'en', '[]')",
            (datetime.now(UTC).isoformat(timespec="seconds"),),
        )
    store = _store(database)
    _vote(store, "a1", False)
    assert [row[COLUMNS.index("rating")] for row in store.rows()] == ["up", "down"]
