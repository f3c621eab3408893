"""Compose an extractive answer: the retrieved passages' own sentences, each with its [n].

Nothing is generated, so every statement is grounded by construction. Sentences are
picked greedily: each next one must add question words not yet covered, which gives a
first sentence that answers and, for "X vs Y" questions, a sentence for each side.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.answerability import (
    CONTROL_TOKENS,
    asks_amount_by_keywords,
    asks_for_duration,
    asks_for_figure,
    gives_duration,
    reads_like_injection,
)
from assistant.retrieval import PASSAGE_MARGIN, evidence_passages, role_phrases
from assistant.text import (
    TermWeights,
    content_words,
    correct_stop_word_typos,
    phrase_stem,
    query_terms,
    stemmed_phrases,
    terms,
)
from core.language import phrase
from core.types import LIST_ITEM, Citation, Passage

# Cosine similarities of sentences to the question, for words no glossary links across
# languages; used when the answer quotes an article in the other language.
SentenceSimilarity = Callable[[list[str]], list[float]]
SEMANTIC_WEIGHT = 0.3
MAX_SENTENCES = 5
MAX_ANSWER_CHARS = 900
# A next sentence must be at least this share as relevant as the lead sentence.
RELEVANCE_FLOOR = 0.5
# Weight of the passage's retrieval rank in a sentence's relevance: a sentence of the
# best passage is likelier to answer than an equally worded one further down.
PRIOR_WEIGHT = 0.5
# Bonus for a sentence with a figure when the question asks for a number ("At what
# headcount …"): the sentence giving the number answers, the ones around it explain.
FIGURE_BONUS = 0.3
# Bonus for a sentence that says what the asked-about role is or does ("An employee
# relations specialist is usually the person who ..."), for "what is / what does X do".
DEFINITION_BONUS = 0.5
# How much of a question word the sentence after an article's own question inherits.
ASKED_BEFORE = 0.75
# Bonus for the sentence right after an article's own question that asks what the
# question asks about its subject ("Wat doen preventiemedewerkers eigenlijk?" for "Wat
# doet een preventiemedewerker?"): the page answers it there, as a definition would.
PAGE_ANSWER_BONUS = DEFINITION_BONUS
_FIGURE = re.compile(r"\d")
MAX_LIST_ITEMS = 6
# A list labelled as the duties asked for ("Responsibilities") beats a list of a better
# ranked passage of the same page: the label outweighs the rank.
DUTY_LIST_BONUS = 0.3
# Weight of a list's passage rank (0..1) among the lists of a page; kept below
# DUTY_LIST_BONUS so that the best-ranked passage's list, at a full prior, never
# outweighs a duty label on a list ranked last.
LIST_PRIOR_WEIGHT = 0.25
# A passage's last sentence without an end mark, at least this long, was cut off (a
# shorter one is a heading or a label).
MIN_CUT_SENTENCE_WORDS = 6
_ENDS_SENTENCE = re.compile(r"[.!?:;…)\]\"'”’]$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-Ý\"“‘(])")
_BULLET = LIST_ITEM
# A line that names what follows rather than saying something: short, no end mark.
_HEADING_LINE = re.compile(r"^[^.!?:;,]{1,60}[^.!?:;,\s\"”’)]$")
# Sentences that lean on the one before them ("They play a pivotal role ...").
_ANAPHORA = re.compile(
    r"^(they|them|their|it|its|this|these|those|he|she|such|zij|ze|hij|het|dit|deze|die|"
    r"daarnaast|daarom|bovendien|also|however)\b",
    re.IGNORECASE,
)
_DUTY_WORDS = "tasks duties responsibilities taken"
# Questions that ask what a job consists of: "What does X do?", "What does the role
# involve?", "Wat houdt die functie in?", "… on a normal working day?".
_DOES = (
    r"what does .{1,40} (do|involve|entail)|wat (doet|doen)|wat houdt .{0,40}\bin|"
    r"day[- ]to[- ]day|(gewone|normale) werkdag|typical (work)?day"
)
# A question that joins two things: "X and Y", "X of Y", "X vs Y", "X/Y".
_JOINS_SUBJECTS = re.compile(r"\b(and|en|or|of|vs|versus)\b|[&/]", re.IGNORECASE)
_DOES_QUESTION = re.compile(rf"\b({_DOES})\b", re.IGNORECASE)
# How an asker names their own role: "I'm an HR manager", "Ik ben net begonnen als
# HR-manager", "As a new team lead"; the words after it are dropped as a subject.
_SELF_DESCRIPTION = re.compile(
    r"\b(?:(?:i am|i'm|as)\s+(?:an?|the)|ik ben|als)\b(?:\s+(?:an?|the|een|de|het|new|"
    r"nieuwe?|net|just|pas|begonnen|started|als|as))*(?:\s+[\w&-]+){1,3}",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(not|never|no|niet|geen|nooit)\b|n't\b", re.IGNORECASE)
_ASKS_DEFINITION = re.compile(
    rf"\b({_DOES}|what('s| is| are)|who('s| is| are)|wat (is|zijn)|wie (is|zijn)|"
    r"duties|responsibilities|tasks|taken|verantwoordelijkheden)\b",
    re.IGNORECASE,
)
# A sentence whose subject opens it and is followed by what it is or does.
_DEFINITION = re.compile(
    r"^(?:(?:an?|the|de|het|een)\s+)?(?P<subject>[^,.;:!?()]{2,60}?)\s*(?:\([^)]{1,30}\)\s*)?"
    r"\b(?:is|are|zijn|acts|serves|works|werkt|plays|speelt|helps|helpt|handles|ensures|"
    r"zorgt|manages|beheert|oversees|supports|ondersteunt|focuses|richt)\b",
    re.IGNORECASE,
)
_LIST_QUESTION = re.compile(
    r"\b(what|which|welke|wat)\b.{0,30}\b(responsibilit\w*|tasks?|duties|skills?|steps?|"
    r"qualifications?|taken|verantwoordelijkhed\w*|vaardighed\w*|stappen|kwalificaties)\b|"
    rf"\b({_DOES})\b",
    re.IGNORECASE,
)


# A next sentence that carries on about the same subject ("This professional also ...");
# narrower than _ANAPHORA: a Dutch "Het"/"Die" mostly opens a new statement.
_CARRIES_ON = re.compile(
    r"^(they|their|he|she|his|her|this (professional|person|role|specialist|position|employee)|"
    r"these (professionals|specialists|duties|tasks)|zij|hij|ze|deze (functie|rol|persoon|"
    r"specialist|medewerker)|daarnaast|bovendien|also|ook)\b",
    re.IGNORECASE,
)


@dataclass
class Unit:
    """A sentence or list item: an exact piece of a passage's text."""

    passage: Passage
    text: str
    order: int
    list_id: int | None = None
    terms: set[str] = field(default_factory=set)
    # Its word runs as stems (see stemmed_phrases): where "HR-generalist" is found.
    phrases: set[str] = field(default_factory=set)

    @property
    def is_intro(self) -> bool:
        return self.text.rstrip().endswith(":")

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().rstrip('"”’)').endswith("?")


