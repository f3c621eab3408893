"""The question log and the insights over it, on real SQLite and the real embedder."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.insights import QuestionLog, compute, gap_content, group_gaps, report
from core.privacy import PrivacyPolicy, mask
from core.settings import Settings
from core.types import Answer, Citation
from tests.conftest import KNOWLEDGE, run_cli, settings_env


def test_a_gap_is_compared_by_what_it_asks_not_by_masked_details_or_greetings():
    assert gap_content("my e-mail is [e-mail]: how do I report sick?") == "how do I report sick?"
    assert gap_content("Hallo, mijn e-mailadres is [e-mail]. Hoe meld ik me ziek?") == (
        "Hoe meld ik me ziek?"
    )
    assert gap_content("Where is my payslip? (employee [number]) Call [phone], thanks!") == (
        "Where is my payslip?"
    )
    # A masked detail that is part of the question stays, without the mask.
    assert gap_content("Can I send my payslip to [e-mail]?") == "Can I send my payslip to ?"
    assert gap_content("Mail [e-mail] or [phone] about case [number]") == "Mail or about case"
    assert gap_content("[e-mail]") == "[e-mail]"


def _answer(question: str, language: str, answered: bool, cited: str = "a") -> Answer:
    citation = Citation(1, cited, "Title", f"{cited}#0", "…")
    return Answer(
        question=question,
        text="…",
        language=language,
        abstained=not answered,
        citations=[citation] if answered else [],
        closest=[] if answered else [citation],
        refusal="" if answered else "not_covered",
    )


@pytest.mark.integration
def test_old_rows_go_on_every_write_and_votes_follow_the_answer(tmp_path: Path, embeddings):
    log = QuestionLog(f"sqlite:///{tmp_path / 'log.sqlite'}", embeddings, PrivacyPolicy(90))
    now = datetime(2026, 6, 1, 12, 30, tzinfo=UTC)
    log.record(_answer("Old question?", "en", True), "old", now=now - timedelta(days=91))
    log.record(_answer("Wie keurt mijn declaratie goed? jan@example.nl", "nl", False), "a1", now)
    rows = log.rows(now=now)
    assert [(r.question, r.hour, r.verdict) for r in rows] == [
        ("Wie keurt mijn declaratie goed? [e-mail]", "2026-06-01T12:00Z", "refused")
    ]
    log.vote("a1", "down", "incomplete")
    assert (log.rows(now=now)[0].vote, log.rows(now=now)[0].vote_reason) == ("down", "incomplete")
    log.vote("a1", None)
    assert log.rows(now=now)[0].vote is None


GAPS = [
    ("How many vacation days does an intern get?", "en"),
    ("Hoeveel vakantiedagen krijgt een stagiair?", "nl"),
    ("vacation days for interns", "en"),
    ("Who approves my expense claims?", "en"),
    ("Wie keurt mijn onkostendeclaratie goed?", "nl"),
    ("How do I request parental leave?", "en"),
    ("Hoe vraag ik ouderschapsverlof aan?", "nl"),
]


@pytest.mark.integration
def test_gaps_group_across_languages_and_keep_unrelated_topics_apart(tmp_path, embeddings):
    log = QuestionLog(f"sqlite:///{tmp_path / 'log.sqlite'}", embeddings, PrivacyPolicy(90))
    log.record_many([(_answer(q, lang, False), str(i)) for i, (q, lang) in enumerate(GAPS)])
    log.record(_answer("What does an HR manager do?", "en", True), "answered")
    groups = group_gaps(log.rows(), embeddings.same_question_floor)
    as_sets = sorted(sorted(g.examples) for g in groups)
    assert as_sets == sorted(
        [
            sorted([GAPS[0][0], GAPS[1][0], GAPS[2][0]]),
            sorted([GAPS[3][0], GAPS[4][0]]),
            sorted([GAPS[5][0], GAPS[6][0]]),
        ]
    )
    assert all(g.languages == ["en", "nl"] for g in groups)
    found = compute(log.rows(), ["a", "b"], embeddings.same_question_floor, 90)
    assert found.per_language["en"] == {"asked": 5, "answered": 1, "share": 0.2}
    assert found.never_cited == ["b"]
    # Read fast (answered questions only counted) the insights are the same.
    log.record_many([(_answer("What does an HR manager do?", "nl", True, cited="c"), "more")] * 3)
    whole = compute(log.rows(), ["a", "b", "c", "d"], embeddings.same_question_floor, 90)
    fast = compute(log.tallied(), ["a", "b", "c", "d"], embeddings.same_question_floor, 90)
    assert fast.to_json() == whole.to_json()
    assert fast.questions == 11 and fast.never_cited == ["b", "d"]


# Pairs of missing topics. In each pair the two topics are first asked behind the same
# boilerplate (a masked e-mail address, greetings, a phone number and thanks, an employee
# number), then each once more in the other language without it. With the boilerplate
# in their vectors, the first two questions of every pair met at 0.86-0.94 (the floor is
# 0.845); by their content alone at 0.79-0.84.
BOILERPLATE_PAIRS = [
    (
        ["my e-mail is jan@example.com: how do I report sick?", "Hoe meld ik me ziek?"],
        [
            "my e-mail is jan@example.com: where can I find my payslip?",
            "Waar vind ik mijn loonstrook?",
        ],
    ),
    (
        ["Mijn e-mailadres is piet@example.nl: hoe meld ik me ziek?", "How do I report sick?"],
        [
            "Mijn e-mailadres is piet@example.nl: waar vind ik mijn loonstrook?",
            "Where can I find my payslip?",
        ],
    ),
    (
        ["Hi there, good morning! Is there a bike-to-work scheme?", "Is er een fietsregeling?"],
        [
            "Hi there, good morning! How do I request parental leave?",
            "Hoe vraag ik ouderschapsverlof aan?",
        ],
    ),
    (
        ["Hallo, goedemorgen! Is er een fietsregeling?", "Is there a bike-to-work scheme?"],
        [
            "Hallo, goedemorgen! Hoe vraag ik ouderschapsverlof aan?",
            "How do I apply for parental leave?",
        ],
    ),
    (
        ["How do I report sick? Call me on 06-12345678, thanks!", "Hoe meld ik me ziek?"],
        [
            "Is there a bike-to-work scheme? Call me on 06-12345678, thanks!",
            "Is er een fietsregeling?",
        ],
    ),
    (
        [
            "Hoe werkt de pensioenregeling? Bel me op 06-12345678, bedankt!",
            "How does the pension scheme work?",
        ],
        [
            "Hoeveel vakantiedagen krijg ik per jaar? Bel me op 06-12345678, bedankt!",
            "How many vacation days do I get per year?",
        ],
    ),
    (
        ["Goedemiddag! Hoe werkt de pensioenregeling?", "How does the pension scheme work?"],
        ["Goedemiddag! Hoe meld ik me ziek?", "How do I report sick?"],
    ),
    (
        ["Hey, is there a training budget? (employee 1234567)", "Is er een opleidingsbudget?"],
        ["Hey, is there a company car? (employee 1234567)", "Is er een auto van de zaak?"],
    ),
]


@pytest.mark.integration
def test_topics_behind_the_same_boilerplate_stay_apart_and_each_topic_joins(
    tmp_path: Path, embeddings
):
    log = QuestionLog(f"sqlite:///{tmp_path / 'log.sqlite'}", embeddings, PrivacyPolicy(90))
    asked = list(dict.fromkeys(q for pair in BOILERPLATE_PAIRS for topic in pair for q in topic))
    log.record_many([(_answer(q, "en", False), str(i)) for i, q in enumerate(asked)])
    rows = log.rows()
    for first, second in BOILERPLATE_PAIRS:
        pair = {mask(q) for q in [*first, *second]}
        groups = group_gaps([r for r in rows if r.question in pair], embeddings.same_question_floor)
        assert sorted(sorted(g.questions) for g in groups) == sorted(
            [sorted(map(mask, first)), sorted(map(mask, second))]
        ), (first, second)


@pytest.mark.integration
def test_the_cli_logs_masked_only_when_on_and_a_new_article_closes_a_gap(
    tmp_path: Path, embeddings
):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge, _env_file=None)
    env = settings_env(settings)
    assert run_cli("ingest", env=env).returncode == 0
    question = "Wat doet een vertrouwenspersoon? Mail me op piet@example.nl"
    assert run_cli("ask", question, env=env).returncode == 0  # the log is off
    off = run_cli("insights", "--json", env=env)
    assert off.returncode == 0 and "is off" in off.stderr
    assert json.loads(off.stdout)["questions"] == 0

    on = {**env, "HR_ASSISTANT_INSIGHTS": "on"}
    assert run_cli("ask", question, env=on).returncode == 0
    assert run_cli("ask", "What does an HR Generalist do?", env=on).returncode == 0
    found = json.loads(run_cli("insights", "--json", env=on).stdout)
    assert found["questions"] == 2
    assert found["per_language"]["nl"] == {"asked": 1, "answered": 0, "share": 0.0}
    (gap,) = found["gaps"]
    assert gap["examples"] == ["Wat doet een vertrouwenspersoon? Mail me op [e-mail]"]
    assert (gap["now_answered"], gap["rechecked"]) == (0, 1)

    (knowledge / "vertrouwenspersoon.md").write_text(
        "---\ntitle: Wat doet een vertrouwenspersoon?\nlanguage: nl\n---\n\n"
        "Een vertrouwenspersoon is het eerste aanspreekpunt voor medewerkers die te maken "
        "krijgen met ongewenst gedrag, zoals pesten of intimidatie. De vertrouwenspersoon "
        "luistert, adviseert over de mogelijke stappen en begeleidt de medewerker als die "
        "een klacht wil indienen.\n",
        encoding="utf-8",
    )
    assert run_cli("ingest", env=on).returncode == 0
    (gap,) = json.loads(run_cli("insights", "--json", env=on).stdout)["gaps"]
    assert (gap["now_answered"], gap["rechecked"]) == (1, 1)
    text = run_cli("insights", env=on).stdout
    assert "now answered 1/1" in text and "Articles never cited" in text


@pytest.mark.integration
def test_report_rechecks_with_the_assistant(tmp_path: Path, embeddings, assistant):
    log = QuestionLog(f"sqlite:///{tmp_path / 'log.sqlite'}", embeddings, PrivacyPolicy(30))
    log.record(_answer("What does an HR Generalist do?", "en", True), "x")
    log.vote("x", "down", "outdated")
    found = report(log, assistant)
    assert found.days == 30
    assert found.gaps[0].now_answered == 1  # answered, but someone found it wanting
    assert found.disliked == [{"article": "a", "thumbs_down": 1, "reasons": {"outdated": 1}}]
