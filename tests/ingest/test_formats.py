"""HTML, PDF and Word articles: main text, titles, and corrupt files named with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.hostile import inflating_docx
from ingest.loaders import LoadError, load_article

PAGE = """<!doctype html><html lang="en"><head><title>What is an HR Generalist?</title>
<script>window.tracking = "analytics";</script></head><body>
<nav><a href="/">Home</a> <a href="/pricing">Pricing</a> <a href="/login">Log in</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
<article><h1>What is an HR Generalist?</h1>
<p>An HR Generalist handles a variety of HR functions, dealing with the day-to-day
management of HR operations across the whole company and its many departments.</p>
<h2>Key Responsibilities</h2>
<ul><li>Overseeing recruitment processes, from job postings to interviews.</li>
<li>Conducting employee onboarding and organising training sessions.</li></ul>
<p>The role is broad and operational, and it needs strong communication skills with
managers and employees alike, every single working day of the year.</p></article>
<footer>Copyright 2026 Example Ltd. Privacy policy. Terms of use.</footer></body></html>"""


def test_html_keeps_the_article_and_drops_the_page_around_it(tmp_path: Path):
    path = tmp_path / "generalist.html"
    path.write_text(PAGE, encoding="utf-8")
    article = load_article(path)
    assert article.title == "What is an HR Generalist?"
    assert article.language == "en"
    assert "day-to-day" in article.text and "Overseeing recruitment" in article.text
    for furniture in ("Pricing", "cookies", "Copyright", "tracking", "Log in"):
        assert furniture not in article.text


def test_pdf_text_title_and_bullets(tmp_path: Path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.set_title("The Payroll Specialist")
    for line in (
        "The Payroll Specialist",
        "",
        "A payroll specialist makes sure every employee is paid correctly and on time.",
        "",
        "Main tasks:",
        "- Processing new contracts and changes in hours.",
        "- Checking payslips before they are paid out.",
    ):
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "payroll.pdf"
    pdf.output(str(path))
    article = load_article(path)
    assert article.title == "The Payroll Specialist"
    assert "paid correctly and on time" in article.text
    assert "- Processing new contracts and changes in hours.\n- Checking payslips" in article.text


def test_docx_headings_lists_and_title(tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_heading("De recruiter", 1)
    document.add_paragraph("Een recruiter vult openstaande vacatures in en voert gesprekken.")
    document.add_paragraph("Screenen van cv's.", style="List Bullet")
    document.add_paragraph("Plannen van gesprekken.", style="List Bullet")
    path = tmp_path / "recruiter.docx"
    document.save(str(path))
    article = load_article(path)
    assert article.title == "De recruiter"
    assert article.language == "nl"
    assert "- Screenen van cv's.\n- Plannen van gesprekken." in article.text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.pdf", b"%PDF-1.4 not really a pdf", "not a readable PDF"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable Word document"),
        ("empty.html", b"<html><body><nav>Home</nav></body></html>", "no article text"),
    ],
)
def test_corrupt_files_raise_their_reason(tmp_path: Path, name: str, content: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load_article(path)


def test_a_word_document_that_inflates_is_refused_before_parsing(tmp_path: Path):
    path = tmp_path / "bomb.docx"
    inflating_docx(path, 50)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(LoadError, match=r"inflates \d+-fold"):
        load_article(path, max_bytes=20 * 1024 * 1024)


def test_a_word_document_over_the_unpacked_limit_is_refused(tmp_path: Path):
    path = tmp_path / "large.docx"
    inflating_docx(path, 3)
    with pytest.raises(LoadError, match="unpacks to"):
        load_article(path, max_bytes=200 * 1024)
