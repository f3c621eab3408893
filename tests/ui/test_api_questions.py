"""A `/chat` question that is not text is named in one line, without asking anything
(see test_bounded_requests.py for a real `serve`)."""

from __future__ import annotations

import pytest

from assistant.chain import validate_question
from core.errors import AssistantError
from ui.handlers import malformed_question


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (5, "not a number"),
        (1.5, "not a number"),
        ([1, 2], "not a list"),
        (None, "not null"),
        ({"q": 1}, "not an object"),
        (True, "not true or false"),
        ("\ud800 What does HR do?", "lone UTF-16 surrogate"),
        ("What does HR do? 😀", ""),
    ],
)
def test_a_question_that_is_not_text_is_named_in_one_line(value: object, problem: str):
    said = malformed_question(value)
    assert problem in said and "\n" not in said
    assert bool(said) == bool(problem)


def test_a_lone_surrogate_is_refused_before_any_work():
    with pytest.raises(AssistantError, match="not valid text"):
        validate_question("\udcff What does an HR manager do?", 2000)
