import pytest

from assistant.chain import question_language
from core.language import detect_language, phrase


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How does People Operations differ from HR?", "en"),
        ("Wat is het verschil tussen een HR-assistent en een HR-officer?", "nl"),
        ("Welke taken heeft een HR-assistent?", "nl"),
        ("Wie voert de sollicitatiegesprekken?", "nl"),
        ("waht does an hr generalst do", "en"),
        ("En een HR-officer?", "nl"),
        ("And how do they become a manager?", "en"),
        # No stop word to tell: everyday words of one language decide.
        ("salaris opleidingsfunctionaris?", "nl"),
        ("uitzendbureau vs detacheringsbureau?", "nl"),
        ("Recruiter vs sourcer salary?", "en"),
        ("salarisadministrateur uurtarief?", "nl"),  # half the words spelt the Dutch way
    ],
)
def test_detect_language(text: str, language: str):
    assert detect_language(text) == language


def test_a_follow_up_too_short_to_tell_takes_the_chat_language():
    assert question_language("HR-officer?", ["Wat doet een HR-assistent?"]) == "nl"
    assert question_language("HR-officer?", ["What does an HR assistant do?"]) == "en"


def test_phrases_exist_in_both_languages():
    assert phrase("en", "sources") == "Sources"
    assert phrase("nl", "sources") == "Bronnen"
    assert "Engelstalige" in phrase(
        "nl", "other_language_article", article_language=phrase("nl", "language_name_en")
    )


def test_the_language_word_lists_are_words_not_yaml_booleans():
    from core.language import _language_words

    words = _language_words()
    assert all(isinstance(w, str) for listed in words.values() for w in listed)
    assert {"no", "yes", "on"} <= words["en"] and "hoeveel" in words["nl"]
