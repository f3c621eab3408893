from assistant.text import (
    TermWeights,
    concept_of,
    content_words,
    correct_stop_word_typos,
    edit_distance,
    joined_pairs,
    query_terms,
    stem,
    terms,
)


def test_stems_join_word_forms_and_languages():
    assert stem("recruitment") == stem("recruit")
    assert stem("policies") == stem("policy")
    assert stem("strategic") == stem("strategisch")
    assert stem("onderhandelen") != stem("ondersteunen")


def test_glossary_gives_dutch_and_english_words_a_shared_concept():
    dutch = set(terms("werving"))
    english = set(terms("recruitment"))
    assert dutch & english
    assert not set(terms("werving")) & set(terms("salaris"))
    assert set(terms("verbeteringen")) & set(terms("improves"))
    assert set(terms("ontslagrondes")) & set(terms("redundancy"))
    # Entries listed whole: words that merely start alike share no concept.
    assert concept_of("verbergen") is None and concept_of("improper") is None
    assert concept_of("opbrengen") is None and concept_of("opbrengsten") is not None


def test_stop_words_and_their_typos_carry_no_meaning():
    assert content_words("waht does an hr generalst do") == ["hr", "generalst"]
    assert "hire" in content_words("how do I hire")  # a real HR word, not a typo of "hier"
    assert correct_stop_word_typos("waht does he do") == "what does he do"


def test_query_terms_group_each_word_with_its_concept():
    groups = query_terms("Welke opleiding heeft een HR Manager?")
    assert ["hr"] in groups
    assert any(stem("opleiding") in g and len(g) == 2 for g in groups)


def test_misspelt_words_are_read_as_the_closest_known_word():
    weights = TermWeights(["The HR Manager needs leadership skills.", "People Operations"])
    assert weights.correct_typos("hr peeple skils?") == "hr people skills?"
    assert weights.correct_typos("managr") == "managr"  # its stem is known already
    # A long word whose stem is known, but which no article writes, is still a typo.
    weights = TermWeights(["Development."])
    assert weights.correct_typos("developement") == "development"
    assert weights.correct_typos("What about pizza?") == "What about pizza?"
    assert edit_distance("kitten", "sitting", 5) == 3
    assert edit_distance("kitten", "sitting", 1) == 2  # gave up past the limit


def test_everyday_words_the_articles_do_not_use_are_not_typos():
    weights = TermWeights(["For example, the HR team can hire in a plan or a ball room."])
    assert weights.correct_typos("Can they examine me?") == "Can they examine me?"
    assert weights.correct_typos("a plain English bill") == "a plain English bill"
    assert weights.correct_typos("hirre in a roomm") == "hire in a room"  # typos


def test_a_hyphenated_question_word_matches_two_words_of_an_article():
    assert ["hr-generalist"] in query_terms("Wat doet een HR-generalist?")
    assert "hr-generalist" in joined_pairs("The HR Generalist handles payroll.")


def test_a_hyphenated_word_and_the_same_words_in_a_row_share_a_phrase_stem():
    from assistant.text import phrase_stem, stemmed_phrases

    assert phrase_stem("hr-generalist") in stemmed_phrases("Two HR Generalists work here.")
    assert phrase_stem("hr-business-partner") in stemmed_phrases("our HR business partners")
    assert phrase_stem("hr-generalist") not in stemmed_phrases("HR and generalists")


def test_an_acronyms_plural_is_the_acronym():
    from assistant.text import tokenize

    assert tokenize("Are there KPIs for HRBPs?") == ["are", "there", "kpi", "for", "hrbp"]
    assert "kpi" in tokenize("welke KPI’s bepalen het succes")  # as a Dutch page writes it
    # Typed in lower case, the plural is read as the acronym the articles use.
    assert TermWeights(["Welke KPIs tellen?"]).correct_typos("what kpis") == "what kpi"
    assert tokenize("HRIS and bus") == ["hris", "and", "bus"]  # not plurals


def test_an_acronym_that_spells_a_stop_word_carries_meaning():
    # "OR" is the Dutch works council; only amid ordinary words is it an acronym.
    assert "or" in content_words("Moet de OR instemmen met het plan?")
    assert "it" in content_words("Who runs IT here?")
    assert "or" not in content_words("pay or leave")
    assert content_words("WHAT IS AN HR MANAGER") == ["hr", "manager"]  # a heading in capitals


def test_a_stop_word_in_capitals_the_articles_never_write_so_is_emphasis():
    weights = TermWeights(["De OR heeft instemmingsrecht.", "An HR officer keeps records."])
    assert weights.correct_typos("Wat mag de OR?") == "Wat mag de OR?"
    assert weights.correct_typos("What does an HR officer DO?") == "What does an HR officer do?"
    assert weights.correct_typos("Mag dat NIET?") == "Mag dat niet?"


def test_a_compound_written_apart_is_read_as_the_word_the_articles_use():
    weights = TermWeights(
        [
            "De vertrouwenspersoon luistert.",
            "A case manager, a casemanager.",
            "Verschillende taken.",
        ]
    )
    assert weights.correct_typos("Wat doet een vertrouwens persoon?") == (
        "Wat doet een vertrouwenspersoon?"
    )
    assert weights.correct_typos("the case manager") == "the case manager"  # both words used
    assert weights.correct_typos("Verschillen de taken?") == "Verschillen de taken?"


def test_the_glossary_has_no_duplicate_words_and_no_dead_groups():
    """Each word means one concept, and each group links at least two words that are
    not stop words (a stop word is never looked up, so such a group links nothing)."""
    import yaml

    from assistant.text import GLOSSARY_PATH, is_stop_word

    groups = yaml.safe_load(GLOSSARY_PATH.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    for number, group in enumerate(groups):
        words = [str(w).lower() for w in (group["exact"] if isinstance(group, dict) else group)]
        for word in words:
            assert word not in seen, f"'{word}' is in groups {seen[word]} and {number}"
            seen[word] = number
        live = [w for w in words if not is_stop_word(w)]
        assert len(live) >= 2, f"group {number} links nothing: {words}"
    # Everyday words that only look like a name are no country, and no one is "man".
    assert concept_of("states") is None and concept_of("man") is None


def test_an_everyday_word_is_not_a_typo_of_the_stop_word_it_resembles():
    from assistant.text import is_stop_word

    assert not is_stop_word("work") and not is_stop_word("small") and not is_stop_word("thuis")
    assert is_stop_word("waht") and is_stop_word("dose")  # slips for "what" and "does"
