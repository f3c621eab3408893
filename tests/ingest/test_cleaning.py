from ingest.cleaning import GAP, clean_text

PAGE = """Is your company ready for the future? Check out the latest trends! Download the report

HR Generalist vs. HR Manager

HR Generalist vs. HR Manager

Jane Doe
Jane Doe

HR content specialist at Example, writing about HR.

1 weergave

An HR Generalist handles a variety of HR functions,\
dealing with the day-to-day management of HR operations and the people who make them work.

Opmerking 0 leuk

The HR Manager leads the team and formulates policy, aligning HR strategy with business\
goals and reporting to the leadership team about progress.

Frequently asked questions

Still spending too much time hiring?

Try our best-in-class ATS software.

Let's grow together

Explore our full platform with a 15-day free trial.

Start a free trial"""


def test_furniture_is_dropped_and_content_kept():
    cleaned = clean_text(PAGE, author="Jane Doe")
    for furniture in (
        "Download the report",
        "1 weergave",
        "Opmerking 0 leuk",
        "Jane Doe",
        "HR content specialist",
        "free trial",
        "best-in-class",
        "Frequently asked questions",
    ):
        assert furniture not in cleaned
    assert "An HR Generalist handles a variety of HR functions" in cleaned
    assert cleaned.count("HR Generalist vs. HR Manager") == 1
    assert cleaned.rstrip().endswith("about progress.")


def test_short_closing_sentence_without_promotion_stays():
    text = "A long paragraph " * 20 + "\n\nThat is all."
    assert clean_text(text).endswith("That is all.")


def test_cleaning_removes_whole_lines_only():
    text = "The HR team decides. Download the report to learn more about the HR team."
    # A call to action inside a block removes the block, never words inside sentences.
    assert clean_text(text) == ""
    assert clean_text("A plain paragraph about HR.") == "A plain paragraph about HR."


def test_a_line_removed_at_a_blocks_end_parts_it_from_the_next_block():
    # Invented page: a logo line the template printed twice, then the job's title.
    page = (
        "See the posting on our site.\nLogo of Acme\nLogo of Acme\n\n"
        "Payroll officer\n\nMain Street 1"
    )
    cleaned = clean_text(page)
    # Whatever is packed together must stand together in the page: the repeated line
    # sits between the first block and the title, so a gap parts them.
    assert cleaned.split(GAP)[0] == "See the posting on our site.\nLogo of Acme"
    assert "Payroll officer" in cleaned.split(GAP)[1]
