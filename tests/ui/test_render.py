"""The answer as Markdown for the ``/chat`` API and as HTML for the page: pure rendering."""

from core.types import Answer, Citation
from ui.render import answer_bubble, render_markdown


def _answer() -> Answer:
    snippet = "HR doesn't run <script>alert(1)</script> & more."
    citation = Citation(1, "a", "Pay & leave", "a#0", snippet, "en")
    return Answer(
        question="What don't the articles say?",
        text="The articles don't say <b>this</b> & that [1].",
        language="en",
        abstained=False,
        citations=[citation],
    )


def test_the_chat_api_gets_the_text_as_written_and_the_page_escapes_it():
    markdown = render_markdown(_answer())
    assert markdown.startswith("The articles don't say <b>this</b> & that [1].")
    assert "[1] Pay & leave" in markdown
    assert "> HR doesn't run <script>alert(1)</script> & more." in markdown
    assert "&#" not in markdown and "&amp;" not in markdown and "&lt;" not in markdown

    bubble = answer_bubble(_answer(), "en")
    assert "<script>" not in bubble and "<b>this" not in bubble
    assert "don&#x27;t say &lt;b&gt;this&lt;/b&gt; &amp; that" in bubble
