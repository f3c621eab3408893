"""The question-answering chain: question (+ history) → passages → verdict → Answer."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.conversation import clean_question, follows_previous
from assistant.decision import Decision, DecisionModel, decide, load_model
from assistant.evidence import SentenceIndex, Window
from assistant.generation import (
    CitationGuard,
    GenerationFailed,
    Generator,
    build_messages,
    fallback_note,
    keep_supported,
    reply_problem,
)
from assistant.quoting import citation_of, quote
from assistant.retrieval import HybridRetriever, Query, evidence_passages, ranked_articles
from assistant.signals import (
    ArticleFacts,
    AskedQuestion,
    add_relative_signals,
    is_small_talk,
    passage_signals,
    read_language_files,
    read_question,
    window_signals,
)
from assistant.suggestions import starters, suggest
from assistant.text import is_common_word
from assistant.translation import MODEL_DOWN, with_translations
from core.embeddings import IdentifiedEmbeddings
from core.errors import AssistantError
from core.language import detect_language, is_valid_text, phrase
from core.safety import is_instruction
from core.settings import Settings
from core.store import PassageStore, StoreVersion
from core.types import SMALL_TALK, Answer, Citation, Passage
from core.units import split_text

MAX_TOPICS = 6
# Passages shown with a refusal (one per article).
MAX_CLOSEST = 3
RELATED_ARTICLES = 4  # articles beyond the cited ones that follow-up questions may come from
MAX_REMEMBERED_CHECKS = 10_000  # (store version, question) → answered?, cleared beyond
SENTENCE_CACHE_SIZE = 20_000
# How often a question checks whether an ingest changed the store (one small query).
VERSION_CHECK_SECONDS = 1.0
logger = logging.getLogger(__name__)


# Earlier turns read per question: enough to follow a conversation, few enough that a
# client sending a huge history cannot stall the others.
MAX_HISTORY_TURNS = 10
# Retrieved passages whose windows are scored: enough that the passage that answers is
# among them (hit@3 is near 1 on real corpora), few enough to stay fast.
CANDIDATE_PASSAGES = 8


@dataclass
class Evidence:
    """A question read against one store view: what the decision is made from."""

    language: str
    context: tuple[str, ...]
    sentences: SentenceIndex
    passages: list[Passage] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    asked: AskedQuestion | None = None
    refusal: str = ""  # set when the question is no question about the articles

    def missing_aspect(self, article_terms: set[str]) -> str:
        """The asked aspect's words, as typed ("dress code"), that an article with
        ``article_terms`` never uses: for a refusal that says what is missing."""
        if self.asked is None:
            return ""
        missing = [
            self.asked.words[i]
            for i in self.asked.aspect
            if self.asked.own[i] and not set(self.asked.groups[i]) & article_terms
        ]
        return ", ".join(dict.fromkeys(missing[:3]))


def question_language(question: str, history: Sequence[str] = ()) -> str:
    """The question's language; a follow-up too short to tell takes the chat's language."""
    fallback = detect_language(" ".join(history)) if history else None
    return detect_language(question, default=fallback)


def validate_question(question: str, max_chars: int) -> str:
    """The question stripped, or an :class:`AssistantError` in the question's language."""
    stripped = (question or "").strip()
    if not stripped:
        raise AssistantError(phrase("en", "empty_question"))
    if not is_valid_text(stripped):
        raise AssistantError(phrase("en", "not_text"))
    if len(stripped) > max_chars:
        language = detect_language(stripped[:500])
        raise AssistantError(phrase(language, "too_long", length=len(stripped), limit=max_chars))
    return stripped


class AnswerStream:
    """A reply being made: iterate it for the text so far, then read :attr:`answer`.

    Reading ``answer`` first is fine too: it runs the stream to its end.
    """

    def __init__(self, events: Iterator[str | Answer]) -> None:
        self._events = events
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        for event in self._events:
            if isinstance(event, Answer):
                self._answer = event
            else:
                yield event

    @property
    def answer(self) -> Answer:
        """The final answer (with its citations), once the text is complete."""
        if self._answer is None:
            for _ in self:
                pass
        if self._answer is None:  # the chain's generators always end with an Answer
            raise RuntimeError("the answer stream ended without an answer")
        return self._answer


