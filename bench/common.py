"""Shared set-up for the benchmarks: a temporary store over the chosen articles."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"
TEST_DATA = PROJECT_ROOT / "tests" / "data"
EXTRA_KNOWLEDGE = TEST_DATA / "knowledge_extra"
RESULTS = Path(__file__).parent / "results"


def temporary_settings(*folders: Path) -> Settings:
    """Settings over a fresh data folder and a copy of the articles in ``folders``."""
    root = Path(tempfile.mkdtemp(prefix="hr-bench-"))
    knowledge = root / "knowledge"
    knowledge.mkdir()
    for folder in folders:
        for path in folder.glob("*.md"):
            shutil.copy(path, knowledge / path.name)
    return Settings(data_dir=root / "data", knowledge_dir=knowledge, _env_file=None)


def write_result(name: str, markdown: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(markdown, encoding="utf-8")
    return path
