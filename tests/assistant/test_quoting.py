from assistant.evidence import SentenceIndex
from assistant.quoting import citation_of, quote
from core.types import Passage


class NoEmbeddings:
    def embed_documents(self, texts):
        return [[1.0, 0.0] for _ in texts]


def index_of(*passages: Passage) -> SentenceIndex:
    return SentenceIndex(list(passages), [{} for _ in passages], NoEmbeddings())


def test_markers_are_numbered_in_order_of_first_use_and_quote_the_exact_passage():
    a = Passage("a#0", "a", "A", "en", "", 0, "First fact here. Second fact there.")
    b = Passage("b#0", "b", "B", "en", "", 0, "Other article fact.")
    index = index_of(a, b)
    windows = index.windows([(1, b), (0, a)])
    text, citations = quote([windows[0], windows[1]], "en", index)
    assert text.startswith("Other article fact. [1]")
    assert "First fact here. [2]" in text
    assert [c.chunk_id for c in citations] == ["b#0", "a#0"]
    assert citations[1].snippet == a.text


def test_a_list_the_window_announces_comes_with_one_marker():
    a = Passage("a#0", "a", "A", "en", "", 0, "The duties are:\n- hiring\n- payroll\n- training")
    index = index_of(a)
    intro = index.windows([(0, a)])[0]
    text, _ = quote([intro], "en", index)
    assert text == "The duties are:\n- hiring\n- payroll\n- training [1]"


def test_quoting_the_other_language_says_so_and_a_cut_sentence_is_marked():
    a = Passage(
        "a#0", "a", "A", "nl", "", 0, "De recruiter zoekt kandidaten voor de open vacatures bij"
    )
    index = index_of(a)
    text, _ = quote(index.windows([(0, a)])[:1], "en", index)
    assert text.startswith("The Dutch article says: ")
    assert text.endswith("bij … [1]")


def test_windows_of_one_passage_are_one_block_in_article_order_with_one_marker():
    a = Passage("a#0", "a", "A", "en", "", 0, "One. Two. Three.\n- hiring\n- payroll\n\nFour.")
    b = Passage("b#0", "b", "B", "en", "", 0, "Other article fact.")
    index = index_of(a, b)
    by_text = {w.text: w for w in index.windows([(0, a), (1, b)])}
    chosen = [by_text["Three."], by_text["Other article fact."], by_text["One."]]
    chosen.append(next(w for t, w in by_text.items() if t.startswith("hiring")))
    text, citations = quote(chosen, "en", index)
    assert [c.chunk_id for c in citations] == ["a#0", "b#0"]
    # "Two." is not quoted: the gap is marked, so One and Three do not read as one run.
    assert text == "One. … Three.\n- hiring [1]\n\nOther article fact. [2]"


def test_an_other_language_block_that_opens_with_a_list_keeps_its_first_item():
    a = Passage("a#0", "a", "A", "nl", "", 0, "- werving\n- selectie")
    index = index_of(a)
    text, _ = quote(index.windows([(0, a)])[:1], "en", index)
    assert text.startswith("The Dutch article says: \n- werving")


def test_a_citation_says_where_its_passage_was_published_and_ask_json_gives_it():
    url = "https://www.prospects.ac.uk/job-profiles/hr-officer"
    passage = Passage("a#2", "a", "A", "en", "Duties", 2, "A fact.", "Prospects", url)
    citation = citation_of(passage, 3)
    assert (citation.n, citation.publisher, citation.url) == (3, "Prospects", url)
    assert citation_of(Passage("b#0", "b", "B", "en", "", 0, "Text."), 1).url == ""
    # INTERFACE.md: ask --json gives each citation's n, source, title, chunk_id, snippet,
    # and (added by this project) its url.
    assert set(citation.to_json()) == {"n", "source", "title", "chunk_id", "snippet", "url"}
    assert citation.to_json()["url"] == url
