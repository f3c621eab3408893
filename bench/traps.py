"""Unanswerable questions made by perturbing answerable ones, seeded and checked.

Hand-written traps are few and were read by whoever tuned the code; these are made the
same way for any corpus, so the fitted decision learns the *kinds* of question it must
refuse. Each kind swaps one thing for something no article of the corpus mentions:

- ``scope``: a country or a year the articles never name ("... in Spain?", "in 2034");
- ``aspect``: an aspect of a role the articles lack (holiday, pension, dress code, a
  licence required by law, days of working from home);
- ``graft``: a comparison with a role the articles never name;
- ``follow_up``: "And in Spain?" after an answerable question;
- ``employer``: the pay of a role at a company the articles never name ("... at
  Heineken?");
- ``casual``: every other scope and aspect trap typed the way people chat, in lower
  case without a question mark: a trap must not turn answerable by its spelling.

A trap is kept only when the swapped-in words occur in no article (case-insensitive),
so it is unanswerable by construction. Run ``python -m bench.traps FOLDER QUESTIONS`` to
print the traps of a corpus's articles and question set.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.evaluation import Case, load_cases
from assistant.text import is_stop_word

SEED = 24
PLACES = {
    "en": ["Spain", "Germany", "France", "Italy", "Poland", "Japan", "Brazil", "Canada", "Sweden"],
    "nl": [
        "Spanje",
        "Duitsland",
        "Frankrijk",
        "Italië",
        "Polen",
        "Japan",
        "Brazilië",
        "Canada",
        "Zweden",
    ],
}
YEARS = ["2033", "2034", "2036", "1987"]
# (what is asked, the words that must not occur in any article), per language.
ASPECTS = {
    "en": [
        ("How many days of holiday does {role} get per year?", ["holiday", "vacation"]),
        ("What pension does {role} build up?", ["pension"]),
        ("What dress code does {role} have to follow?", ["dress code", "dresscode"]),
        ("Which licence must {role} hold by law?", ["licence", "license"]),
        ("How many days a week may {role} work from home?", ["from home", "remote"]),
        ("What company car does {role} usually get?", ["company car", "lease"]),
    ],
    "nl": [
        ("Hoeveel vakantiedagen krijgt {role} per jaar?", ["vakantiedag", "vakantie"]),
        ("Wat voor pensioen bouwt {role} op?", ["pensioen"]),
        ("Welke kledingvoorschriften gelden voor {role}?", ["kleding", "dresscode"]),
        ("Welke vergunning moet {role} wettelijk hebben?", ["vergunning"]),
        ("Hoeveel dagen per week mag {role} thuiswerken?", ["thuiswerk", "thuis werk"]),
        ("Krijgt {role} meestal een leaseauto?", ["leaseauto", "lease"]),
    ],
}
ABSENT_ROLES = {
    "en": ["chief happiness officer", "ergonomist", "relocation coordinator"],
    "nl": ["vlootbeheerder", "relocatiecoördinator", "ergonoom"],
}
GRAFT = {
    "en": "What is the difference between {role} and a {other}?",
    "nl": "Wat is het verschil tussen {role} en een {other}?",
}
FOLLOW_UP = {"en": "And in {place}?", "nl": "En in {place}?"}
EMPLOYERS = ["Heineken", "Philips", "Unilever", "Siemens", "Toyota", "Nestlé"]
AT_EMPLOYER = {
    "en": "What does {role} earn at {employer}?",
    "nl": "Wat verdient {role} bij {employer}?",
}
SCOPE = {
    "en": "{question} I mean in {place} in {year}.",
    "nl": "{question} Ik bedoel in {place} in {year}.",
}
_WORD = re.compile(r"[\w&-]+")
# Words of titles that name no role: how titles ask and compare.
_NOT_ROLES = {
    "difference",
    "differences",
    "verschil",
    "verschillen",
    "role",
    "rol",
    "job",
    "vs",
    "versus",
}


def corpus_titles(folder: Path) -> dict[str, set[str]]:
    """Per article id, the lower-cased words of its title: the words that name its role."""
    words: dict[str, set[str]] = {}
    for path in folder.glob("*.md"):
        title = re.search(r"^title:\s*(.+)$", path.read_text(encoding="utf-8")[:2000], re.M)
        if title:
            found = _WORD.findall(title.group(1))
            words[path.stem] = {w.lower() for w in found if len(w) > 2 or w.isupper()}
    return words


def corpus_text(folder: Path) -> str:
    """All articles of a corpus, lower-cased: where a swapped-in word must not occur."""
    return "\n".join(p.read_text(encoding="utf-8").lower() for p in sorted(folder.glob("*.md")))


def absent(words: Sequence[str], text: str) -> bool:
    return not any(w.lower() in text for w in words)


def _role_of(case: Case, titles_by_article: dict[str, set[str]]) -> str | None:
    """The role the question names, as the longest run of title words in it ("HR
    officer"), with an article before it ("an HR officer", "een salarisadministrateur")."""
    words = _WORD.findall(case.question)
    titles = set().union(*(titles_by_article.get(s, set()) for s in case.sources))
    best: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        lower = word.lower()
        if lower and lower in titles and not is_stop_word(lower) and lower not in _NOT_ROLES:
            run.append(word)
            continue
        if any(w.lower() != "hr" for w in run) and len(run) > len(best):
            best = run
        run = []
    if not best:
        return None
    article = {"en": "a", "nl": "een"}.get(case.language, "a")
    if (article == "a" and best[0][0].lower() in "aeiou") or best[0].upper() == best[0]:
        article = "an" if case.language == "en" else article
    return f"{article} {' '.join(best)}"


def generate(
    cases: Sequence[Case],
    text: str,
    titles: dict[str, set[str]],
    per_kind: int = 12,
    seed: int = SEED,
) -> list[Case]:
    """Unanswerable variants of the answerable ``cases`` over a corpus whose articles'
    lower-cased text is ``text`` (``titles``: each article's title words)."""
    rng = random.Random(seed)
    answerable = [c for c in cases if c.answerable and not c.history]
    rng.shuffle(answerable)
    made: dict[str, list[Case]] = {"scope": [], "aspect": [], "graft": [], "follow_up": []}
    made["employer"] = []
    # Its own generator, so that the other kinds' traps stay what they were.
    employer_rng = random.Random(seed + 1)
    employers = [e for e in EMPLOYERS if absent([e], text)]
    for number, case in enumerate(answerable):
        language = case.language if case.language in PLACES else "en"
        places = [p for p in PLACES[language] if absent([p], text)]
        years = [y for y in YEARS if absent([y], text)]
        role = _role_of(case, titles)
        base = f"gen-{case.id}"
        if places and years and len(made["scope"]) < per_kind:
            question = SCOPE[language].format(
                question=case.question.rstrip(), place=rng.choice(places), year=rng.choice(years)
            )
            made["scope"].append(Case(f"{base}-scope", question, language, answerable=False))
        if places and len(made["follow_up"]) < per_kind and number % 2:
            question = FOLLOW_UP[language].format(place=rng.choice(places))
            made["follow_up"].append(
                Case(f"{base}-followup", question, language, False, history=[case.question])
            )
        if role and len(made["aspect"]) < per_kind:
            options = [(q, w) for q, w in ASPECTS[language] if absent(w, text)]
            if options:
                template, _ = rng.choice(options)
                question = template.format(role=role)
                made["aspect"].append(Case(f"{base}-aspect", question, language, False))
        if role and employers and len(made["employer"]) < per_kind and number % 2:
            question = AT_EMPLOYER[language].format(
                role=role, employer=employer_rng.choice(employers)
            )
            made["employer"].append(Case(f"{base}-employer", question, language, False))
        if role and len(made["graft"]) < per_kind and number % 2 == 0:
            others = [r for r in ABSENT_ROLES[language] if absent([r], text)]
            if others:
                question = GRAFT[language].format(role=role, other=rng.choice(others))
                made["graft"].append(Case(f"{base}-graft", question, language, False))
    casual = [
        Case(f"{c.id}-casual", c.question.lower().rstrip(" ?"), c.language, False)
        for c in [*made["scope"][::2], *made["aspect"][1::2], *made["employer"][::2]]
    ]
    return [case for kind in made.values() for case in kind] + casual


def main() -> None:
    folder, questions = Path(sys.argv[1]), Path(sys.argv[2])
    for case in generate(load_cases(questions), corpus_text(folder), corpus_titles(folder)):
        history = f" (after: {case.history[0]})" if case.history else ""
        print(f"{case.id}: {case.question}{history}")


if __name__ == "__main__":
    main()
