import json
from pathlib import Path

import pytest

from assistant.evaluation import Case, compute_metrics, evaluate, load_cases, read_articles
from core.errors import AssistantError
from core.settings import PROJECT_ROOT, Settings
from tests.conftest import ANSWER_KEYS, DEV_QUESTIONS, IN_CI, KNOWLEDGE

# The gates of the answer-quality work, on the development question set.
GATES = {
    "hit@1": 0.95,
    "hit@3": 1.0,
    "source hit": 0.95,
    "citation precision": 0.9,
    "snippet fidelity": 1.0,
    "fact coverage": 0.9,
    "abstention": 0.9,
}


def _result(**values):
    base = {"answer": "", "abstained": False, "citations": [], "retrieved": [], "latency_ms": 1.0}
    base.update(values)
    return base


def test_metrics_follow_the_format_definitions():
    cases = [
        Case("a", "q", "en", sources=["x"], facts=[["alpha"], ["beta"]]),
        Case("b", "q", "en", answerable=False),
    ]
    results = [
        _result(
            answer="Alpha [1]",
            language="en",
            retrieved=["y", "x"],
            citations=[
                {"source": "x", "snippet": "real text"},
                {"source": "y", "snippet": "made up"},
            ],
        ),
        _result(abstained=True, language="en"),
    ]
    metrics = compute_metrics(cases, results, {"x": "some real text here", "y": "other"})
    assert metrics["hit@1"] == 0.0 and metrics["hit@3"] == 1.0 and metrics["MRR"] == 0.5
    assert metrics["citation precision"] == 0.5
    assert metrics["snippet fidelity"] == 0.5
    assert metrics["fact coverage"] == 0.5
    assert metrics["abstention"] == 1.0 and metrics["false abstention"] == 0.0


def test_a_malformed_question_set_is_a_one_line_error(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("just: a mapping\n", encoding="utf-8")
    with pytest.raises(AssistantError, match="YAML list"):
        load_cases(bad)


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"- id: a\n  question: caf\xe9?\n", "not UTF-8"),
        (BILLION_LAUGHS.encode() + b"- id: a\n  question: q\n", "aliases"),
        (b"- id: a\n  question: [1, 2]\n", "'question' must be a text"),
        (b"- id: a\n  question: q\n  answerable: maybe\n", "true or false"),
        (b"- id: a\n  question: q\n  sources: {a: 1}\n", "'sources' must be a list"),
        (b"- id: a\n  question: q\n  history: [[nested]]\n", "'history' must be a list"),
        (b"- id: a\n  question: q\n  facts: 7\n", "'facts' must be a list"),
        (b"- id: a\n  question: 'unclosed\n", "not valid YAML"),
    ],
)
def test_each_malformed_case_is_named_in_one_line(tmp_path: Path, content: bytes, reason: str):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    with pytest.raises(AssistantError, match=reason) as raised:
        load_cases(bad)
    assert "\n" not in str(raised.value)


@pytest.mark.integration
def test_development_set_passes_the_gates(assistant, tmp_path: Path):
    out = tmp_path / "results.jsonl"
    _, metrics = evaluate(assistant.ask, load_cases(DEV_QUESTIONS), read_articles(KNOWLEDGE), out)
    failures = {k: metrics[k] for k, floor in GATES.items() if metrics[k] < floor}
    assert not failures, f"below the gates: {failures}"
    assert metrics["false abstention"] <= 0.05
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(load_cases(DEV_QUESTIONS))
    assert set(lines[0]) == ANSWER_KEYS | {"id"}


# Our own questions over seven articles: lower floors, since nothing was tuned on them
# except the glossary's general HR vocabulary; they catch over-fitting to the dev set.
WIDE_FLOORS = {
    "hit@1": 0.9,
    "hit@3": 0.95,
    "source hit": 0.9,
    "citation precision": 0.9,
    "snippet fidelity": 1.0,
    "fact coverage": 0.85,
    "abstention": 0.9,
}


@pytest.mark.integration
def test_our_own_questions_over_seven_articles(wide_assistant, wide_knowledge):
    from tests.conftest import EXTRA_QUESTIONS

    more = EXTRA_QUESTIONS.parent / "more_questions.yaml"
    conversations = EXTRA_QUESTIONS.parent / "conversation_questions.yaml"
    cases = [
        *load_cases(EXTRA_QUESTIONS),
        *load_cases(more),
        *load_cases(conversations),
        *load_cases(DEV_QUESTIONS),
    ]
    _, metrics = evaluate(wide_assistant.ask, cases, read_articles(wide_knowledge))
    failures = {k: metrics[k] for k, floor in WIDE_FLOORS.items() if metrics[k] < floor}
    assert not failures, f"below the floors: {failures}"
    assert metrics["false abstention"] <= 0.05


DEVSET = PROJECT_ROOT.parent / "shared" / "devset"
# The targets on the devset (real web excerpts, never copied into the project).
DEVSET_TARGETS = {
    "hit@1": 0.9,
    "hit@3": 0.97,
    "source hit": 0.9,
    "citation precision": 0.85,
    "snippet fidelity": 1.0,
    "fact coverage": 0.85,
    "abstention": 0.9,
}
DEVSET_MAX_FALSE_ABSTENTION_TARGET = 0.05
# The best figures main has reached, all at or above the targets: a change that drops
# any of them (or any below its target) fails here. Raise them with every gain.
DEVSET_FLOORS = {
    "hit@1": 0.92,
    "hit@3": 1.0,
    "source hit": 0.97,
    "citation precision": 0.91,
    "snippet fidelity": 1.0,
    "fact coverage": 0.85,
    "abstention": 0.94,
}
DEVSET_MAX_FALSE_ABSTENTION = 0.05


@pytest.fixture(scope="module")
def devset_assistant(tmp_path_factory: pytest.TempPathFactory, embeddings):
    """An assistant over the devset's 44 articles, read where they lie."""
    from hr_assistant.runtime import Runtime
    from ingest.indexer import ingest_folder

    if not (DEVSET / "questions.yaml").exists():
        if IN_CI:
            pytest.fail(f"{DEVSET} is missing: CI runs beside shared/")
        pytest.skip(f"{DEVSET} is not here")
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data-devset"),
        knowledge_dir=DEVSET / "knowledge",
        _env_file=None,
    )
    report = ingest_folder(settings, embeddings=embeddings)
    assert report.articles == len(list((DEVSET / "knowledge").glob("*.md")))
    return Runtime(settings, embeddings=embeddings).assistant


@pytest.mark.integration
def test_devset_holds_the_targets_and_the_best_figures_reached(devset_assistant):
    cases = load_cases(DEVSET / "questions.yaml")
    _, metrics = evaluate(devset_assistant.ask, cases, read_articles(DEVSET / "knowledge"))
    failures = {k: metrics[k] for k, floor in DEVSET_FLOORS.items() if metrics[k] < floor}
    assert not failures, f"below the ratchet: {failures}"
    assert metrics["false abstention"] <= DEVSET_MAX_FALSE_ABSTENTION


def test_the_devset_floors_hold_the_targets():
    assert set(DEVSET_FLOORS) == set(DEVSET_TARGETS)
    assert all(DEVSET_FLOORS[k] >= target for k, target in DEVSET_TARGETS.items())
    assert DEVSET_MAX_FALSE_ABSTENTION <= DEVSET_MAX_FALSE_ABSTENTION_TARGET
