"""The bounds' own arithmetic, without a server (see test_bounded_requests.py for a real
`serve`)."""

from __future__ import annotations

import json

from ui.limits import QUESTION_BOX_SLACK, api_body_bytes


def test_the_api_limit_holds_the_longest_question_the_box_takes_however_escaped():
    longest = "😀" * (2000 + QUESTION_BOX_SLACK)  # 12 bytes each as \ud83d\ude00
    body = json.dumps({"data": [longest], "event_data": None, "session_hash": "x" * 32})
    assert len(body.encode()) <= api_body_bytes(2000) < 2 * len(body.encode())
