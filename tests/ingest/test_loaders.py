from pathlib import Path

import pytest

from ingest.loaders import LoadError, load_article


def test_markdown_front_matter_gives_title_language_and_publisher(tmp_path: Path):
    path = tmp_path / "people-ops.md"
    path.write_text(
        '---\ntitle: "People Ops"\nlanguage: en\npublisher: Example\n---\n\n'
        "People Operations shapes the whole employee experience.\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert (article.id, article.title, article.language, article.publisher) == (
        "people-ops",
        "People Ops",
        "en",
        "Example",
    )
    assert article.text == "People Operations shapes the whole employee experience."


def test_plain_text_takes_title_from_first_line_and_detects_dutch(tmp_path: Path):
    path = tmp_path / "rol.txt"
    path.write_text(
        "De rol van de HR-officer\n\nDe HR-officer is verantwoordelijk voor het beleid.",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.title == "De rol van de HR-officer"
    assert article.language == "nl"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("latin1.txt", "caf\xe9 HR".encode("latin-1"), "not UTF-8"),
        ("empty.md", b"", "no article text"),
        ("image.png", b"\x89PNG", "unsupported"),
    ],
)
def test_bad_files_raise_a_reason(tmp_path: Path, name: str, content: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load_article(path)


def test_oversized_file_is_refused(tmp_path: Path):
    path = tmp_path / "big.txt"
    path.write_text("x" * 2048, encoding="utf-8")
    with pytest.raises(LoadError, match="larger than"):
        load_article(path, max_bytes=1024)
