"""The answer stream's contract: iterate for text, then read the answer (pure logic)."""

import pytest

from assistant.chain import AnswerStream
from core.errors import AssistantError
from core.types import Answer


def _answer(text: str) -> Answer:
    return Answer(question="q", text=text, language="en", abstained=False)


def test_iterating_gives_the_text_and_then_the_answer_is_there():
    stream = AnswerStream(iter(["A", "A reply", _answer("A reply [1]")]))
    assert list(stream) == ["A", "A reply"]
    assert stream.answer.text == "A reply [1]"


def test_reading_the_answer_first_runs_the_stream():
    stream = AnswerStream(iter(["piece", _answer("done")]))
    assert stream.answer.text == "done"
    assert list(stream) == []


def test_an_error_in_the_question_comes_when_the_stream_is_read():
    def failing():
        raise AssistantError("Please type a question.")
        yield  # pragma: no cover

    stream = AnswerStream(failing())
    with pytest.raises(AssistantError, match="type a question"):
        _ = stream.answer