def split_units(passage: Passage, first_order: int = 0) -> list[Unit]:
    """Sentences and list items of a passage, in reading order.

    Web pages mix bullets, headings and prose in one block ("Overlegrecht\nDe OR heeft
    ..."); each run is read apart, and a heading line is never glued to the sentence
    after it.
    """
    units: list[Unit] = []
    order = first_order
    list_number = 0
    for block in passage.text.split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        for is_list, run in _runs(lines):
            list_number += is_list
            pieces = (
                [_BULLET.sub("", ln).strip() for ln in run]
                if is_list
                else [
                    sentence.strip()
                    # A chat-template token in an article ends a sentence, as a full stop does.
                    for part in CONTROL_TOKENS.split(" ".join(ln.strip() for ln in run))
                    for sentence in _SENTENCE_END.split(part)
                ]
            )
            for piece in pieces:
                # Orders to an AI assistant hidden in an article are not evidence.
                if piece and not reads_like_injection(piece):
                    units.append(
                        Unit(
                            passage=passage,
                            text=piece,
                            order=order,
                            list_id=list_number if is_list else None,
                            terms=set(terms(piece)),
                            phrases=stemmed_phrases(piece),
                        )
                    )
                    order += 1
    return units


def _runs(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """A block's lines as runs of list items and runs of prose; heading lines (short,
    unpunctuated, with text after them) separate runs and are left out."""
    runs: list[tuple[bool, list[str]]] = []
    for index, line in enumerate(lines):
        is_item = bool(_BULLET.match(line))
        if not is_item and index + 1 < len(lines) and _HEADING_LINE.match(line.strip()):
            runs.append((False, []))  # a break: the next line starts a new run
            continue
        if runs and runs[-1][0] == is_item and (is_item or runs[-1][1]):
            runs[-1][1].append(line)
        else:
            runs.append((is_item, [line]))
    return [(is_list, run) for is_list, run in runs if run]


@dataclass
class _Scored:
    unit: Unit
    match: dict[int, float]  # question word index → 1.0 (in the sentence) / 0.5 (heading)
    prior: float
    semantic: float = 0.0  # meaning-level closeness to the question, 0..1 among candidates
    # FIGURE_BONUS when the question asks a number and this gives one; DEFINITION_BONUS
    # when it asks what a role is or does and this sentence says it.
    bonus: float = 0.0


def _score_units(
    question: str,
    context: str,
    passages: list[Passage],
    weights: TermWeights,
    list_only: Sequence[Passage] = (),
) -> tuple[list[_Scored], list[float]]:
    groups = query_terms(question)
    context_groups = [g for g in query_terms(context) if g not in groups] if context else []
    all_groups = groups + context_groups
    group_weights = [weights.group_weight(g) for g in groups] + [
        0.4 * weights.group_weight(g) for g in context_groups
    ]
    # A hyphenated question word is also found as its words in a row ("HR generalist").
    phrases = [{phrase_stem(t) for t in g if "-" in t} for g in all_groups]
    top, bottom = passages[0].score, passages[-1].score
    wants_figure = asks_for_figure(question) or asks_amount_by_keywords(question, weights)
    wants_duration = asks_for_duration(question)
    wants_definition = bool(_ASKS_DEFINITION.search(correct_stop_word_typos(question)))
    subject = [g for g in groups if weights.is_topic(g)]
    scored: list[_Scored] = []
    order = 0
    for passage in [*passages, *list_only]:
        heading_text = f"{passage.title} {passage.section}"
        heading = set(terms(heading_text)) | stemmed_phrases(heading_text)
        prior = (passage.score - bottom) / (top - bottom) if top > bottom else 1.0
        prior = max(0.0, prior)  # a list-only passage may score below the evidence
        asked: set[int] = set()  # question words of the article's own question just before
        same_question_before = False
        for unit in split_units(passage, order):
            order = unit.order + 1
            match: dict[int, float] = {}
            answers_page_question = same_question_before
            for i, group in enumerate(all_groups):
                if any(t in unit.terms for t in group) or phrases[i] & unit.phrases:
                    match[i] = 1.0
                elif i in asked:
                    match[i] = 1.0 if answers_page_question else ASKED_BEFORE
                elif any(t in heading for t in group) or phrases[i] & heading:
                    match[i] = 0.5
            # Pages ask their own questions ("Wat doen preventiemedewerkers eigenlijk?") and
            # answer them in the next sentence, which seldom repeats the question's words.
            asked = (
                {i for i, m in match.items() if m >= 1.0}
                if unit.is_question and _same_polarity(unit.text, question)
                else set()
            )
            same_question_before = _asks_the_same(unit, question, subject)
            gives = (wants_figure and _FIGURE.search(unit.text)) or (
                wants_duration and gives_duration(unit.text)
            )
            bonus = FIGURE_BONUS if gives else 0.0
            if wants_definition and _defines(unit.text, groups, group_weights):
                bonus += DEFINITION_BONUS
            if answers_page_question:
                bonus += PAGE_ANSWER_BONUS
            # Where the page answers the question itself, the passage's rank is no doubt.
            scored.append(
                _Scored(unit, match, 1.0 if answers_page_question else prior, bonus=bonus)
            )
    return scored, group_weights


def _about_the_subject_first(question: str, context: str, passages: list[Passage]) -> list[Passage]:
    """The passages of a close article titled after the role the asker's context names
    first, when the question itself names no subject and the best article never names
    that role ("We are hiring a payroll officer. What would the job involve each week?"
    can rank a page about another role first on "job … week"). The asker's own role
    ("I'm an HR manager", "als HR-manager") says who asks, not what is asked."""
    if not passages or not context:
        return passages
    phrases_by_title = {p.title: role_phrases(p.title) for p in passages}
    titled = set().union(*phrases_by_title.values())
    if role_phrases(question) & titled or set(terms(question)) & _title_subjects(phrases_by_title):
        return passages  # the question names its subject itself
    top = passages[0]
    # The retrieved passages of the best article: the words it is known to use here.
    present = {
        t for p in passages if p.article_id == top.article_id for t in terms(p.searchable_text)
    }
    # A role is missing when the best article does not even use one of its words.
    missing = {
        phrase
        for phrase in role_phrases(_SELF_DESCRIPTION.sub(" ", context)) & titled
        if any(not set(terms(part)) & present for part in phrase.split("-"))
    }
    for passage in passages:
        if (
            passage.article_id != top.article_id
            and passage.language == top.language
            and passage.score >= top.score - PASSAGE_MARGIN
            and missing & role_phrases(passage.title)
        ):
            # The answer comes from the article about the subject alone: the ones ranked
            # above it matched the question's other words, not this role.
            return [p for p in passages if p.article_id == passage.article_id]
    return passages


def _title_subjects(phrases_by_title: dict[str, set[str]]) -> set[str]:
    """Terms of the first content word of each title that names no role phrase: the
    one-word role it is about ("Vertrouwenspersoon: wat doet die?"). A title with a role
    phrase is about that phrase ("A week as an L&D specialist" is not about
    "week")."""
    firsts = (
        content_words(title)[:1] for title, phrases in phrases_by_title.items() if not phrases
    )
    return {t for words in firsts for t in terms(" ".join(words))}


def _page_answers(
    question: str, evidence: list[Passage], passages: list[Passage], weights: TermWeights
) -> list[Passage]:
    """Passages of the evidence's articles, outside the evidence, in which the article
    asks the question itself: its answer follows there."""
    subject = [g for g in query_terms(question) if weights.is_topic(g)]
    articles = {p.article_id for p in evidence}
    return [
        passage
        for passage in passages
        if passage not in evidence
        and passage.article_id in articles
        and any(_asks_the_same(unit, question, subject) for unit in split_units(passage))
    ]


def _asks_the_same(unit: Unit, question: str, subject: list[list[str]]) -> bool:
    """The article's own question asks what a role does, as the question does, about the
    question's subject (its words that name an article's topic), and both ask it the same
    way round ("Wat doet een X niet?" is answered by what X does not do)."""
    return (
        unit.is_question
        and bool(subject)
        and _same_polarity(unit.text, question)
        and all(set(group) & unit.terms for group in subject)
        and bool(_DOES_QUESTION.search(correct_stop_word_typos(question)))
        and bool(_DOES_QUESTION.search(correct_stop_word_typos(unit.text)))
    )


def _same_polarity(asked_here: str, question: str) -> bool:
    """Both ask it the same way round: "what does X do" is not answered by the page's
    "what does X not do", nor the other way round."""
    return bool(_NEGATION.search(asked_here)) == bool(_NEGATION.search(question))


def _defines(text: str, groups: list[list[str]], weights: list[float]) -> bool:
    """The sentence opens with most of what the question asks about, then says what it
    is or does: the definition an answer to "what does X do?" should lead with."""
    subject = _subject_terms(text)
    if not subject:
        return False
    total = sum(weights[: len(groups)]) or 1.0
    named = sum(w for g, w in zip(groups, weights, strict=False) if subject & set(g))
    return named / total >= 0.5


def _other_subjects(
    question: str, evidence: list[Passage], passages: list[Passage], weights: TermWeights
) -> list[Passage]:
    """For each topic word of a question about two subjects that the evidence never uses,
    the best close passage of an article titled after it ("wat doet de casemanager en wat
    doet de bedrijfsarts?" when only the company doctor's article scored as evidence).

    Only in the evidence's own language does a missing word mean a missing subject; a
    question that joins no two things ("Wat doet een recruiter in het mkb?") has one.
    """
    if not evidence or not _JOINS_SUBJECTS.search(question):
        return []
    top = evidence[0]
    present = {t for p in evidence for t in terms(p.searchable_text)}
    found: list[Passage] = []
    for group in query_terms(question):
        if not weights.is_topic(group) or any(t in present for t in group):
            continue
        for passage in passages:
            if (
                passage not in evidence
                and passage not in found
                and passage.language == top.language
                and passage.score >= top.score - PASSAGE_MARGIN
                and set(group) & set(terms(passage.title))
            ):
                found.append(passage)
                break
    return found


def _subject_terms(text: str) -> set[str]:
    """Terms of the subject a sentence opens with, when it goes on to say what that is or
    does ("De casemanager is de persoon die …"); empty otherwise."""
    found = _DEFINITION.match(text)
    return set(terms(found.group("subject"))) if found else set()


def _add_semantic_scores(scored: list[_Scored], similarity: SentenceSimilarity) -> None:
    """Scale each sentence's similarity to the question to 0..1 among the candidates."""
    values = similarity([item.unit.text for item in scored])
    low, high = min(values), max(values)
    for item, value in zip(scored, values, strict=True):
        item.semantic = (value - low) / (high - low) if high > low else 0.0


def _relevance(item: _Scored, weights: list[float]) -> float:
    total = sum(weights) or 1.0
    lexical = sum(weights[i] * m for i, m in item.match.items()) / total
    return lexical + PRIOR_WEIGHT * item.prior + SEMANTIC_WEIGHT * item.semantic + item.bonus


def _gain(item: _Scored, weights: list[float], covered: set[int]) -> float:
    total = sum(weights) or 1.0
    return sum(weights[i] * m for i, m in item.match.items() if i not in covered) / total


def _near_duplicate(a: Unit, b: Unit) -> bool:
    if not a.terms or not b.terms:
        return a.text == b.text
    return len(a.terms & b.terms) / len(a.terms | b.terms) > 0.7


def select_units(
    question: str,
    context: str,
    passages: list[Passage],
    weights: TermWeights,
    similarity: SentenceSimilarity | None = None,
) -> list[Unit]:
    """The sentences that answer best, lead first; a list question also gets its list.

    The next sentence is the one that adds most question words not yet covered, among
    those still relevant enough (at least half as relevant as the lead) and, for a
    question about two subjects, the sentence that says what the other one is or does.
    """
    plain_question = correct_stop_word_typos(question)
    passages = _about_the_subject_first(question, context, passages)
    evidence = evidence_passages(passages)
    # Quotable like the evidence, but scored after it: their rank must not lower the
    # evidence's own rank weights.
    page_answers = _page_answers(question, evidence, passages, weights)
    # A list question may take its list from any retrieved passage of the best article
    # ("Responsibilities" often follows the passage that answers best).
    list_only = (
        [
            p
            for p in passages
            if p.article_id == evidence[0].article_id
            and p not in evidence
            and p not in page_answers
        ]
        if evidence and _LIST_QUESTION.search(plain_question)
        else []
    )
    others = [
        p for p in _other_subjects(question, evidence, passages, weights) if p not in page_answers
    ]
    scored, group_weights = _score_units(
        question, context, evidence, weights, [*page_answers, *list_only, *others]
    )
    if similarity is not None and scored:
        _add_semantic_scores(scored, similarity)
    # Heading-like fragments ("Key Responsibilities:", "Denk hierbij aan:") say nothing alone.
    quotable = [
        s
        for s in scored
        if not s.unit.is_intro
        and not s.unit.is_question
        and len(content_words(s.unit.text)) >= (2 if s.unit.list_id is not None else 3)
    ]
    extra = {p.chunk_id for p in [*list_only, *others]}
    candidates = [s for s in quotable if s.unit.passage.chunk_id not in extra]
    # A heading standing alone as a block ("De rol van X in een organisatie") names a
    # topic and says nothing about it: quoted only when nothing else is left.
    said = [
        s for s in candidates if s.unit.list_id is not None or not _HEADING_LINE.match(s.unit.text)
    ]
    candidates = said or candidates
    if not candidates:
        return []
    lead = max(
        candidates, key=lambda s: _relevance(s, group_weights) + _gain(s, group_weights, set())
    )
    floor = RELEVANCE_FLOOR * _relevance(lead, group_weights)
    chosen = [lead]
    covered = {i for i, m in lead.match.items() if m >= 1.0}
    length = len(lead.unit.text)
    pool = [s for s in candidates if s is not lead and _relevance(s, group_weights) >= floor]
    # A subject of the question that no sentence relevant enough names ("… and what does
    # the company doctor do?") still gets the sentence of the article about it that says
    # what it is or does: both sides are answered.
    named = {i for s in [lead, *pool] for i, m in s.match.items() if m >= 1.0}
    sides: list[_Scored] = []
    for i, group in enumerate(query_terms(question) if others else []):
        if i in named or not weights.is_topic(group):
            continue
        naming = [
            s
            for s in quotable
            if s is not lead
            and s.unit.passage not in list_only
            and set(group) & set(terms(s.unit.passage.title))
            and _subject_terms(s.unit.text) & set(group)
        ]
        if naming:
            sides.append(max(naming, key=lambda s: _relevance(s, group_weights)))
            pool.append(sides[-1])
    while pool and len(chosen) < MAX_SENTENCES:
        best = max(
            pool,
            key=lambda s: _relevance(s, group_weights) + 2 * _gain(s, group_weights, covered),
        )
        pool = [s for s in pool if s is not best]
        if length + len(best.unit.text) > MAX_ANSWER_CHARS:
            continue
        if any(_near_duplicate(best.unit, c.unit) for c in chosen):
            continue
        chosen.append(best)
        length += len(best.unit.text)
        covered.update(i for i, m in best.match.items() if m >= 1.0)
    units = _in_reading_runs([s.unit for s in chosen])
    units = _with_antecedents(units, [s.unit for s in scored])
    units = _with_continuations(units, [s.unit for s in scored], MAX_ANSWER_CHARS)
    if _LIST_QUESTION.search(plain_question):
        kept = [s.unit for s in sides if any(s is c for c in chosen)]
        # The duty list is the best article's, never the other subject's.
        own = [s for s in scored if s.unit.passage not in others]
        units = _with_whole_list(units, own, group_weights, plain_question, kept)
    return units


def _in_reading_runs(units: list[Unit]) -> list[Unit]:
    """Keep the lead first, but put a quoted sentence right after the one it follows in
    the article, so consecutive sentences read as the article wrote them."""
    by_key = {(u.passage.chunk_id, u.order): u for u in units}
    out: list[Unit] = []
    for unit in units:
        if unit in out:
            continue
        out.append(unit)
        after = by_key.get((unit.passage.chunk_id, unit.order + 1))
        while after is not None and after not in out:
            out.append(after)
            after = by_key.get((after.passage.chunk_id, after.order + 1))
    return out


def _with_continuations(units: list[Unit], all_units: list[Unit], limit: int) -> list[Unit]:
    """Add the sentence right after a quoted one when it carries on about the same thing
    ("This professional also investigates ..."), while the answer has room for it."""
    by_order = {u.order: u for u in all_units}
    out = list(units)
    length = sum(len(u.text) for u in out)
    for unit in units:
        after = by_order.get(unit.order + 1)
        if (
            after is not None
            and after not in out
            and after.list_id is None
            and unit.list_id is None
            and after.passage.chunk_id == unit.passage.chunk_id
            and _CARRIES_ON.match(after.text)
            and length + len(after.text) <= limit
        ):
            out.insert(out.index(unit) + 1, after)
            length += len(after.text)
    return out


def _with_antecedents(units: list[Unit], all_units: list[Unit]) -> list[Unit]:
    """Put the sentence before a "They …" sentence in front of it, so it can be understood."""
    by_order = {u.order: u for u in all_units}
    out: list[Unit] = []
    for unit in units:
        before = by_order.get(unit.order - 1)
        if (
            _ANAPHORA.match(unit.text)
            and unit.list_id is None
            and before is not None
            and before.passage.chunk_id == unit.passage.chunk_id
            and before.list_id is None
            and not before.is_intro
            and not before.is_question
            and before not in out
        ):
            out.append(before)
        if unit not in out:
            out.append(unit)
    return out


def _with_whole_list(
    units: list[Unit],
    scored: list[_Scored],
    weights: list[float],
    question: str,
    kept: Sequence[Unit] = (),
) -> list[Unit]:
    """For "what are the tasks" questions, add the list that best matches the question.

    A list is judged by its items together with the sentence that introduces it and its
    section heading, since the items themselves rarely repeat the role's name.
    """
    lists: dict[tuple[str, int], list[_Scored]] = {}
    # What stands right before a list: its intro ("You'll need to:") and the heading
    # above that ("Responsibilities"), which says what the list is.
    labels: dict[tuple[str, int], list[_Scored]] = {}
    before: list[_Scored] = []
    for item in scored:
        if item.unit.list_id is not None:
            key = (item.unit.passage.chunk_id, item.unit.list_id)
            if key not in lists:
                labels[key] = [
                    b for b in before[-2:] if b.unit.passage.chunk_id == item.unit.passage.chunk_id
                ]
            lists.setdefault(key, []).append(item)
            before = []
        else:
            before.append(item)
    if not lists:
        return units

    # "What does X do?" asks for X's duties: a list introduced as tasks or responsibilities.
    duty_terms = set(terms(_DUTY_WORDS)) if _DOES_QUESTION.search(question) else set()

    def list_value(key: tuple[str, int]) -> float:
        members = lists[key] + labels[key]
        matched: dict[int, float] = {}
        for member in members:
            for i, m in member.match.items():
                matched[i] = max(matched.get(i, 0.0), m)
        total = sum(weights) or 1.0
        section = set(terms(lists[key][0].unit.passage.section))
        labelled = section | {t for label in labels[key] for t in label.unit.terms}
        duty = DUTY_LIST_BONUS if duty_terms & labelled else 0.0
        return (
            sum(weights[i] * min(1.0, 2 * m) for i, m in matched.items()) / total
            + LIST_PRIOR_WEIGHT * members[0].prior
            + duty
        )

    def says_what_is_asked(key: tuple[str, int]) -> bool:
        """Its items or the lines before them use a question word themselves, or label it
        as the duties asked for: a list under the page's title alone (a menu, a shop's
        selling points) shares only the title's words with the question."""
        section = set(terms(lists[key][0].unit.passage.section))
        labelled = section | {t for label in labels[key] for t in label.unit.terms}
        own = any(
            m >= ASKED_BEFORE and weights[i] > 0
            for member in lists[key] + labels[key]
            for i, m in member.match.items()
        )
        return own or bool(duty_terms & labelled)

    # One item is no list: mostly a numbered heading ("3. Verlofverzoeken behandelen").
    eligible = [key for key in lists if len(lists[key]) > 1 and says_what_is_asked(key)]
    if not eligible:
        return units
    best_key = max(eligible, key=list_value)
    items = [s.unit for s in lists[best_key]][:MAX_LIST_ITEMS]
    lead = [u for u in units if u.list_id is None][:2] or units[:1]
    # The sentence that answers for the question's other subject stays with the list.
    lead += [u for u in units if u in kept and u not in lead]
    return lead + [u for u in items if u not in lead]


def compose(
    question: str,
    language: str,
    context: str,
    passages: list[Passage],
    weights: TermWeights,
    similarity: SentenceSimilarity | None = None,
) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers, and its citations numbered in order of first use."""
    units = select_units(question, context, passages, weights, similarity)
    citations: list[Citation] = []
    number: dict[str, int] = {}
    sentences: list[str] = []
    items: list[str] = []
    noted_other_language = False
    for unit in units:
        passage = unit.passage
        if passage.chunk_id not in number:
            number[passage.chunk_id] = len(citations) + 1
            citations.append(citation_of(passage, number[passage.chunk_id]))
        cut = " …" if _is_cut_off(unit) else ""
        text = f"{unit.text}{cut} [{number[passage.chunk_id]}]"
        if passage.language and passage.language != language and not noted_other_language:
            name = phrase(language, f"language_name_{passage.language}")
            text = phrase(language, "other_language_article", article_language=name) + text
            noted_other_language = True
        if unit.list_id is not None and (sentences or items):
            items.append(f"- {text}")
        else:
            sentences.append(text)
    body = " ".join(sentences)
    if items:
        body = f"{body}\n\n" + "\n".join(items) if body else "\n".join(items)
    return body, citations


def _is_cut_off(unit: Unit) -> bool:
    """The sentence stops mid-way where the page's text ends ("… or when the r"): web
    excerpts are often cut at a length. The answer marks it with "…" rather than
    pretending it is whole (the citation still quotes the article exactly)."""
    text = unit.text.rstrip()
    return (
        unit.list_id is None
        and len(text.split()) >= MIN_CUT_SENTENCE_WORDS
        and not _ENDS_SENTENCE.search(text)
        and unit.passage.text.rstrip().endswith(text)
    )


def citation_of(passage: Passage, n: int) -> Citation:
    """Citation number ``n`` pointing at ``passage``'s exact text."""
    return Citation(
        n=n,
        source=passage.article_id,
        title=passage.title,
        chunk_id=passage.chunk_id,
        snippet=passage.text,
        language=passage.language,
        section=passage.section,
        publisher=passage.publisher,
    )


def render_sources(citations: list[Citation], language: str, heading: str = "sources") -> str:
    """The "Sources"/"Bronnen" list (or, for a refusal, "closest") in plain text."""
    if not citations:
        return ""
    lines = [f"{phrase(language, heading)}:"]
    for c in citations:
        # Closest passages are not citations: no [n] in the refusal points at them.
        label = f"[{c.n}]" if heading == "sources" else "-"
        lines.append(f"{label} {c.where} ({c.source})")
    return "\n".join(lines)
