from pathlib import Path

import pytest

from core.errors import AssistantError
from ingest.uploads import (
    article_file,
    move_to_trash,
    restore_from_trash,
    safe_file_name,
    save_upload,
)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("People Ops (2024).md", "People-Ops-2024.md"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\hr\\rol.PDF", "rol.pdf"),
        (".hidden.html", "hidden.html"),
    ],
)
def test_file_names_are_sanitised(name: str, safe: str):
    assert safe_file_name(name) == safe


@pytest.mark.parametrize("name", ["script.sh", "noextension", "...md", "x.exe"])
def test_other_types_and_empty_names_are_refused(name: str):
    with pytest.raises(AssistantError):
        safe_file_name(name)


def test_uploads_stay_in_the_folder_and_respect_the_size_limit(tmp_path: Path):
    source = tmp_path / "upload.bin"
    source.write_text("An article about recruiters.", encoding="utf-8")
    folder = tmp_path / "knowledge"
    saved = save_upload(source, "../../evil.md", folder, max_bytes=1024)
    assert saved == (folder / "evil.md").resolve()
    assert not (tmp_path / "evil.md").exists()
    with pytest.raises(AssistantError, match="larger than"):
        save_upload(source, "big.md", folder, max_bytes=4)
    assert article_file("evil", folder) == saved
    with pytest.raises(AssistantError, match="no article file"):
        article_file("nothing", folder)


def test_a_trashed_article_comes_back_under_its_name_but_never_over_a_new_file(tmp_path: Path):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    article = folder / "recruiter.md"
    article.write_text("A recruiter fills vacancies.", encoding="utf-8")
    trashed = move_to_trash(article, tmp_path / "trash")
    assert not article.exists() and trashed.read_text(encoding="utf-8").startswith("A recruiter")
    assert restore_from_trash(trashed, folder) == article and article.exists()
    trashed = move_to_trash(article, tmp_path / "trash")
    article.write_text("A newer recruiter article.", encoding="utf-8")
    with pytest.raises(AssistantError, match="exists again"):
        restore_from_trash(trashed, folder)
    assert article.read_text(encoding="utf-8") == "A newer recruiter article."
