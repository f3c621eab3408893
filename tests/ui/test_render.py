"""The answer as Markdown for the ``/chat`` API and as HTML for the page: pure rendering."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser

from core.types import Answer, Citation, Passage
from ui.render import answer_bubble, article_html, render_markdown, source_cards, viewer_html


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

    bubble = answer_bubble(_answer())
    assert "<script>" not in bubble and "<b>this" not in bubble
    assert "don&#x27;t say &lt;b&gt;this&lt;/b&gt; &amp; that" in bubble


def _links(page: str) -> list[dict[str, str | None]]:
    """The <a> elements of ``page``: their attributes as the browser reads them (entities
    decoded) and their text."""

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[dict[str, str | None]] = []
            self.inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "a":
                self.found.append({**dict(attrs), "text": ""})
                self.inside = True

        def handle_endtag(self, tag: str) -> None:
            self.inside = self.inside and tag != "a"

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.found[-1]["text"] = (self.found[-1]["text"] or "") + data

    parser = Links()
    parser.feed(page)
    return parser.found


def _cited(url: str) -> Citation:
    return Citation(
        n=1,
        source="hr-manager",
        title="HR manager",
        chunk_id="hr-manager#0",
        snippet="An HR manager leads the team.",
        language="en",
        section="Duties",
        publisher="Prospects",
        url=url,
    )


def test_a_source_card_links_the_page_it_was_published_on_by_its_host():
    url = "https://www.prospects.ac.uk/job-profiles/human-resources-officer?a=1&b=2"
    cards = source_cards([_cited(url)], "en")
    [link] = _links(cards)
    assert link["href"] == url and link["text"] == "www.prospects.ac.uk"
    assert link["target"] == "_blank" and link["rel"] == "noopener noreferrer"
    assert link["aria-label"] == "Original page: www.prospects.ac.uk (opens in a new tab)"
    assert "?a=1&amp;b=2" in cards  # escaped in the attribute, as the module escapes
    # The language and publisher stay, the link beside them, the section after.
    meta = cards.split('<div class="hr-meta">')[1].split("</div>")[0]
    assert meta.startswith("English · Publisher: Prospects · <a ")
    assert meta.endswith("</a> · Duties")
    [dutch] = _links(source_cards([_cited(url)], "nl"))
    assert (
        dutch["title"] == "Oorspronkelijke pagina: www.prospects.ac.uk (opent in een nieuw tabblad)"
    )


def test_only_an_http_address_becomes_a_link_and_its_text_is_escaped():
    refused = [
        *("", "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>"),
        "javascript://example.org/%0aalert(1)",  # a host, and still a script
        *(" https://example.org/", "https:///no-host", "//example.org/", "ftp://example.org/"),
    ]
    for url in refused:
        cards = source_cards([_cited(url)], "en")
        assert _links(cards) == [] and "<a " not in cards, url
        assert "English · Publisher: Prospects · Duties" in cards, url
    # The host shown is the one the browser goes to; quotes cannot leave the attribute.
    tricky = 'https://www.prospects.ac.uk@evil.example/"><script>alert(1)</script>'
    cards = source_cards([_cited(tricky)], "en")
    [link] = _links(cards)
    assert link["text"] == "evil.example" and link["href"] == tricky
    assert "<script>" not in cards and '"><script' not in cards
    assert render_markdown(_answer_citing(tricky)).count(tricky) == 1
    assert "javascript" not in render_markdown(_answer_citing("javascript:alert(1)"))


def _answer_citing(url: str) -> Answer:
    return Answer("Who leads HR?", "An HR manager leads the team [1].", "en", False, [_cited(url)])


def test_the_chat_api_gives_the_address_after_the_title():
    markdown = render_markdown(_answer_citing("https://www.prospects.ac.uk/hr"))
    assert "[1] HR manager — Duties (https://www.prospects.ac.uk/hr)  \n" in markdown
    assert "[1] HR manager — Duties  \n" in render_markdown(_answer_citing(""))


def test_the_article_viewer_links_the_original_page_in_its_meta_line():
    passage = Passage("hr#0", "hr", "HR manager", "nl", "", 0, "Een HR-manager leidt.", "NVP")
    linked = Passage(**{**passage.__dict__, "url": "http://example.nl/hr"})
    page = article_html([linked], "hr#0", "nl")
    [link] = _links(page)
    assert (link["href"], link["text"]) == ("http://example.nl/hr", "example.nl")
    meta = page.split('<p class="hr-meta">')[1].split("</p>")[0]
    assert meta.startswith("Nederlands · Uitgever: NVP · <a ")
    assert _links(article_html([passage], "hr#0", "nl")) == []
    forged = Passage(**{**passage.__dict__, "url": "javascript:alert(1)"})
    assert _links(viewer_html([forged], "hr#0", "en")) == []


# 15:03 in Amsterdam's summer time is 13:03 UTC: the page writes every time in UTC.
STAMP = datetime(2026, 6, 12, 15, 3, tzinfo=timezone(timedelta(hours=2)))


def _card_meta(cards: str) -> str:
    return cards.split('<div class="hr-meta">')[1].split("</div>")[0]


def test_a_source_card_says_when_its_article_was_last_ingested():
    no_link = _cited("")
    english = _card_meta(source_cards([no_link], "en", ingested={"hr-manager": STAMP}))
    assert english == "English · Publisher: Prospects · Ingested 2026-06-12 13:03 UTC · Duties"
    dutch = _card_meta(source_cards([no_link], "nl", ingested={"hr-manager": STAMP}))
    assert dutch == "Engels · Uitgever: Prospects · Ingelezen 2026-06-12 13:03 UTC · Duties"
    # Each card its own article's time; a refusal's closest passages show it as well.
    other = Citation(**{**no_link.__dict__, "n": 2, "source": "recruiter", "chunk_id": "r#0"})
    stamps = {"hr-manager": STAMP, "recruiter": datetime(2025, 1, 2, 3, 4, tzinfo=UTC)}
    both = source_cards([no_link, other], "en", closest=True, ingested=stamps)
    assert both.count("Ingested ") == 2 and "Ingested 2025-01-02 03:04 UTC" in both


def test_a_source_card_without_a_time_shows_none_and_no_stray_separator():
    no_link = _cited("")
    plain = "English · Publisher: Prospects · Duties"
    assert _card_meta(source_cards([no_link], "en")) == plain
    assert _card_meta(source_cards([no_link], "en", ingested={"other": STAMP})) == plain
    bare = Citation(**{**no_link.__dict__, "language": "", "publisher": "", "section": ""})
    assert _card_meta(source_cards([bare], "en")) == ""
    assert _card_meta(source_cards([bare], "en", ingested={"hr-manager": STAMP})) == (
        "Ingested 2026-06-12 13:03 UTC"
    )


def test_the_article_viewer_says_when_the_article_was_last_ingested():
    passage = Passage("hr#0", "hr", "HR manager", "nl", "", 0, "Een HR-manager leidt.", "NVP")
    linked = Passage(**{**passage.__dict__, "url": "http://example.nl/hr"})

    def meta(page: str) -> str:
        return page.split('<p class="hr-meta">')[1].split("</p>")[0]

    page = viewer_html([linked], "hr#0", "nl", ingested=STAMP)
    assert meta(page).endswith("</a> · Ingelezen 2026-06-12 13:03 UTC")
    english = article_html([passage], None, "en", ingested=STAMP)
    assert meta(english) == "Dutch · Publisher: NVP · Ingested 2026-06-12 13:03 UTC"
    assert meta(article_html([passage], None, "en")) == "Dutch · Publisher: NVP"
    assert "Ingelezen" not in viewer_html([linked], "hr#0", "nl")
    bare = Passage(**{**passage.__dict__, "language": "", "publisher": ""})
    assert 'class="hr-meta"' not in article_html([bare], None, "en")
    assert meta(article_html([bare], None, "en", ingested=STAMP)) == (
        "Ingested 2026-06-12 13:03 UTC"
    )


def _translated_answer() -> Answer:
    dutch = "De HR-assistent plant <b>afspraken</b> & gesprekken."
    citation = Citation(
        1,
        "a",
        "HR-assistent",
        "a#0",
        dutch,
        "nl",
        translation="The HR assistant plans <b>appointments</b> & interviews.",
    )
    return Answer("Who plans?", "The Dutch article says: … [1]", "en", False, [citation])


def test_a_machine_translation_is_shown_below_its_quote_marked_and_escaped():
    answer = _translated_answer()
    bubble = answer_bubble(answer)
    quote_at = bubble.index("De HR-assistent plant")
    marked_at = bubble.index('class="hr-translation"')
    assert quote_at < marked_at  # below the quote it translates
    assert '<span class="hr-lang-en">Machine translation:</span>' in bubble
    assert '<span class="hr-lang-nl">Machinevertaling:</span>' in bubble
    assert "&lt;b&gt;appointments&lt;/b&gt; &amp; interviews" in bubble
    assert "<b>appointments" not in bubble

    for ui_language, label in (("en", "Machine translation:"), ("nl", "Machinevertaling:")):
        cards = source_cards(answer.citations, ui_language)
        assert cards.index('class="hr-snippet"') < cards.index(label)
        assert "&lt;b&gt;appointments&lt;/b&gt;" in cards and "<b>" not in cards

    markdown = render_markdown(answer)
    quoted = markdown.splitlines()
    at = quoted.index("> De HR-assistent plant <b>afspraken</b> & gesprekken.")
    assert quoted[at + 1 : at + 3] == [
        ">",
        "> *Machine translation:* The HR assistant plans <b>appointments</b> & interviews.",
    ]

    untranslated = replace(answer, citations=[replace(answer.citations[0], translation="")])
    for page in (answer_bubble(untranslated), source_cards(untranslated.citations, "en")):
        assert "hr-translation" not in page and "Machine" not in page
    assert "Machine" not in render_markdown(untranslated)