class Assistant:
    """Answers questions from the store; load once, then ask many times (thread-safe reads)."""

    def __init__(
        self,
        settings: Settings,
        embeddings: IdentifiedEmbeddings,
        store: PassageStore,
        generator: Generator | None = None,
    ) -> None:
        """The embedder, the store and the optional language model come built (see
        :class:`hr_assistant.runtime.Runtime`), so each exists once per process."""
        self.settings = settings
        self.embeddings = embeddings
        self.store = store
        self.generator = generator
        self._versions = StoreVersion.for_settings(settings)
        self._reload_lock = threading.Lock()
        self._checked_at = time.monotonic()
        self.reload()
        is_common_word("hr")  # loads the word lists here, not in the first question
        read_language_files()
        self._sentence_vectors: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self._starters: dict[tuple[int, str], list[str]] = {}
        self._answered: dict[tuple[int, str], bool] = {}

    @property
    def model(self) -> DecisionModel:
        """The fitted decision (read on first use: ``bench/fit_decision.py`` reads the
        evidence without it, to fit a new one)."""
        return load_model()

    def reload(self) -> None:
        """Read the store again (after an ingest); questions in flight keep the old view."""
        with self._reload_lock:
            # Read before the store: an ingest finishing meanwhile is seen by the next check.
            version = self._versions.current()
            retriever = HybridRetriever(self.store, self.embeddings)
            titles: dict[str, tuple[str, str]] = {}
            for p in retriever.passages:
                titles.setdefault(p.article_id, (p.title, p.language))
            self.retriever, self.weights, self.titles = retriever, retriever.weights, titles
            self.version = version
        logger.info("store view loaded: version %d, %d passages", version, len(retriever.passages))

    def follow_store(self) -> bool:
        """Reload when an ingest (by any process) changed the store since the last load.

        Checked at most every ``VERSION_CHECK_SECONDS``; while one question reloads,
        the others go on with the view they have instead of waiting.
        """
        now = time.monotonic()
        if now - self._checked_at < VERSION_CHECK_SECONDS:
            return False
        self._checked_at = now
        try:
            changed = self._versions.current() != self.version
        except Exception as exc:  # the bookkeeping database is down: answer from what we have
            logger.warning("cannot read the store version, keeping the loaded view: %s", exc)
            return False
        if not changed or self._reload_lock.locked():
            return False
        try:
            self.reload()
        except Exception as exc:  # a store that cannot be read now: retry on a later question
            logger.warning("cannot reload the changed store, keeping the loaded view: %s", exc)
            return False
        return True

    def _vectors_of(self, sentences: Sequence[str]) -> list[np.ndarray]:
        """Passage-side vectors of ``sentences``, cached across questions."""
        with self._cache_lock:
            known = {s: self._sentence_vectors[s] for s in sentences if s in self._sentence_vectors}
        missing = [s for s in dict.fromkeys(sentences) if s not in known]
        if missing:
            vectors = map(np.asarray, self.embeddings.embed_documents(missing))
            fresh = dict(zip(missing, vectors, strict=True))
            with self._cache_lock:
                if len(self._sentence_vectors) > SENTENCE_CACHE_SIZE:
                    self._sentence_vectors.clear()
                self._sentence_vectors.update(fresh)
            known.update(fresh)
        return [known[s] for s in sentences]

    def _support_in(self, given: Sequence[Passage]) -> Callable[[str, int], float]:
        """How well given passage k (1-based) backs a claim: its closest sentence's cosine."""
        units = [[u.text for u in split_text(p.text)] for p in given]

        def support(claim: str, k: int) -> float:
            if not units[k - 1]:
                return 0.0
            claim_vector, *unit_vectors = self._vectors_of([claim, *units[k - 1]])
            return max(float(v @ claim_vector) for v in unit_vectors)

        return support

    def suggestions(self, answer: Answer, asked: Sequence[str] = ()) -> list[str]:
        """Follow-up questions to offer after ``answer``: headings and roles of the
        articles it used, each one this assistant answers (see
        :mod:`assistant.suggestions`)."""

        retrieved = self.retriever.search(Query(answer.question, (), answer.language))
        related = ranked_articles(retrieved)[:RELATED_ARTICLES]
        return suggest(answer, related, asked, self.retriever.article, self.answers)

    def starters(self, language: str) -> list[str]:
        """Questions to offer on an empty chat, from the articles' own headings (see
        :func:`assistant.suggestions.starters`); made once per store version."""
        key = (self.version, language)
        known = self._starters.get(key)
        if known is not None:
            return known
        # Marked as being made first: checking a heading may come back here (a heading
        # read as small talk offers starters), and must then find none, not recurse.
        self._starters[key] = []
        found = starters(
            (self.retriever.article(i) for i in list(self.titles)), language, self.answers
        )
        self._starters = {k: v for k, v in self._starters.items() if k[0] == self.version}
        self._starters[key] = found
        return found

    def answers(self, question: str) -> bool:
        """Whether the store as it is answers ``question``; remembered per store version,
        since the same headings (and the insights' gap questions) are checked again and
        again."""
        key = (self.version, question)
        known = self._answered.get(key)
        if known is None:
            if len(self._answered) > MAX_REMEMBERED_CHECKS:
                self._answered.clear()
            known = not self.ask(question, generate=False).abstained
            self._answered[key] = known
        return known

    def topics(self, language: str) -> str:
        """Titles of articles to name in a refusal: those in the question's language
        first, without their own end punctuation (the sentence around them has it)."""
        ordered = sorted(self.titles.values(), key=lambda tl: tl[1] != language)
        names = [title.strip().rstrip("?.!:;").strip() for title, _ in ordered[:MAX_TOPICS]]
        return "; ".join(name for name in names if name)

    def ask(
        self, question: str, history: Sequence[str] = (), generate: bool | None = None
    ) -> Answer:
        """Answer ``question``; ``history`` holds the earlier user turns, oldest first.

        ``generate`` picks the mode: None uses the language model when one is
        configured, False gives the extractive answer.

        Raises:
            AssistantError: the question is empty or too long.
        """
        return self.ask_stream(question, history, generate).answer

    def ask_stream(
        self, question: str, history: Sequence[str] = (), generate: bool | None = None
    ) -> AnswerStream:
        """Like :meth:`ask`, as a stream: iterate it for the checked reply text as it
        grows (a language model's), then read its ``answer``.

        The extractive path runs first and decides alone whether to answer; the model
        is called only when it does, and its reply is replaced by the extractive answer
        when it cannot be trusted (see :mod:`assistant.generation`). Errors in the
        question (:class:`AssistantError`) come when the stream is first read.
        """
        return AnswerStream(self._events(question, history, generate))

    def _events(
        self, question: str, history: Sequence[str], generate: bool | None
    ) -> Iterator[str | Answer]:
        started = time.perf_counter()
        extractive, passages, query_context = self._extractive(question, history)
        if extractive.abstained or self.generator is None or generate is False:
            extractive.latency_ms = (time.perf_counter() - started) * 1000
            yield extractive
            return
        yield from self._generated(extractive, passages, query_context, started)

    def _extractive(
        self, question: str, history: Sequence[str]
    ) -> tuple[Answer, list[Passage], tuple[str, ...]]:
        """The extractive answer (or refusal), the passages it chose from, and the
        earlier turns it was read with (none for a new topic)."""
        question = validate_question(question, self.settings.max_question_chars)
        self.follow_store()
        started = time.perf_counter()
        found = self.evidence(question, history)
        searched = time.perf_counter()
        if found.refusal:
            decision = Decision(False, [], None, self.model.threshold, found.refusal)
        else:
            decision = decide(found.windows, self.model, found.language)
        text, citations = "", list[Citation]()
        if decision.answer:
            text, citations = quote(decision.chosen, found.language, found.sentences)
        closest: list[Citation] = []
        if not citations:
            text, closest = self._refusal(found, decision)
        answer = Answer(
            question=question,
            text=text,
            language=found.language,
            abstained=not citations,
            citations=citations,
            retrieved=ranked_articles(found.passages),
            closest=closest,
            refusal="" if citations else decision.reason or "nothing_to_quote",
            explain=decision.explain(self.model),
        )
        best = decision.best.score if decision.best else 0.0
        logger.info(
            "question %s (%s, %d chars, follow-up: %s): retrieval and signals %.1f ms, "
            "decision %.1f ms, verdict %s, best score %.3f (threshold %.3f), top %s, cited %s",
            uuid.uuid4().hex[:8],
            found.language,
            len(question),
            bool(found.context),
            (searched - started) * 1000,
            (time.perf_counter() - searched) * 1000,
            decision.reason or "answer",
            best,
            decision.threshold,
            answer.retrieved[:3],
            [c.chunk_id for c in citations],
        )
        return answer, found.passages, found.context

    def evidence(self, question: str, history: Sequence[str] = ()) -> Evidence:
        """The question read, its candidate windows with their signals, and the
        passages they come from (also what ``bench/fit_decision.py`` learns from)."""
        # Pasted markup is not part of the question; a question of markup alone is none.
        cleaned = validate_question(clean_question(question), self.settings.max_question_chars)
        # Bounded work per question whatever a client sends: the last few turns, each no
        # longer than a question may be (only the last one is ever read with it).
        recent = [h for h in history if h and h.strip()][-MAX_HISTORY_TURNS:]
        limit = self.settings.max_question_chars
        turns = tuple(t for t in (clean_question(h[:limit]) for h in recent) if t)
        language = question_language(cleaned, turns)
        retriever = self.retriever  # one consistent view, even if reload() runs meanwhile
        weights = retriever.weights
        # Misspelt words are read as the closest word the articles use, for every step.
        asked_text = weights.correct_typos(cleaned)
        # Only a turn that leans on the previous one is read with it: a new topic in the
        # same chat is a new question.
        context = turns if follows_previous(asked_text, turns, weights.names_topic) else ()
        query = Query(asked_text, tuple(weights.correct_typos(t) for t in context), language)
        found = Evidence(language, context, retriever.sentences)
        if is_instruction(asked_text):
            found.refusal = "instruction"
        elif is_small_talk(asked_text, bool(context), weights.names_topic):
            found.refusal = SMALL_TALK
        if found.refusal or retriever.is_empty:
            return found
        ranked, vector = retriever.search_indexed(query, CANDIDATE_PASSAGES)
        found.passages = [p for _, p in ranked]
        found.asked = read_question(asked_text, query.context, language, weights)
        z_scores = retriever.sentences.background(vector)
        top_score = found.passages[0].score
        top_z = float(z_scores.max()) if z_scores.size else 0.0
        article_z = retriever.sentences.article_means(z_scores)
        shared: dict[str, dict[str, float]] = {}  # per passage: its windows' common signals
        articles: dict[str, ArticleFacts] = {}  # per article, for all its windows
        for window in retriever.sentences.windows(ranked):
            passage = window.passage
            if passage.article_id not in articles:
                articles[passage.article_id] = ArticleFacts(
                    retriever.article_terms(passage.article_id),
                    retriever.article_phrases(passage.article_id),
                    article_z.get(passage.article_id, 0.0),
                )
            facts = articles[passage.article_id]
            if passage.chunk_id not in shared:
                shared[passage.chunk_id] = passage_signals(passage, found.asked, facts)
            window.signals = window_signals(
                window, found.asked, z_scores, top_score, facts, top_z, shared[passage.chunk_id]
            )
            found.windows.append(window)
        add_relative_signals(found.windows, found.asked, retriever.article_terms)
        return found

    def _refusal(self, found: Evidence, decision: Decision) -> tuple[str, list[Citation]]:
        """What a refusal says, in plain words, and the passages that came closest."""
        language = found.language
        if decision.reason == "instruction":
            return phrase(language, "instruction", topics=self.topics(language)), []
        if decision.reason == SMALL_TALK:
            offered = self.starters(language)[:2]
            listed = " ".join(f"“{q}”" for q in offered) or self.topics(language)
            return phrase(language, "small_talk", starters=listed), []
        if not self.titles:
            return phrase(language, "abstain_no_articles"), []
        closest = closest_passages(found.passages)
        missing = self._missing_in_closest(found, decision.best)
        if missing and decision.best is not None:
            subject = decision.best.passage.title.strip()  # quoted whole, "?" and all
            return phrase(language, "abstain_aspect", subject=subject, aspect=missing), closest
        key = "abstain_closest" if closest else "abstain"
        return phrase(language, key, topics=self.topics(language)), closest

    def _missing_in_closest(self, found: Evidence, best: Window | None) -> str:
        """The asked aspect's words that the closest article never uses, where that
        article is about what the question is about ("" otherwise): only then is "the
        closest article says nothing about Y" true and useful."""
        if best is None or found.asked is None or not found.asked.subject:
            return ""
        if best.signals.get("subject_in_article", 0.0) < 0.5:
            return ""
        return found.missing_aspect(self.retriever.article_terms(best.passage.article_id))

    def _generated(
        self,
        extractive: Answer,
        passages: list[Passage],
        history: tuple[str, ...],
        started: float,
    ) -> Iterator[str | Answer]:
        """The model's checked reply, or the extractive answer with a note saying why not;
        either with its other-language quotes translated (see :mod:`assistant.translation`)."""
        assert self.generator is not None
        given = model_passages(extractive.citations, passages, self.settings.llm_passages)
        messages = build_messages(extractive.question, extractive.language, given, history)
        guard = CitationGuard(len(given))
        try:
            for piece in self.generator.stream(messages):
                yield guard.feed(piece)
            text, used = keep_supported(
                guard.finish(),
                guard.used,
                self._support_in(given),
                self.embeddings.support_floor,
                len(given),
            )
            problem = reply_problem(text, used, extractive.language)
            if problem:
                raise GenerationFailed(problem)
        except GenerationFailed as failure:
            logger.info("generated reply replaced by the extractive answer: %s", failure.reason)
            answer = replace(extractive, note=fallback_note(extractive.language, failure.reason))
            if failure.reason not in MODEL_DOWN:  # a model that is down is not asked again
                answer = with_translations(answer, self.generator)
            yield replace(answer, latency_ms=(time.perf_counter() - started) * 1000)
            return
        answer = replace(
            extractive,
            text=text,
            citations=[citation_of(given[k - 1], n) for n, k in enumerate(used, start=1)],
            mode="generative",
        )
        answer = with_translations(answer, self.generator)
        yield replace(answer, latency_ms=(time.perf_counter() - started) * 1000)


def model_passages(
    cited: Sequence[Citation], passages: Sequence[Passage], limit: int
) -> list[Passage]:
    """What the model reads: the passages the extractive answer cited, then the next best."""
    by_id = {p.chunk_id: p for p in passages}
    chosen = [by_id[c.chunk_id] for c in cited if c.chunk_id in by_id]
    for passage in evidence_passages(list(passages)):
        if passage not in chosen:
            chosen.append(passage)
    return chosen[: max(limit, len(cited))]


def closest_passages(passages: Sequence[Passage], limit: int = MAX_CLOSEST) -> list[Citation]:
    """For a refusal: the best passage of each of the closest articles, best first."""
    best: dict[str, Passage] = {}
    for passage in passages:
        best.setdefault(passage.article_id, passage)
    return [citation_of(p, n) for n, p in enumerate(list(best.values())[:limit], start=1)]
