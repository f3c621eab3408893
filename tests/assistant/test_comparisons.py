"""The sides a question compares (assistant.comparisons): pure text, no store."""

from assistant.comparisons import compared_sides


def test_a_comparison_names_the_two_things_it_compares_in_either_language():
    assert compared_sides("How does a fleet manager differ from a dispatcher when busy?") == [
        "fleet manager",
        "dispatcher",
    ]
    assert compared_sides("Wat is het verschil tussen een HR-adviseur en een jurist?") == [
        "HR-adviseur",
        "jurist",
    ]
    assert compared_sides("Hoe verschilt een planner van een roosteraar?") == [
        "planner",
        "roosteraar",
    ]


def test_a_name_keeps_its_joined_parts_and_ends_where_the_template_goes_on():
    assert compared_sides("The difference between a health and safety officer and a medic?") == [
        "health and safety officer",
        "medic",
    ]
    assert compared_sides("difference between a cook and a baker and what do they earn?") == [
        "cook",
        "baker",
    ]
    assert compared_sides("verschil tussen een kok en een bakker en wat verdienen ze?") == [
        "kok",
        "bakker",
    ]


def test_every_comparison_of_a_question_is_read():
    question = "Difference between a cook and a baker, and how does a chef differ from a waiter?"
    assert compared_sides(question) == ["cook", "baker", "chef", "waiter"]


def test_pronouns_clauses_quotes_and_asides_name_nothing_themselves():
    assert compared_sides("Which tasks count, and how is that different from a baker's?") == [
        "baker's"
    ]
    assert compared_sides('difference between "cook" and "baker"') == ["cook and baker"]
    assert compared_sides("a cook (in-house) versus a caterer") == ["cook", "caterer"]
    assert compared_sides("What does a payroll administrator do?") == []


def test_vs_is_versus_only_as_typed_since_VS_is_the_united_states_in_dutch():
    assert compared_sides("cook vs baker?") == ["cook", "baker"]
    assert compared_sides("Wat verdient een kok in de VS per jaar?") == []
