"""What an ingest reports about odd entries in the articles folder: the folder itself
unreadable, a link to a folder outside, one name in two Unicode spellings, a control
character in a name. Each on a real ingest into a temporary data folder."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.store import ingested_articles
from ingest.indexer import ingest_folder
from ingest.knowledge_base import KnowledgeBase
from ingest.loaders import UnreadableFolderError
from tests.conftest import settings_env

pytestmark = pytest.mark.integration

TEXT = (
    "A payroll officer checks the hours worked, runs the monthly payroll and answers "
    "questions about payslips, deductions and allowances."
)
# Run by the CLI test in its own process: listing the folder fails there as it does for
# a user without read permission, also where chmod 000 does not stop this user (root).
DENY_LISTING = """
import errno, os, sys
folder = sys.argv[1]
if os.access(folder, os.R_OK):
    listing = os.scandir
    def scandir(path="."):
        if os.fspath(path) == folder:
            raise PermissionError(errno.EACCES, "Permission denied", folder)
        return listing(path)
    os.scandir = scandir
from hr_assistant.cli import main
main(["ingest"])
"""


@contextmanager
def unreadable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``folder`` as a user without read permission meets it: chmod 000, and where that
    does not stop this user (root), listing it fails as it would."""
    folder.chmod(0)
    try:
        if os.access(folder, os.R_OK):
            listing = os.scandir

            def scandir(path: str | os.PathLike[str] = ".") -> object:
                if Path(path) == folder:
                    raise PermissionError(errno.EACCES, "Permission denied", str(path))
                return listing(path)

            monkeypatch.setattr(os, "scandir", scandir)
        yield
    finally:
        monkeypatch.undo()
        folder.chmod(0o755)


def test_an_unreadable_knowledge_folder_is_reported_as_unreadable(
    make_settings, embeddings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "payroll.md").write_text(TEXT, encoding="utf-8")
    settings = make_settings(knowledge_dir=folder)
    with unreadable(folder, monkeypatch), pytest.raises(UnreadableFolderError) as raised:
        ingest_folder(settings, embeddings)
    assert str(raised.value) == f"knowledge folder cannot be read: {folder} (Permission denied)"
    assert ingest_folder(settings, embeddings).articles == 1  # readable again: ingested


def test_the_cli_says_the_knowledge_folder_cannot_be_read(make_settings, tmp_path: Path):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "payroll.md").write_text(TEXT, encoding="utf-8")
    env = settings_env(make_settings(knowledge_dir=folder))
    folder.chmod(0)
    try:
        result = subprocess.run(
            [sys.executable, "-c", DENY_LISTING, str(folder)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"hr-assistant: knowledge folder cannot be read: {folder} (Permission denied)"
    ]


def test_a_link_to_a_folder_outside_is_refused_as_a_folder(
    make_settings, embeddings, tmp_path: Path
):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(TEXT, encoding="utf-8")
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "payroll.md").write_text(TEXT, encoding="utf-8")
    (folder / "shared").symlink_to(outside, target_is_directory=True)
    (folder / "secret.md").symlink_to(outside / "secret.md")
    report = ingest_folder(make_settings(knowledge_dir=folder), embeddings)
    assert report.articles == 1
    assert report.errors == [
        {"file": "secret.md", "error": "link to a file outside the knowledge folder"},
        {"file": "shared", "error": "link to a folder outside the knowledge folder"},
    ]


def test_one_name_in_two_unicode_spellings_is_one_article_id_and_one_error(
    make_settings, embeddings, tmp_path: Path
):
    composed = unicodedata.normalize("NFC", "résumé")
    decomposed = unicodedata.normalize("NFD", "résumé")
    assert composed != decomposed
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / f"{decomposed}.md").write_text(TEXT, encoding="utf-8")  # as a Mac writes it
    settings = make_settings(knowledge_dir=folder)
    first = ingest_folder(settings, embeddings)
    assert first.articles == 1 and not first.errors
    assert set(ingested_articles(settings)) == {composed}

    (folder / f"{composed}.md").write_text(TEXT + " Also bonuses.", encoding="utf-8")
    clash = ingest_folder(settings, embeddings)
    assert clash.errors == [
        {
            "file": f"{composed}.md",
            "error": "the same name in two Unicode spellings (composed and decomposed): keep one",
        }
    ]
    assert clash.deleted == 0 and set(ingested_articles(settings)) == {composed}

    (folder / f"{composed}.md").unlink()
    base = KnowledgeBase(settings, embeddings)
    assert base.trash(composed).name.endswith(f"--{decomposed}.md")  # found by its id


def test_a_control_character_in_a_file_name_is_one_error_not_an_abort(
    make_settings, embeddings, tmp_path: Path
):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "payroll.md").write_text(TEXT, encoding="utf-8")
    (folder / "pay\nroll.md").write_text(TEXT, encoding="utf-8")
    (folder / "bell\a.md").write_text(TEXT, encoding="utf-8")
    settings = make_settings(knowledge_dir=folder)
    report = ingest_folder(settings, embeddings)
    assert report.articles == 1 and set(ingested_articles(settings)) == {"payroll"}
    assert report.errors == [
        {"file": "bell\\x07.md", "error": "file name has a control character (\\x07): rename it"},
        {"file": "pay\\nroll.md", "error": "file name has a control character (\\n): rename it"},
    ]
