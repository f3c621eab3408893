import json

import pytest

from assistant.decision import (
    MODEL_PATH,
    DecisionModel,
    Logistic,
    decide,
    load_model,
    select,
)
from assistant.evidence import StoredUnit, Window
from assistant.signals import DIRECTIONS, SIGNALS
from core.types import Passage
from core.units import TextUnit


def only(names: tuple[str, ...], signal: str) -> Logistic:
    """A regression that reads one value as its log-odds."""
    return Logistic(
        names,
        tuple(0.0 for _ in names),
        tuple(1.0 for _ in names),
        tuple(1.0 if n == signal else 0.0 for n in names),
        0.0,
    )


def model(threshold: float = 0.5, keep: float = 0.8, other: float = 0.0) -> DecisionModel:
    # A window's relevance (its score) is sigmoid(dense_z).
    return DecisionModel(only(SIGNALS, "dense_z"), threshold, keep, other)


def window(unit: int, dense: float, text: str = "A sentence.") -> Window:
    passage = Passage("a#0", "a", "T", "en", "", 0, text)
    stored = StoredUnit(0, TextUnit(text), frozenset(), True)
    signals = {s: 0.0 for s in SIGNALS} | {"dense_z": dense}
    return Window(passage, 0, [stored], (unit,), signals)


def test_a_question_whose_best_window_is_below_the_threshold_is_refused():
    decision = decide([window(0, -1.0), window(1, -2.0)], model())
    assert not decision.answer and decision.reason == "not_covered"
    assert decision.best is not None and decision.best.unit_ids == (0,)
    explained = decision.explain(model())
    assert not explained["answered"] and explained["threshold"] == 0.5
    assert explained["windows"][0]["signals"]["dense_z"]["contribution"] == -1.0


def test_a_question_no_article_uses_a_word_of_is_refused_however_well_it_scores():
    known, unknown, translated = window(0, 3.0), window(0, 3.0), window(0, 3.0)
    known.signals |= {"unknown_share": 0.9, "same_language": 1.0}  # one word is used
    unknown.signals |= {"unknown_share": 1.0, "same_language": 1.0}
    # In the other language every word may be unknown and the window still answer.
    translated.signals |= {"unknown_share": 1.0, "same_language": 0.0}
    assert decide([known], model()).answer
    assert decide([translated], model()).answer
    decision = decide([unknown], model())
    assert not decision.answer and decision.reason == "unknown_words"
    assert decision.explain(model())["windows"]  # the best window still explains it


def test_the_answer_quotes_the_windows_nearly_as_relevant_as_the_best():
    decision = decide([window(0, 3.0), window(1, 2.5), window(2, -1.0)], model(keep=0.9))
    assert decision.answer
    assert [w.unit_ids for w in decision.chosen] == [(0,), (1,)]


def test_overlapping_windows_are_quoted_once():
    first, overlapping = window(0, 3.0), window(0, 2.9)
    for w, value in ((first, 0.95), (overlapping, 0.94)):
        w.relevance = w.score = value
    assert select([first, overlapping], model()) == [first]


def test_a_window_of_another_article_must_be_nearly_as_relevant_as_the_lead():
    lead, same_article, other_article = window(0, 0.9), window(1, 0.6), window(2, 0.8)
    for w in (lead, same_article, other_article):
        w.relevance = w.score = w.signals["dense_z"]
    other_article.passage = Passage("b#0", "b", "T", "en", "", 0, "Another sentence.")
    # 0.8 is 0.89 of the lead's 0.9: quoted at a ratio of 0.85, not at 0.95.
    assert select([lead, other_article, same_article], model(keep=0.5, other=0.85)) == [
        lead,
        other_article,
        same_article,
    ]
    assert select([lead, other_article, same_article], model(keep=0.5, other=0.95)) == [
        lead,
        same_article,
    ]


def test_no_candidates_is_no_evidence():
    assert decide([], model()).reason == "no_evidence"


def test_a_window_in_the_questions_language_leads_when_nearly_as_good():
    english, dutch = window(0, 2.0), window(1, 2.1)
    dutch.passage = Passage("b#0", "b", "T", "nl", "", 0, "Een zin.")
    assert decide([english, dutch], model(), language="en").chosen[0] is english
    far_better = window(2, 6.0)
    far_better.passage = dutch.passage
    assert decide([english, far_better], model(), language="en").chosen[0] is far_better


def test_the_fitted_file_matches_the_signals_and_their_directions():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["relevance"]["names"] == list(SIGNALS)
    assert "answer" not in data  # one regression ranks and decides
    assert 0.0 < data["threshold"] < 1.0
    assert load_model().threshold == data["threshold"]
    stage = data["relevance"]
    for name, weight in zip(stage["names"], stage["coefficients"], strict=True):
        assert weight * DIRECTIONS[name] >= 0, f"{name} has the wrong sign"


def test_a_file_fitted_on_other_signals_is_refused_with_a_clear_error():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["relevance"]["names"] = data["relevance"]["names"][:-1]
    with pytest.raises(ValueError, match="fit_decision"):
        DecisionModel.from_json(data)


def test_a_further_window_nearly_as_relevant_is_quoted_though_below_the_threshold():
    lead, further = window(0, 3.0), window(1, 2.0)
    lead.relevance = lead.score = 0.9
    further.relevance = further.score = 0.46  # below the threshold of 0.5, above 0.5 x 0.9
    assert select([lead, further], model(keep=0.5)) == [lead, further]


def test_every_signal_has_a_direction_and_no_other_name_does():
    assert set(DIRECTIONS) == set(SIGNALS)
