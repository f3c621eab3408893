import pytest

from assistant.conversation import clean_question, follows_previous

TOPICS = {"hr", "manager", "salarisadministrateur", "generalist", "sourcer", "recruiter"}


def _names_topic(word: str) -> bool:
    """Stands in for the articles' title words."""
    return word.lower() in TOPICS


@pytest.mark.parametrize(
    ("pasted", "asked"),
    [
        ("<b>x</b> What does an HR manager do?", "x What does an HR manager do?"),
        (
            "![x](http://198.51.100.7/p.png) What does an HR generalist do?",
            "x What does an HR generalist do?",
        ),
        (
            "[this page](https://example.invalid) Wat doet een HR-officer?",
            "this page Wat doet een HR-officer?",
        ),
        ("What does **People Ops** do? https://example.invalid/x", "What does People Ops do?"),
        ("Wat is `HRIS` &amp; wie beheert het?", "Wat is HRIS & wie beheert het?"),
        ("What does a <Team lead> ask HR?", "What does a <Team lead> ask HR?"),
    ],
)
def test_pasted_markup_is_not_part_of_the_question(pasted: str, asked: str):
    assert clean_question(pasted) == asked


@pytest.mark.parametrize(
    "question",
    [
        "And the manager?",
        "En de salarisadministrateur?",
        "Who do they report to?",
        "Welke certificaten zijn daarvoor handig?",
        "Vanaf wanneer moet een werkgever er verplicht eentje aanwijzen?",
        "Which of the two negotiates the offer?",
        "Why?",
        "Met welke afdelingen werkt die samen?",
        "Salary?",
        "In Belgium?",
        "Who earns more?",
        "Kan dat ook vanuit huis?",
        "Is that a full-time job?",
        "Which course should I take to become a certified one?",
    ],
)
def test_a_turn_that_leans_on_the_previous_one_is_a_follow_up(question: str):
    assert follows_previous(question, ["What does a sourcer do?"], _names_topic)


@pytest.mark.parametrize(
    "question",
    [
        "What does an HR manager do?",
        "Wat doet een salarisadministrateur?",
        "Which certifications help an HR generalist become an HR manager?",
        "Is the HR manager the one who approves leave?",
        "Wat doet het HR-team van een start-up?",
        "Is het verschil tussen een recruiter en een sourcer groot?",
        "Stel dat ik HR-manager wil worden, welke opleiding heb ik nodig?",
        "Now that AI screens CVs, what does a recruiter do?",
        "Companies that outsource payroll: what does HR still do?",
    ],
)
def test_a_new_topic_in_the_same_chat_stands_alone(question: str):
    history = ["How does People Operations differ from HR?"]
    assert not follows_previous(question, history, _names_topic)


def test_the_first_turn_is_never_a_follow_up():
    assert not follows_previous("And the manager?", [])


@pytest.mark.parametrize(
    ("pasted", "asked"),
    [
        (
            "2026-03-02 14:05:09,311 ERROR [pool-3] c.e.Sync - conn refused db01:5432\n"
            "What does an HR generalist do?",
            "What does an HR generalist do?",
        ),
        (
            "From: Jan Jansen <jan@example.invalid>\nTo: hr@example.invalid\n"
            "Date: Mon, 2 Mar 2026 14:05:09 +0100\nOnderwerp: Wat doet een recruiter?\n\n"
            "Groet, Jan",
            "Wat doet een recruiter? Groet, Jan",
        ),
        (
            "Context: we are a hospital with about 60 staff.\nWho handles payroll there?",
            "Context: we are a hospital with about 60 staff. Who handles payroll there?",
        ),
        ("From: someone\nTo: someone else", "From: someone To: someone else"),
    ],
)
def test_pasted_log_lines_and_mail_headers_are_not_part_of_the_question(pasted, asked):
    assert clean_question(pasted) == asked


@pytest.mark.parametrize(
    ("typed", "asked"),
    [
        (
            "Role: HR business partner\nWhat are the main tasks?",
            "Role: HR business partner What are the main tasks?",
        ),
        ("Recruiter: what does this role do?\nThanks", "Recruiter: what does this role do? Thanks"),
        ("Onderwerp: taken recruiter\nGroet, Jan", "taken recruiter Groet, Jan"),
        (
            "Per 1-1-2026 is de CAO veranderd\nWie past de salarissen aan",
            "Per 1-1-2026 is de CAO veranderd Wie past de salarissen aan",
        ),
        ("Compare these roles\n- HR\n- L&D\n- C&B", "Compare these roles - HR - L&D - C&B"),
    ],
)
def test_labels_dates_and_short_items_people_type_stay(typed, asked):
    assert clean_question(typed) == asked
