"""The installed ``hr-assistant`` command, run as a real subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import Settings
from tests.conftest import ANSWER_KEYS, KNOWLEDGE, settings_env
from tests.conftest import run_cli as cli

pytestmark = pytest.mark.integration


def run_cli(
    *args: str, data_dir: Path, knowledge: Path = KNOWLEDGE, **extra_env: str
) -> subprocess.CompletedProcess:
    settings = Settings(data_dir=data_dir, knowledge_dir=knowledge, _env_file=None)
    return cli(*args, env=settings_env(settings, **extra_env))


@pytest.fixture(scope="module")
def cli_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cli-data")
    result = run_cli("ingest", "--json", data_dir=data)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == 3 and report["added"] == report["chunks"] > 0
    return data


def test_ask_json_prints_the_result_object(cli_data: Path):
    result = run_cli("ask", "What does an HR Generalist do?", "--json", data_dir=cli_data)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == ANSWER_KEYS | {"explain"}
    assert answer["citations"][0]["source"] == "hr-generalist-vs-hr-manager"
    assert set(answer["citations"][0]) == {"n", "source", "title", "chunk_id", "snippet", "url"}
    explain = answer["explain"]
    assert explain["answered"] and explain["windows"]
    window = explain["windows"][0]
    assert window["score"] >= explain["threshold"]
    assert "dense_z" in window["signals"] and "contribution" in window["signals"]["dense_z"]


def test_ask_explain_shows_why_a_question_is_refused(cli_data: Path):
    # What the decision says for a refusal; how often it refuses such questions is for
    # the evaluation's floors (a refit may move one borderline case either way).
    question = "How many vacation days does an HR manager get per year?"
    result = run_cli("ask", question, "--explain", data_dir=cli_data)
    assert result.returncode == 0, result.stderr
    assert "Decision: refused" in result.stdout
    assert "threshold" in result.stdout and "contribution" in result.stdout
    assert "nothing about vacation" in result.stdout.split("Decision:")[0]  # names what is missing


def test_small_talk_gets_a_friendly_reply_that_quotes_nothing(cli_data: Path):
    for greeting, word in (("Hi there!", "HR roles"), ("Hoi, hoe gaat het?", "HR-rollen")):
        result = run_cli("ask", greeting, "--json", data_dir=cli_data)
        answer = json.loads(result.stdout)
        assert answer["abstained"] and not answer["citations"] and not answer["closest"]
        assert word in answer["answer"] and "?" in answer["answer"]  # names starter questions


def test_ask_with_history_and_plain_output_lists_sources(cli_data: Path):
    result = run_cli(
        "ask", "En een HR-officer?", "--history", "Wat doet een HR-assistent?", data_dir=cli_data
    )
    assert result.returncode == 0, result.stderr
    assert "Bronnen:" in result.stdout and "[1]" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ask", "   "), "type a question"),
        (("ask", "x" * 2001), "too long"),
        (("eval", "missing.yaml"), "cannot read question set"),
    ],
)
def test_bad_input_is_one_line_without_traceback(cli_data: Path, args, message):
    result = run_cli(*args, data_dir=cli_data)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("llm", "message"),
    [
        ("ollama:llama3", "HR_ASSISTANT_LLM must be"),
        ("gguf:/nowhere/model.gguf", "cannot read the model file"),
    ],
)
def test_a_bad_language_model_setting_is_one_line(cli_data: Path, llm: str, message: str):
    result = run_cli("ask", "What is HR?", data_dir=cli_data, HR_ASSISTANT_LLM=llm)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("HR_ASSISTANT_LOG_LEVEL", "loud"), ("HR_ASSISTANT_LLM_TIMEOUT_S", "-1")],
)
def test_a_bad_setting_is_named_in_one_line(cli_data: Path, variable: str, value: str):
    result = run_cli("ask", "What is HR?", data_dir=cli_data, **{variable: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"hr-assistant: {variable}: "), result.stderr


def test_verbose_logs_each_question_on_stderr_only(cli_data: Path):
    quiet = run_cli("ask", "What does an HR manager do?", "--json", data_dir=cli_data)
    loud = run_cli("-v", "ask", "What does an HR manager do?", "--json", data_dir=cli_data)
    assert quiet.returncode == loud.returncode == 0
    assert quiet.stderr.strip() == ""
    logged = [line for line in loud.stderr.splitlines() if "assistant.chain: question" in line]
    assert len(logged) == 1
    assert "retrieval" in logged[0] and "verdict answer" in logged[0]
    assert json.loads(loud.stdout)["answer"] == json.loads(quiet.stdout)["answer"]


def test_ask_before_ingest_and_missing_knowledge_folder(tmp_path: Path):
    result = run_cli("ask", "What is HR?", data_dir=tmp_path / "fresh")
    assert result.returncode != 0 and "run 'hr-assistant ingest'" in result.stderr
    result = run_cli("ingest", data_dir=tmp_path / "d", knowledge=tmp_path / "nowhere")
    assert result.returncode != 0 and "not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_ingest_with_a_bad_file_exits_1_and_names_it(tmp_path: Path):
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "good.md").write_text(
        (KNOWLEDGE / "people-operations-vs-hr.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (folder / "bad.txt").write_bytes(b"\xff\xfe\xe9")
    result = run_cli("ingest", "--json", data_dir=tmp_path / "d", knowledge=folder)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["articles"] == 1 and report["errors"][0]["file"] == "bad.txt"


def test_serve_refuses_a_public_address_without_password(tmp_path: Path):
    result = run_cli("serve", "--host", "0.0.0.0", data_dir=tmp_path / "d")
    assert result.returncode != 0 and "HR_ASSISTANT_UI_PASSWORD" in result.stderr


def test_ask_does_not_import_the_ui_or_torch(cli_data: Path):
    code = (
        "import sys; from hr_assistant.cli import main\n"
        "try:\n    main(['ask', 'What is People Operations?'])\n"
        "finally:\n    print(sorted(m for m in ('gradio', 'torch', 'sentence_transformers')"
        " if m in sys.modules))"
    )
    env = {**os.environ, "HR_ASSISTANT_DATA_DIR": str(cli_data)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr


def test_unreachable_store_server_is_a_one_line_error(tmp_path: Path):
    result = run_cli(
        "ask",
        "What is HR?",
        data_dir=tmp_path,
        HR_ASSISTANT_CHROMA_HOST="127.0.0.1",
        HR_ASSISTANT_CHROMA_PORT="1",
    )
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1
    assert "cannot open the store at 127.0.0.1:1" in result.stderr


def test_feedback_export_writes_csv(tmp_path: Path):
    import csv

    from assistant.feedback import FeedbackStore

    data = tmp_path / "d"
    store = FeedbackStore.for_settings(Settings(data_dir=data, _env_file=None))
    store.vote(
        answer_id="answer-1",
        liked=False,
        question="Wat doet een HR-assistent? Mail me: jan@example.nl",
        answer="De HR-assistent ondersteunt … [1]",
        language="nl",
        citations=[{"n": 1, "source": "hr-assistent-vs-hr-officer"}],
    )
    store.explain("answer-1", "incomplete", "Mist de salarisadministratie. Bel 06-12345678")
    out = tmp_path / "ratings.csv"
    result = run_cli("feedback", "export", "--out", str(out), data_dir=data)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 1
    assert rows[0]["rating"] == "down"
    assert rows[0]["question"] == "Wat doet een HR-assistent? Mail me: [e-mail]"
    assert "hr-assistent-vs-hr-officer" in rows[0]["citations"]
    assert (rows[0]["reason"], rows[0]["comment"]) == (
        "incomplete",
        "Mist de salarisadministratie. Bel [phone]",
    )
    assert rows[0]["created_at"].endswith(":00Z") and rows[0]["answer_id"] != "answer-1"
