"""Decide whether the retrieved evidence answers the question, before composing anything.

Similarity alone cannot decide (off-topic questions land as close to the best passage as
answerable ones), so three checks are combined: requests that are not questions about
the articles (instructions to the assistant, creative tasks), questions that ask for a
figure the evidence does not contain, and how much of the question's meaning the
evidence covers, weighted by how rare each word is.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from assistant.retrieval import evidence_passages
from assistant.text import (
    STOP_WORDS,
    TermWeights,
    concept_of,
    content_words,
    is_stop_word,
    joined_pairs,
    query_words,
    terms,
    tokenize,
    word_tokens,
)
from core.types import Passage

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|rules?|"
    r"guidelines?)\b|\bsystem ?prompt\b|\byou are now\b|\bpretend (to be|you)\b|"
    r"\bjailbreak\b|\b(negeer|vergeet)\b.{0,40}\b(instructies?|opdrachten|regels|prompt)\b|"
    r"\b(ignore|disregard|forget)\s+(the|these|your|all)\s+(articles?|sources?|context)\b|"
    r"\btell me a (joke|story|poem)\b|\bvertel (me )?een (grap|mop|verhaal)\b|"
    r"\bsysteemprompt\b|\bdoe alsof\b",
    re.IGNORECASE,
)
# Text in an article that addresses an AI assistant rather than a reader; narrower than
# _INSTRUCTION so that "managers should not ignore the rules" stays evidence.
_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+)?(the\s+|your\s+)?"
    r"(previous|prior|above|earlier|preceding|other|system)\s+(instructions?|prompts?|messages?|"
    r"rules?)\b|\bsystem ?prompt\b|\byou are now\b|\bnew instructions\s*:|"
    r"\b(as|if you are|you are) an? (ai|language model|chatbot|llm)\b(?!-)|"
    r"^\W*(always\s+)?(answer|reply|respond)\s+(to\s+)?(every|all|each|any)\s+(questions?|"
    r"messages?|users?)\b|^\W*(now\s+)?(reply|respond|answer)\s+only\s+with\b|"
    r"\bcite\s+(only\s+)?(passage|source)s?\s*\[|"
    r"\b(negeer|vergeet)\s+(alle\s+)?(de\s+)?(vorige|eerdere|voorgaande|andere)\s+"
    r"(instructies|opdrachten|regels|berichten)\b|\bsysteemprompt\b",
    re.IGNORECASE,
)
_OFF_TASK = re.compile(
    r"^\s*(please\s+)?(write|compose|generate|create|draw|sing|translate|summari[sz]e this|"
    r"tell me a (joke|story))\b.{0,30}\b(poem|story|song|joke|essay|haiku|limerick|code|"
    r"script|picture|image|letter|rap)\b|"
    r"^\s*(schrijf|maak|verzin|vertaal|teken)\b.{0,30}\b(gedicht|verhaal|lied|liedje|grap|"
    r"mop|essay|code|script|tekening|brief)\b",
    re.IGNORECASE,
)
# Requests for the assistant's own choice or opinion ("which software would you
# recommend?"): the articles describe roles, the assistant does not pick for anyone.
_ASKS_OPINION = re.compile(
    r"\b(would|do|can|could|should) you (recommend|suggest|advise|pick|choose|prefer)\b|"
    r"\bwhat do you (think|recommend|suggest|prefer)\b|\byour (personal )?(opinion|"
    r"recommendation|favou?rite)\b|\b(raad|raadt|beveel|beveelt) (je|jij|u)\b.{0,60}\baan\b|"
    r"\bwat (vind|vindt|denk|denkt) (je|jij|u)\b|\bjouw (mening|aanrader|favoriet)\b",
    re.IGNORECASE,
)
# What kind of figure a question asks for decides what the evidence must contain: an
# amount of money needs a currency or a large number, a share needs a percentage.
_ASKS_MONEY = re.compile(
    r"\b(salary|salaries|wages?|pay|paid|earn|earns|earning|income|cost|costs|price|fee|fees|"
    r"charge|charges|salaris|salarissen|loon|lonen|verdient|verdienen|inkomen|kost|kosten|"
    r"prijs|\w*tarief|\w*tarieven|honorarium|rekent|(hourly|daily|day) rates?)\b",
    re.IGNORECASE,
)
# A question typed as keywords, with no stop word at all ("salaris recruiter?",
# "extern vertrouwenspersoon uurtarief?"), at most this many words long.
MAX_KEYWORD_QUERY_WORDS = 5
# The words of such a question that name an amount (not "pay", "loon" or "kosten",
# which as keywords are mostly a topic: "loon doorbetalen ziekte").
_AMOUNT_NOUN = re.compile(
    r"salary|salaries|salaris|salarissen|wages?|earnings|verdiensten|\w*tarief|\w*tarieven|"
    r"rates?|fees?|honorarium",
    re.IGNORECASE,
)
# A question that wants a quantity, not one that merely mentions pay or costs.
_ASKS_QUANTITY = re.compile(
    r"\bhow (much|many|high|old)\b|\bhoeveel\b|\bhoe (hoog|duur|oud)\b|"
    r"\bwhat\b.{0,60}\b(earn|earns|make|makes|cost|costs|charge|charges|paid)\b|"
    r"\bwat\b.{0,60}\b(verdient|verdienen|kost|kosten|rekent|betaalt|betaald)\b|"
    r"\bwhat('s| is| are| was| were)\s+(the\s+|a\s+|an\s+)?(typical\s+|average\s+|median\s+|"
    r"starting\s+)?(salary|salaries|pay|wage|cost|fee|price|percentage|share|age)\b|"
    r"\bwat (is|zijn|was) (het|de) (gemiddelde\s+|mediane\s+)?(salaris|salarissen|loon|tarief|"
    r"prijs|kosten|percentage|aandeel|leeftijd)\b|\bwhat age\b|\bwelke leeftijd\b|"
    r"\b(percentage|procent|percent)\b|%|"
    # "At what headcount …", "Vanaf welke bedrijfsgrootte …": a size asked as a threshold.
    r"\bat what (size|headcount|head count|number|age)\b|"
    r"\b(vanaf|bij) welke (\w*grootte|omvang|leeftijd|aantal)\b",
    re.IGNORECASE,
)
# "How long …", "Hoe lang …": a duration, which articles give in words as often as in
# digits ("enkele weken", "a few months").
_ASKS_DURATION = re.compile(
    r"\b(how long|hoe lang|how many (days|weeks|months|years)|"
    r"hoeveel (dagen|weken|maanden|jaren|jaar))\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b(minutes?|hours?|days?|weeks?|months?|years?|minuten|uur|uren|dag|dagen|week|weken|"
    r"maand|maanden|jaar|jaren)\b",
    re.IGNORECASE,
)
# "In which year …", "When was X introduced?", "Sinds wanneer bestaat X?": the answer
# is a year. Not any "since when" (often a size: "from 50 employees"), nor when a process
# started ("week 6"), nor a year of a course ("welk jaar van de opleiding").
_ASKS_YEAR = re.compile(
    r"\b(what|which) year\b(?! of\b)|\bwelk jaar\b(?! van\b)|"
    r"\bsinds wanneer (bestaat|bestaan)\b|\bsince when\b.{0,60}\bexist|"
    r"\bwhen (was|were|did)\b.{0,80}\b(introduced|founded|created|established|launched|"
    r"passed|coined|adopted)\b|"
    r"\bwanneer (is|werd|zijn|werden)\b.{0,80}\b(ingevoerd|geïntroduceerd|opgericht|"
    r"aangenomen|ontstaan)\b",
    re.IGNORECASE,
)
_ASKS_SHARE = re.compile(r"\b(percent|percentage|procent|share of|aandeel)\b|%", re.IGNORECASE)
_FIGURE = re.compile(r"\d|[€$£]")
# What "how many" counts: the words after it that carry meaning ("how many training
# days", "hoeveel dagen vakantie"); English and Dutch put the counted noun on either side.
_COUNTED = re.compile(r"\b(?:how many|hoeveel)\s+([a-zà-ÿ]+(?:\s+[a-zà-ÿ]+)?)", re.IGNORECASE)
_MONEY = re.compile(
    r"[€$£]\s?\d|\d\s?(euro|eur|dollars?|pounds?)\b|\b(euro|eur)\s?\d|\d{1,3}[.,]\d{3}\b",
    re.IGNORECASE,
)
_SHARE = re.compile(r"\d\s?(%|procent|percent)", re.IGNORECASE)
# A place, company or year the question is scoped to ("in the UK", "at Philips",
# "in 2025"): the evidence must name it, or the answer would be about somewhere else.
_SCOPE = re.compile(
    r"\b(?:in|at|bij|within|binnen|for|voor|van)\s+(?:the\s+|de\s+|het\s+)?"
    r"((?:[A-Z][\w&.-]*)(?:\s+[A-Z][\w&.-]*)*)"
)
_YEAR = re.compile(r"\b(19|20)\d\d\b")
LANGUAGE_NAMES = frozenset(
    "english dutch engels nederlands german duits french frans spanish spaans".split()
)
# What an article in a language takes for granted about its scope: a Dutch article is
# about the Netherlands unless it says otherwise.
IMPLIED_SCOPE = {
    "nl": {"netherlands", "nederland", "dutch", "holland", "nl", "nederlandse"},
    "en": {"english"},
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# A sentence that asks without a question mark: "Tell me what a sourcer does."
_ASKING = re.compile(
    r"^\W*(please\s+)?(tell|explain|describe|list|name|give|show|"
    r"vertel|leg|beschrijf|noem|geef)\b",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\b([A-Z]{2,6})s?\b")
# Weight of a question word the articles never use and that names no topic: "offer",
# "roughly", "shadow" are how people talk, not what they ask about.
FILLER_WEIGHT = 0.0
# Share of its rarity a word keeps when no title or heading uses it: "ever", "above",
# "separate" are rare in HR articles without being what a question is about.
NON_TOPIC_WEIGHT = 0.2
# Words of the sentences around the question ("I'm a team lead in sales.") count this
# much: they say who asks, not what.
CONTEXT_WEIGHT = 0.25

# Tuned on the development questions, our own extra questions (tests/data) and the devset.
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class Verdict:
    """Whether to answer, and if not, which kind of refusal fits."""

    answerable: bool
    reason: str = ""
    coverage: float = 0.0


def is_instruction(question: str) -> bool:
    """Instructions aimed at the assistant itself, or tasks that are not questions."""
    return bool(_INSTRUCTION.search(question) or _OFF_TASK.search(question))


# Tokens that chat templates give a meaning (turn and role boundaries): in article text
# they could open a fake system turn, so they are never passed on or quoted.
CONTROL_TOKENS = re.compile(
    r"(?:<\|[^<>|]{0,40}\|>|</?s>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>)"
    r"(?:\s*(?:system|user|assistant|model)\b)?",
    re.IGNORECASE,
)


def reads_like_injection(text: str) -> bool:
    """Text that gives orders to an AI assistant: not evidence about HR roles."""
    return bool(_INJECTION.search(text))


def figure_missing(
    question: str, evidence: list[Passage], weights: TermWeights | None = None
) -> bool:
    """The question asks for a kind of figure that the evidence does not contain.

    ``weights`` tells which counted words the evidence's language uses at all; a word
    it never uses ("hoeveel stoelen") cannot be looked for next to the number.
    """
    text = " ".join(p.text for p in evidence)
    if _ASKS_YEAR.search(question):
        return not _YEAR.search(text)
    if weights is not None and asks_amount_by_keywords(question, weights):
        return not _MONEY.search(text)
    if asks_for_duration(question) and not asks_for_figure(question):
        return not gives_duration(text)
    if not asks_for_figure(question):
        return False  # "Who is responsible for salary payments?" asks for no figure
    unit = _COUNTED.search(question)
    language = evidence[0].language if evidence else ""
    counted_words = [
        w
        for w in (content_words(unit.group(1)) if unit else [])
        if weights is None or weights.is_known(terms(w), language or None)
    ]
    if _ASKS_SHARE.search(question):
        return not _SHARE.search(text)
    if counted_words and not _ASKS_MONEY.search(counted_words[0]):
        # "How many training days ...", "hoeveel tijd kost ...": a number must stand
        # with what is counted.
        counted = {t for w in counted_words if not _ASKS_MONEY.search(w) for t in terms(w)}
        return not any(
            _FIGURE.search(sentence) and counted & set(terms(sentence))
            for passage in evidence
            for sentence in _SENTENCE.split(passage.text)
        )
    if _ASKS_MONEY.search(question):
        return not _MONEY.search(text)
    return not _FIGURE.search(text)


def asks_for_duration(question: str) -> bool:
    """The question wants to know how long something takes or lasts."""
    return bool(_ASKS_DURATION.search(question))


def gives_duration(text: str) -> bool:
    """The text names a span of time, in digits or in words ("enkele weken")."""
    return bool(_DURATION.search(text))


def asks_for_figure(question: str) -> bool:
    """The question wants a number: a count, size, share, age, year or amount of money."""
    return bool(_ASKS_QUANTITY.search(question) or _ASKS_YEAR.search(question))


def asks_amount_by_keywords(question: str, weights: TermWeights) -> bool:
    """Typed as keywords, a salary or rate word next to a role the articles are about
    asks for the amount ("salaris recruiter?", "extern vertrouwenspersoon uurtarief?").
    Other keyword questions name pay as a topic ("pay transparency directive", "loon
    doorbetalen ziekte?") and ask for no figure."""
    words = word_tokens(question)
    if not 0 < len(words) <= MAX_KEYWORD_QUERY_WORDS or any(is_stop_word(w) for w in words):
        return False
    amounts = [w for w in words if _AMOUNT_NOUN.fullmatch(w)]
    return bool(amounts) and any(weights.names_topic(w) for w in words if w not in amounts)


def question_parts(question: str) -> tuple[str, str]:
    """The sentences that ask, and the ones around them that tell who asks and why.

    "I'm a team lead in sales. HR hired a business partner. What will they do?" asks
    only its last sentence; the rest is context. "Tell me …" and "Leg uit …" ask too. A
    question without any asking sentence is all question.
    """
    sentences = [s for s in _SENTENCE.split(question.strip()) if s.strip()]
    asked = [s for s in sentences if "?" in s or _ASKING.match(s)]
    if not asked or len(asked) == len(sentences) or not content_words(" ".join(asked)):
        # "My colleague keeps saying 'intercedent'. What is that?": the asking sentence
        # names nothing, so the whole text is the question.
        return question.strip(), ""
    return " ".join(asked), " ".join(s for s in sentences if "?" not in s)


def scope_names(question: str) -> list[str]:
    """Places, companies and years the question is limited to ("in Belgium", "in 2025")."""
    names = [m.group(1) for m in _SCOPE.finditer(question)]
    names += [m.group(0) for m in _YEAR.finditer(question)]
    # "in English", "in het Nederlands" ask for a language, not a place.
    return [n for n in names if n.lower() not in STOP_WORDS | LANGUAGE_NAMES]


def missing_scope(question: str, evidence: list[Passage], weights: TermWeights) -> str:
    """A scope of the question that the evidence never names, or ''."""
    present: set[str] = set()
    for passage in evidence:
        present.update(tokenize(passage.searchable_text))
        present.update(IMPLIED_SCOPE.get(passage.language, ()))
        present.update(tokenize(passage.searchable_text.replace(".", "")))  # "U.S." → "us"
    for name in scope_names(question):
        words = [w for w in tokenize(name) if "-" not in w and not weights.names_topic(w)]
        if not words:
            continue  # a role or topic of the articles ("in HR"), not a place
        if not all(_names_word(word, present) for word in words):
            return name
    return ""


# Qualifiers that split a population in two: a question about one half is not answered
# by evidence that speaks only of the other ("large enterprises" vs "small businesses").
OPPOSITES = (
    ("large", "small"),
    ("larger", "smaller"),
    ("big", "small"),
    ("bigger", "smaller"),
    ("groot", "klein"),
    ("grote", "kleine"),
    ("grotere", "kleinere"),
    ("senior", "junior"),
    ("full-time", "part-time"),
    ("fulltime", "parttime"),
    ("public", "private"),
    ("publieke", "private"),
    ("internal", "external"),
    ("interne", "externe"),
    ("permanent", "temporary"),
)
_OPPOSITES: dict[str, set[str]] = {}
for _one, _other in OPPOSITES:
    _OPPOSITES.setdefault(_one, set()).add(_other)
    _OPPOSITES.setdefault(_other, set()).add(_one)


def contrasted_qualifier(question: str, evidence: list[Passage]) -> str:
    """A qualifier of the question whose opposite the evidence uses instead, or ''.
    A question that names both sides ("junior vs senior …") compares them: what the
    evidence says of one side answers half of it."""
    present: set[str] = set()
    for passage in evidence:
        present.update(w.lower() for w in tokenize(passage.text))
    words = [w.lower() for w in tokenize(question)]
    asked = set(words)
    for word in words:  # in reading order: the first contrasted qualifier is named
        opposites = _OPPOSITES.get(word, set())
        if opposites and not opposites & asked and word not in present and opposites & present:
            return word
    return ""


def _names_word(word: str, present: set[str]) -> bool:
    """``word`` or an inflected form of it ("Belgium" → "belgische") is present; a year
    only as itself."""
    if word in present:
        return True
    if word.isdigit():
        return False
    concept = concept_of(word)
    if concept and any(concept_of(p) == concept for p in present if len(p) > 2):
        return True
    root = word[: max(5, len(word) - 2)]
    return len(word) > 5 and any(p.startswith(root) for p in present)


def coverage(
    question: str,
    evidence: list[Passage],
    weights: TermWeights,
    context: str = "",
    question_language: str = "",
) -> float:
    """Share of the question's meaning (rarity-weighted words) present in the evidence.

    Only words that the evidence's language uses can be expected in it: others are how
    people talk ("offer", "roughly") or words of the other language, a translation away.
    They count only when they name what is asked, standing right before a word of the
    articles' titles ("global mobility specialist"), as a role name does. Words of
    ``context`` (the sentences around the question) count a quarter.
    """
    language = evidence[0].language if evidence else ""
    # Names the articles never use can only be expected in evidence of the same language.
    same = not question_language or language in ("", question_language)
    groups = _weighted_groups(question, weights, language, same)
    asked = {tuple(g) for g, _ in groups}
    groups += [
        (g, CONTEXT_WEIGHT * w)
        for g, w in _weighted_groups(context, weights, language, same)
        if tuple(g) not in asked
    ]
    if not any(w > 0 for _, w in groups):
        return 0.0
    present: set[str] = set()
    for passage in evidence:
        present.update(terms(passage.searchable_text))
        present.update(joined_pairs(passage.searchable_text))
        present.update(terms(" ".join(IMPLIED_SCOPE.get(passage.language, ()))))
    present.update(_compound_parts(f"{question} {context}", evidence))
    found = [(g, w) for g, w in groups if any(t in present for t in g)]
    if not same and not any(weights.is_topic(g) for g, _ in found):
        # Evidence in the other language can only be checked on shared words and the
        # glossary; unless one of them names what the articles are about, a match on
        # side words ("file my income tax return" / "belasting") is no answer.
        return 0.0
    total = sum(w for _, w in groups)
    return sum(w for _, w in found) / total if total else 0.0


def _weighted_groups(
    text: str, weights: TermWeights, language: str, same_language: bool = True
) -> list[tuple[list[str], float]]:
    """Each content word's terms with the weight it carries against evidence in ``language``."""
    if not text:
        return []
    names = _naming_words(text, weights) if same_language else set()
    out: list[tuple[list[str], float]] = []
    for word, group in query_words(text):
        if weights.is_known(group, language or None):
            weight = weights.group_weight(group)
            if not weights.is_topic(group):
                weight *= NON_TOPIC_WEIGHT
        elif word in names and not weights.is_known(group):
            weight = weights.group_weight(group)  # the unknown word's (highest) weight
        else:
            weight = FILLER_WEIGHT
        out.append((group, weight))
    return out


def _compound_parts(text: str, evidence: list[Passage]) -> list[str]:
    """Terms of two neighbouring question words that the evidence writes as one word:
    "case manager" is covered by "casemanager", "payroll specialist" by "payrollspecialist"."""
    words = set(tokenize(" ".join(p.searchable_text for p in evidence)))
    tokens = word_tokens(text)
    return [
        term
        for a, b in itertools.pairwise(tokens)
        if f"{a}{b}" in words
        for term in terms(f"{a} {b}")
    ]


def _naming_words(text: str, weights: TermWeights) -> set[str]:
    """Words the articles never use that name what is asked, not how it is asked.

    Two words in a row before a word of the titles, one of them unknown, name a role
    ("global mobility specialist"; one word alone is mostly an adjective: "een gewone
    recruiter"), and an acronym names a thing ("PVT", "KPIs").
    """
    letters = [c for c in text if c.isalpha()]
    shouting = sum(c.isupper() for c in letters) > len(letters) / 2
    names = {
        m.group(1).lower()
        for m in ([] if shouting else _ACRONYM.finditer(text))  # all caps: no acronyms
        if not weights.is_known(terms(m.group(1)) or [m.group(1).lower()])
    }
    run: list[str] = []
    for token in word_tokens(text):
        if is_stop_word(token):
            run = []
        elif weights.names_topic(token):
            if len(run) >= 2:
                names.update(w for w in run if not weights.is_known(terms(w) or [w]))
            run = []
        else:
            run.append(token)
    return names


# "Which X", "what kind of X", "welke X", "wat voor X": X names the kind of thing asked for.
# An English "which" asks only where a clause starts ("Which …", "For which …"); elsewhere
# it is mostly relative ("a company which requires …").
_ASKED_KIND = re.compile(
    r"(?:(?:^|[.?!,;:]\s*|\b(?:in|for|at|with|on|by|from|to|about|of)\s+)which|"
    r"\bwelke|\bwhat kinds? of|\bwat voor(?: een)?)\s+([a-zà-ÿ-]+)",
    re.IGNORECASE,
)


def asked_kind_missing(question: str, evidence: list[Passage], weights: TermWeights) -> bool:
    """The question asks for a kind of thing of the glossary ("welke opleiding", "what
    kind of experience") and the evidence names it in neither language.

    Only glossary words count: their synonyms in both languages are listed, so none of
    them in the evidence means the subject is not covered. Other nouns are often
    answered by instances without the category word ("which metrics" → "time-to-hire"),
    and so are kinds that the articles' headings name ("Taken", "Skills"): what stands
    under such a heading lists instances and seldom repeats it.
    """
    present = {t for p in evidence for t in terms(p.searchable_text)}
    for match in _ASKED_KIND.finditer(question):
        group = terms(match.group(1))  # empty for a stop word ("which requires")
        known_kind = bool(group) and bool(concept_of(match.group(1)))
        if known_kind and not weights.is_topic(group) and not present & set(group):
            return True
    return False


def judge(
    question: str,
    context: str,
    evidence: list[Passage],
    weights: TermWeights,
    similarity_floor: float,
    language: str = "",
) -> Verdict:
    """Decide whether ``evidence`` answers ``question`` (``context``: the turn it follows).

    ``similarity_floor`` is the embedder's own: below it the best passage is off-topic.
    """
    if is_instruction(question):
        return Verdict(False, "instruction")
    if _ASKS_OPINION.search(question):
        return Verdict(False, "opinion")
    if not evidence:
        return Verdict(False, "no_evidence")
    if max(p.similarity for p in evidence) < similarity_floor:
        return Verdict(False, "far")
    asked, around = question_parts(question)
    quoted = evidence_passages(evidence)
    if figure_missing(asked, quoted, weights):
        return Verdict(False, "no_figure")
    if missing_scope(asked, quoted, weights) or contrasted_qualifier(asked, quoted):
        return Verdict(False, "other_scope")
    if asked_kind_missing(asked, quoted, weights):
        return Verdict(False, "not_covered")
    covered = coverage(asked, evidence, weights, f"{context} {around}".strip(), language)
    if covered < MIN_COVERAGE:
        return Verdict(False, "not_covered", covered)
    return Verdict(True, "", covered)
