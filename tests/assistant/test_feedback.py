"""The feedback store on a real SQLite file: what is kept and how it is exported."""

import csv
import io
from pathlib import Path

from assistant.feedback import FeedbackStore


def test_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(tmp_path: Path):
    store = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.sqlite'}")
    store.record(
        liked=False,
        question='=HYPERLINK("http://example.invalid","click")',
        answer="-2+3 is what the article says [1]",
        language="en",
        citations=[],
    )
    store.record(
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
