"""The embedding engine's turns: a question goes before an ingest's next passages."""

import threading
import time

import numpy as np

from core.embeddings import DOCUMENTS_PER_TURN, QueriesFirst


def test_a_question_asked_during_an_ingest_waits_for_one_turn_only():
    turns = QueriesFirst()
    order: list[str] = []
    first_turn_started = threading.Event()

    def slow_embed(texts: list[str]) -> np.ndarray:
        first_turn_started.set()
        time.sleep(0.05)  # a turn of the engine
        order.append(f"documents:{len(texts)}")
        return np.zeros((len(texts), 2))

    texts = ["passage"] * (DOCUMENTS_PER_TURN * 10)
    ingest = threading.Thread(target=turns.embed_in_turns, args=(texts, slow_embed))
    ingest.start()
    first_turn_started.wait(5)
    with turns.question():
        order.append("question")
    ingest.join(10)
    assert order.index("question") <= 1  # after the turn under way, before the other nine
    assert order.count(f"documents:{DOCUMENTS_PER_TURN}") == 10


def test_turns_keep_every_vector_in_order():
    turns = QueriesFirst()
    texts = [str(n) for n in range(DOCUMENTS_PER_TURN * 2 + 3)]
    vectors = turns.embed_in_turns(texts, lambda part: np.array([[float(t)] for t in part]))
    assert vectors[:, 0].tolist() == [float(t) for t in texts]


def test_a_stream_of_questions_cannot_hold_an_ingest_back_for_good():
    turns = QueriesFirst()
    done = threading.Event()
    stop = threading.Event()

    def asks_without_pause() -> None:
        while not stop.is_set():
            with turns.question():
                time.sleep(0.005)

    askers = [threading.Thread(target=asks_without_pause) for _ in range(3)]
    for asker in askers:
        asker.start()
    ingest = threading.Thread(
        target=lambda: (
            turns.embed_in_turns(["p"] * 3, lambda t: np.zeros((len(t), 1))),
            done.set(),
        )
    )
    ingest.start()
    finished = done.wait(10)
    stop.set()
    for thread in [*askers, ingest]:
        thread.join(5)
    assert finished, "the ingest never got a turn"
