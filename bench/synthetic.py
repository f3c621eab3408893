"""Deterministic synthetic HR articles in English and Dutch, for benchmarks and crash tests."""

from __future__ import annotations

import random
from pathlib import Path

ROLES_EN = [
    "recruiter",
    "payroll specialist",
    "HR advisor",
    "learning specialist",
    "compensation analyst",
    "HR business partner",
    "talent manager",
    "HR coordinator",
]
ROLES_NL = [
    "recruiter",
    "salarisadministrateur",
    "HR-adviseur",
    "opleidingsadviseur",
    "beloningsspecialist",
    "HR business partner",
    "talentmanager",
    "HR-coördinator",
]
TASKS_EN = [
    "plans interviews with candidates",
    "answers questions about leave",
    "keeps personnel files up to date",
    "advises managers on absence",
    "prepares monthly reports",
    "runs onboarding sessions",
    "checks payslips",
    "designs training programmes",
    "supports reorganisations",
    "tracks turnover",
]
TASKS_NL = [
    "plant gesprekken met kandidaten",
    "beantwoordt vragen over verlof",
    "houdt personeelsdossiers bij",
    "adviseert leidinggevenden over verzuim",
    "maakt maandelijkse rapportages",
    "verzorgt het inwerkprogramma",
    "controleert loonstroken",
    "ontwerpt trainingen",
    "ondersteunt reorganisaties",
    "volgt het verloop van personeel",
]


def article_text(number: int) -> str:
    """One article, the same for the same number on every machine."""
    rng = random.Random(number)
    dutch = number % 2 == 1
    roles, tasks = (ROLES_NL, TASKS_NL) if dutch else (ROLES_EN, TASKS_EN)
    role = rng.choice(roles)
    picked = rng.sample(tasks, 6)
    if dutch:
        title = f"Wat doet een {role}? (deel {number})"
        intro = f"Een {role} {picked[0]} en {picked[1]}. Zo werkt het in organisatie {number}."
        body = f"Daarnaast {picked[2]} de {role} wanneer dat nodig is, net als collega's."
        lead = "Belangrijke taken:"
        closing = f"De taken van een {role} verschillen per organisatie en sector ({number})."
    else:
        title = f"What does a {role} do? (part {number})"
        intro = f"A {role} {picked[0]} and {picked[1]}. This is how organisation {number} works."
        body = f"In practice the {role} also {picked[2]} every week, and {picked[3]} when needed."
        lead = "Key tasks:"
        closing = f"The exact tasks of a {role} differ by organisation and sector ({number})."
    items = "\n".join(f"- {t[0].upper()}{t[1:]}." for t in picked[4:])
    return (
        f'---\ntitle: "{title}"\nlanguage: {"nl" if dutch else "en"}\n---\n\n'
        f"{title}\n\n{intro}\n\n{body}\n\n{lead}\n\n{items}\n\n{closing}\n"
    )


def write_articles(folder: Path, count: int, start: int = 0) -> list[Path]:
    """Write ``count`` synthetic articles into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        path = folder / f"synthetic-{number:05d}.md"
        path.write_text(article_text(number), encoding="utf-8")
        paths.append(path)
    return paths


# The large article: a handbook of seeded, varied prose, so that nearly every sentence is
# new (the embedding cache would make a repetitive text look cheap).
_TOPICS = [
    "onboarding",
    "annual leave",
    "parental leave",
    "sick leave",
    "performance reviews",
    "salary bands",
    "overtime",
    "remote work",
    "training budgets",
    "exit interviews",
    "pension contributions",
    "workplace safety",
    "recruitment",
    "succession planning",
    "employee surveys",
    "grievance procedures",
]
_SUBJECTS = [
    "The HR advisor",
    "Each line manager",
    "The payroll team",
    "A new employee",
    "The works council",
    "The recruiter",
    "Every team lead",
    "The compensation analyst",
    "The HR business partner",
    "A part-time colleague",
]
_VERBS = [
    "reviews",
    "records",
    "explains",
    "approves",
    "discusses",
    "plans",
    "checks",
    "documents",
    "updates",
    "follows up on",
]
_OBJECTS = [
    "the request for {topic}",
    "the policy on {topic}",
    "questions about {topic}",
    "the budget for {topic}",
    "the timeline for {topic}",
    "exceptions to the rules on {topic}",
    "the figures on {topic}",
    "the agreement about {topic}",
]
_WHEN = [
    "within {n} working days",
    "before the end of quarter {q}",
    "at least {n} weeks in advance",
    "during the {ordinal} meeting of the month",
    "once every {n} months",
    "no later than day {n} of the cycle",
]
_WHY = [
    "so that nobody is left waiting for an answer",
    "because the collective agreement asks for it",
    "to keep the records complete for the audit of {year}",
    "which keeps costs predictable for department {dept}",
    "as agreed with the works council in {year}",
    "so that employees in region {dept} are treated alike",
]
_ORDINALS = ["first", "second", "third", "last"]


def _handbook_sentence(rng: random.Random, topic: str) -> str:
    n, q, year, dept = (
        rng.randint(2, 60),
        rng.randint(1, 4),
        rng.randint(2015, 2026),
        rng.randint(1, 900),
    )
    obj = rng.choice(_OBJECTS).format(topic=topic)
    when = rng.choice(_WHEN).format(n=n, q=q, ordinal=rng.choice(_ORDINALS))
    why = rng.choice(_WHY).format(year=year, dept=dept)
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {obj} {when}, {why}."


def _handbook_section(rng: random.Random, number: int) -> str:
    topic = rng.choice(_TOPICS)
    blocks = [f"## {topic.capitalize()} in practice, part {number}"]
    for _ in range(rng.randint(2, 5)):
        sentences = [_handbook_sentence(rng, topic) for _ in range(rng.randint(2, 6))]
        blocks.append(" ".join(sentences))
    if rng.random() < 0.5:
        items = [f"- {_handbook_sentence(rng, topic)}" for _ in range(rng.randint(3, 6))]
        blocks.append(f"What to check for {topic}:\n" + "\n".join(items))
    return "\n\n".join(blocks)


def handbook_text(megabytes: float, seed: int = 0) -> str:
    """A Markdown handbook of about ``megabytes`` MB (headings, paragraphs, lists), the
    same for the same arguments on every machine: one large article to ingest."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    parts = ['---\ntitle: "Employee handbook"\nlanguage: en\n---\n\n# Employee handbook']
    size = len(parts[0])
    number = 0
    while size < target:
        number += 1
        section = _handbook_section(rng, number)
        parts.append(section)
        size += len(section.encode("utf-8")) + 2
    return "\n\n".join(parts) + "\n"


def short_sections_text(count: int, seed: int = 0) -> str:
    """A Markdown article of ``count`` sections of one sentence each: ``count``
    passages, cheap to embed (one sentence each), for tests of a long ingest."""
    rng = random.Random(seed)
    topics = [rng.choice(_TOPICS) for _ in range(count)]
    sections = [
        f"## {topic.capitalize()}, rule {n}\n\n{_handbook_sentence(rng, topic)}"
        for n, topic in enumerate(topics, 1)
    ]
    return '---\ntitle: "Handbook rules"\nlanguage: en\n---\n\n' + "\n\n".join(sections) + "\n"
