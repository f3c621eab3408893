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


def test_front_matter_without_its_closing_line_is_an_error(tmp_path: Path):
    path = tmp_path / "open.md"
    path.write_text("---\ntitle: HR roles\n\nThe HR officer handles recruitment.\n")
    with pytest.raises(LoadError, match="no closing '---'"):
        load_article(path)


def test_links_out_of_the_folder_and_odd_files_are_refused_with_a_reason(tmp_path: Path):
    import os

    from ingest.loaders import LINK_LOOP, OUTSIDE_LINK, list_article_files

    outside = tmp_path / "secret.txt"
    outside.write_text("password: hunter2")
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "real.md").write_text("The HR officer handles recruitment and onboarding.")
    (folder / "passwd.txt").symlink_to(outside)
    (folder / "inside.md").symlink_to(folder / "real.md")
    (folder / "dangling.md").symlink_to(tmp_path / "gone.md")
    (folder / "loop.md").symlink_to("loop.md")
    os.mkfifo(folder / "pipe.txt")
    (folder / ".hidden.md").write_text("not listed")

    files, refused = list_article_files(folder)
    assert [p.name for p in files] == ["inside.md", "real.md"]
    assert {p.name: why for p, why in refused} == {
        "dangling.md": "broken link",
        "loop.md": LINK_LOOP,
        "passwd.txt": OUTSIDE_LINK,
        "pipe.txt": "not a regular file",
    }


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (
            "https://www.prospects.ac.uk/jobs/hr-officer",
            "https://www.prospects.ac.uk/jobs/hr-officer",
        ),
        ("javascript:alert(1)", ""),
        ("/jobs/hr-officer", ""),
        ("https://example.org/a b", ""),
        ("http://[::1", ""),
    ],
)
def test_only_a_web_address_is_kept_as_the_articles_url(tmp_path: Path, given: str, kept: str):
    path = tmp_path / "hr-officer.md"
    path.write_text(
        f"---\ntitle: HR officer\nurl: '{given}'\n---\n\n"
        "An HR officer keeps the staff records and answers questions about leave.\n",
        encoding="utf-8",
    )
    assert load_article(path).url == kept
