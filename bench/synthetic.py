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
