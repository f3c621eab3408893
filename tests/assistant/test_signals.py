import numpy as np
import pytest

from assistant import places
from assistant.evidence import StoredUnit, Window
from assistant.places import currencies, currency_places, places_in
from assistant.signals import (
    SIGNALS,
    ArticleFacts,
    _counted_words,
    _gives_count,
    _kinds,
    is_small_talk,
    read_question,
    window_signals,
)
from assistant.text import TermWeights, content_words, stemmed_phrases, terms
from assistant.translation import figures
from core.types import Passage
from core.units import TextUnit

ARTICLES = [
    ("HR officer", "An HR officer recruits staff and keeps records."),
    ("HR officer", "An HR officer in the Netherlands earns about 3,500 euro a month."),
    ("Payroll administrator", "A payroll administrator processes salaries every month."),
]


def weights() -> TermWeights:
    found = TermWeights.from_words([content_words(f"{t} {x}") for t, x in ARTICLES], ["en"] * 3)
    found.add_titles(t for t, _ in ARTICLES)
    return found


def window(text: str, title: str = "HR officer", language: str = "en", url: str = "") -> Window:
    passage = Passage("a#0", "a", title, language, "", 0, text, url=url, score=1.0)
    unit = StoredUnit(0, TextUnit(text), frozenset(terms(text)), True)
    return Window(passage, 0, [unit], (0,))


def test_the_subject_is_what_titles_name_and_the_aspect_is_the_rest():
    asked = read_question("How much holiday does an HR officer get?", "", "en", weights())
    assert [asked.words[i] for i in asked.subject] == ["hr", "officer"]
    assert "holiday" in asked.aspect_words()
    # "How much" before a noun asks how much of it: an amount or a count of holiday.
    assert asked.kinds == ["amount", "count"]
    assert asked.unknown[asked.words.index("holiday")]


def test_a_follow_up_inherits_the_earlier_turns_words_and_scope():
    asked = read_question(
        "And in Spain?", "What does an HR officer earn in Belgium?", "en", weights()
    )
    assert places_in("Spain") <= {t for g in asked.scopes for t in g}
    assert any(w == "officer" for w in asked.words)
    # The follow-up's own words weigh more than the ones it inherits.
    assert asked.weights[asked.words.index("spain")] > asked.weights[asked.words.index("officer")]


def test_a_window_lacking_the_asked_aspect_and_kind_says_so():
    asked = read_question("How much holiday does an HR officer get?", "", "en", weights())
    z = np.array([1.0])
    staff = window("An HR officer recruits staff.")
    lacking = window_signals(staff, asked, z, 1.0, ArticleFacts(set()))
    assert set(lacking) == set(SIGNALS)
    assert lacking["aspect_cover"] == 0.0 and lacking["kind_missing"] == 1.0
    assert lacking["subject_cover"] == 1.0 and lacking["unknown_share"] > 0


def test_a_count_is_given_only_by_a_number_beside_what_is_counted():
    asked = read_question(
        "How many vacation days does an HR officer get per year?", "", "en", weights()
    )
    assert [asked.words[i] for i in asked.counted] == ["vacation", "days"]
    z, facts = np.array([1.0]), ArticleFacts(set())
    other_number = window("An HR officer handles 401(k) deductions and 3 payroll runs.")
    assert window_signals(other_number, asked, z, 1.0, facts)["counted_missing"] == 1.0
    assert window_signals(other_number, asked, z, 1.0, facts)["kind_given"] == 1.0
    days = window("An HR officer gets 25 days of paid leave.")
    assert window_signals(days, asked, z, 1.0, facts)["counted_missing"] == 0.0
    far = window("Vacation days depend on the contract an HR officer signs, as do 3 payroll runs.")
    assert window_signals(far, asked, z, 1.0, facts)["counted_missing"] == 1.0
    in_a_name = window("Since COVID-19 vacation days of an HR officer changed.")
    assert window_signals(in_a_name, asked, z, 1.0, facts)["counted_missing"] == 1.0


def test_what_a_count_question_counts():
    assert _counted_words("How many FTEs does an HR team need?") == ["fte"]
    assert _counted_words("How many, roughly, recruiters work here?") == []
    # "Hoeveel" also asks an amount: a word that asks another kind counts nothing.
    assert _counted_words("Hoeveel verdient een HR-manager?") == []
    # A joining word carries what is counted on; an article or pronoun ends it.
    assert _counted_words("How many days of annual leave?") == ["days", "annual", "leave"]
    assert _counted_words("Hoeveel dagen aan vakantie?") == ["dagen", "vakantie"]
    assert _counted_words("How many of the staff?") == []
    compound = ("vakantiedagen", ["vakan"])
    assert _gives_count("Het aantal wettelijke vakantiedagen bedraagt standaard 20.", [compound])
    assert _gives_count("Je krijgt 25 dagen.", [compound])
    assert not _gives_count("Recruiters work 38 hours a week.", [("workers", ["worke"])])


def test_how_much_asks_a_sum_before_a_verb_and_a_quantity_before_a_noun():
    def kinds(question: str) -> list[str]:
        return read_question(question, "", "en", weights()).kinds

    assert kinds("How much does an HR officer earn?") == ["amount"]
    assert kinds("Hoeveel verdient een HR-officer?") == ["amount"]
    assert kinds("How much experience does an HR officer need?") == ["amount", "count"]
    assert "share" in kinds("How much of an HR officer's time goes into records?")
    # A fee named is a topic, not a request for the sum.
    assert kinds("Who pays the fee of an HR officer's agency?") == []


def test_a_count_is_given_beside_the_rarest_counted_word_the_articles_use():
    corpus = [*ARTICLES, ("HR officer", "Holiday pay is paid in May.")]
    known = TermWeights.from_words([content_words(f"{t} {x}") for t, x in corpus], ["en"] * 4)
    known.add_titles(t for t, _ in corpus)
    asked = read_question("How many holiday days does an HR officer get?", "", "en", known)
    z, facts = np.array([1.0]), ArticleFacts(set())
    course = window("The HR officer took a 3-day course.")
    assert window_signals(course, asked, z, 1.0, facts)["counted_missing"] == 1.0
    leave = window("An HR officer gets 25 holiday days.")
    assert window_signals(leave, asked, z, 1.0, facts)["counted_missing"] == 0.0


def test_a_count_no_article_names_is_a_translation_away_in_the_other_language():
    asked = read_question("Hoeveel vacatures heeft een HR officer?", "", "nl", weights())
    assert [asked.words[i] for i in asked.counted] == ["vacatures"]
    z, facts = np.array([1.0]), ArticleFacts(set())
    english = window("An HR officer fills 12 openings a year.")
    assert window_signals(english, asked, z, 1.0, facts)["counted_missing"] == 0.0
    dutch = window("Een HR officer vult 12 functies per jaar.", language="nl")
    assert window_signals(dutch, asked, z, 1.0, facts)["counted_missing"] == 1.0


def test_a_counted_compound_is_found_by_its_part():
    asked = read_question(
        "Hoeveel preventiemedewerkers heeft een bedrijf nodig?", "", "nl", weights()
    )
    assert [asked.words[i] for i in asked.counted] == ["preventiemedewerkers"]
    z, facts = np.array([1.0]), ArticleFacts(set())
    enough = window("Een bedrijf heeft minstens 2 medewerkers voor preventie nodig.", language="nl")
    assert window_signals(enough, asked, z, 1.0, facts)["counted_missing"] == 0.0
    # A question that counts nothing has nothing to miss.
    plain = read_question("What does an HR officer do?", "", "en", weights())
    assert window_signals(enough, plain, z, 1.0, facts)["counted_missing"] == 0.0


def test_a_window_giving_the_asked_amount_says_so():
    asked = read_question("What does an HR officer earn in a month?", "", "en", weights())
    giving = window_signals(
        window("An HR officer earns about 3,500 euro a month."),
        asked,
        np.array([2.0]),
        1.0,
        ArticleFacts(set()),
    )
    assert giving["kind_given"] == 1.0 and giving["kind_missing"] == 0.0
    assert giving["aspect_cover"] == 1.0


def test_a_named_scope_missing_from_the_article_counts():
    asked = read_question("What does an HR officer earn in Belgium in 2031?", "", "en", weights())
    article = ArticleFacts(set(terms(ARTICLES[1][1])) | places_in(ARTICLES[1][1]))
    signals = window_signals(window(ARTICLES[1][1]), asked, np.array([2.0]), 1.0, article)
    assert signals["scope_missing"] == 1.0
    # A follow-up's own scope missing is the scope missing, however many it inherits.
    asked = read_question(
        "And in Spain?", "What did an HR officer earn in the Netherlands in 2031?", "en", weights()
    )
    inherited = ArticleFacts(article.terms | {"2031"})
    follow_up = window_signals(window(ARTICLES[1][1]), asked, np.array([2.0]), 1.0, inherited)
    assert follow_up["scope_missing"] == 1.0
    # The place it asks replaces the one it inherits: an article on Spain in 2031 has all.
    spain = ArticleFacts({"2031"} | places_in("Spain"))
    answered = window_signals(window(ARTICLES[1][1]), asked, np.array([2.0]), 1.0, spain)
    assert answered["scope_missing"] == 0.0
    asked = read_question("What does an HR officer earn in the Netherlands?", "", "en", weights())
    assert (
        window_signals(window(ARTICLES[1][1]), asked, np.array([2.0]), 1.0, article)[
            "scope_missing"
        ]
        == 0.0
    )


def test_a_name_missing_is_told_apart_from_a_place_missing():
    asked = read_question("Does the Acme scheme pay an HR officer in Belgium?", "", "en", weights())
    article = ArticleFacts(set(terms(ARTICLES[1][1])) | places_in("Belgium"))
    signals = window_signals(window(ARTICLES[1][1]), asked, np.array([2.0]), 1.0, article)
    assert signals["name_missing"] == 1.0 and signals["scope_missing"] == 0.0


def test_an_employer_missing_limits_like_a_place_however_it_is_typed():
    article = ArticleFacts(set(terms(ARTICLES[1][1])))
    for question in (
        "What does an HR officer earn at Acme?",
        "wat verdient een hr officer bij acme",
    ):
        asked = read_question(question, "", "en", weights())
        signals = window_signals(window(ARTICLES[1][1]), asked, np.array([2.0]), 1.0, article)
        assert signals["scope_missing"] == 1.0 and signals["name_missing"] == 0.0, question
    # A word the articles use after "at" names no employer, nor does a lower-case word
    # that more words follow.
    assert read_question("Who keeps records at the office?", "", "en", weights()).scopes == []
    assert read_question("do they work at weekends and nights", "", "en", weights()).scopes == []
    assert read_question("ik werk bij grote projecten", "", "nl", weights()).scopes == []
    # Where the question writes names with capitals, a lower-case word is no name.
    assert read_question("Wat doet een HR-adviseur bij ziekte?", "", "nl", weights()).scopes == []
    at_the = read_question("What does an HR officer earn at the BBC?", "", "en", weights())
    assert at_the.scope_kinds == ["employer"]


def test_a_place_or_employer_is_a_scope_not_an_unknown_word():
    for question in (
        "What does an HR officer earn in Belgium?",
        "What does an HR officer earn at Acme?",
    ):
        asked = read_question(question, "", "en", weights())
        assert not any(asked.unknown) and asked.specific_unknown == 0.0, question
    # Any other word no article uses still is one.
    asked = read_question("What does an HR officer earn as an ergonomist?", "", "en", weights())
    assert asked.unknown[asked.words.index("ergonomist")] and asked.specific_unknown == 1.0
    # Nor does a place weigh in the share of the question the articles do not use.
    asked = read_question("Is ergonomics taught in Belgium?", "", "en", weights())
    article = ArticleFacts(set(terms(ARTICLES[0][1])))
    signals = window_signals(window(ARTICLES[0][1]), asked, np.array([2.0]), 1.0, article)
    assert signals["unknown_share"] == 1.0


def test_an_everyday_word_the_articles_lack_weighs_less_in_the_unknown_share():
    article = ArticleFacts(set(terms(ARTICLES[0][1])))

    def unknown_share(question: str) -> float:
        asked = read_question(question, "", "en", weights())
        return window_signals(window(ARTICLES[0][1]), asked, np.array([2.0]), 1.0, article)[
            "unknown_share"
        ]

    assert (
        0.0
        < unknown_share("Does an HR officer recruit someone?")
        < unknown_share("Does an HR officer recruit ergonomists?")
    )


def test_a_question_of_legal_duty_is_answered_only_by_a_sentence_about_the_law():
    asked = read_question("Must an HR officer hold a licence by law?", "", "en", weights())
    assert asked.kinds == ["obligation"]
    article = ArticleFacts(set(terms(ARTICLES[0][1])))

    def kind_missing(text: str) -> float:
        return window_signals(window(text), asked, np.array([2.0]), 1.0, article)["kind_missing"]

    assert kind_missing(ARTICLES[0][1]) == 1.0
    assert kind_missing("No law requires an HR officer to hold a licence.") == 0.0
    dutch = read_question(
        "Is een vergunning wettelijk verplicht voor een HR officer?", "", "nl", weights()
    )
    assert dutch.kinds == ["obligation"]


def test_figure_kinds_are_alternatives_and_every_other_kind_must_be_given():
    asked = read_question("How many days off does an HR officer get by law?", "", "en", weights())
    assert sorted(asked.kinds) == ["count", "duration", "obligation"]
    article = ArticleFacts(set(terms(ARTICLES[0][1])))

    def kind_missing(text: str) -> float:
        return window_signals(window(text), asked, np.array([2.0]), 1.0, article)["kind_missing"]

    assert kind_missing("An HR officer gets 25 days off.") == 1.0
    assert kind_missing("By law an HR officer gets 20 days off.") == 0.0


def test_a_sum_in_dollars_or_pounds_names_its_country():
    assert currency_places("Median salary: $52,000") == places_in("United States")
    assert currency_places("about £ 30,000 a year") == places_in("United Kingdom")
    # Another country's dollar, and a dollar sign without a sum, name none.
    assert currency_places("A$50,000 in Sydney") == set()
    assert currency_places("E£12,000 a month") == set()
    assert currency_places("the $ sign") == set()


def test_greetings_and_thanks_are_small_talk_but_questions_are_not():
    for text in ("hi!", "Thanks!", "how are you?", "hoi, hoe gaat het?", "Bedankt!"):
        assert is_small_talk(text), text
    for text in ("how are you doing today?", "Hoe gaat het vandaag met je?"):
        assert is_small_talk(text), text
    for text in ("What does an HR officer do?", "hoi, wat verdient een recruiter?"):
        assert not is_small_talk(text), text


def test_a_role_the_article_never_names_as_a_phrase_is_missing():
    asked = read_question("What does a chief learning officer do?", "", "en", weights())
    assert asked.subject_phrases  # "learning officer" names a role of the titles' words
    text = ARTICLES[0][1]
    article = ArticleFacts(set(terms(text)), stemmed_phrases(text))
    signals = window_signals(window(text), asked, np.array([1.0]), 1.0, article)
    assert signals["subject_phrase_in_article"] < 1.0
    asked = read_question("What does an HR officer do?", "", "en", weights())
    signals = window_signals(window(text), asked, np.array([1.0]), 1.0, article)
    assert signals["subject_phrase_in_article"] == 1.0


def test_an_article_in_another_language_is_not_faulted_for_the_roles_spelling():
    asked = read_question("What does a chief learning officer do?", "", "en", weights())
    text = "Een HR-officer werft personeel en houdt dossiers bij."
    article = ArticleFacts(set(terms(text)), stemmed_phrases(text))
    dutch = window_signals(window(text, language="nl"), asked, np.array([1.0]), 1.0, article)
    assert dutch["subject_phrase_in_article"] == 1.0
    english = window_signals(window(text), asked, np.array([1.0]), 1.0, article)
    assert english["subject_phrase_in_article"] < 1.0


def test_relative_signals_compare_a_window_with_the_other_candidates():
    from assistant.signals import add_relative_signals

    asked = read_question("What does an HR officer earn?", "", "en", weights())
    texts = ["An HR officer earns 3,500 euro.", "Payroll runs monthly."]
    found = [window(t) for t in texts]
    for w, dense in zip(found, (1.0, 2.0), strict=True):
        w.signals = window_signals(w, asked, np.array([dense]), 1.0, ArticleFacts(set()))
    add_relative_signals(found, asked, lambda article: set())
    assert found[0].signals["cover_gap"] == 0.0 > found[1].signals["cover_gap"]
    assert found[1].signals["dense_rank"] == 1.0 and found[0].signals["dense_rank"] == 0.5


def test_thanks_with_a_few_words_more_is_small_talk_and_a_bare_follow_up_is_not():
    for text in ("thanks, that helps a lot", "bedankt, dat helpt me echt verder"):
        assert is_small_talk(text) and is_small_talk(text, follows=True), text
    for text in ("thanks, what about the pension", "hi, I want to know what an HR officer does"):
        assert not is_small_talk(text), text
    # A few words more that name a role, a place or a year ask something.
    topic = weights().names_topic
    for text in ("hi, hr officer salary", "thanks! salary belgium", "ok, and in 2024"):
        assert not is_small_talk(text, names_topic=topic), text
    # "and?" after a question leans on it; alone it asks nothing about the articles.
    assert is_small_talk("and?") and not is_small_talk("and?", follows=True)


def test_a_place_is_a_scope_however_it_is_typed_and_in_either_language():
    belgian = "Een HR-officer in België verdient 3.000 euro."
    article = ArticleFacts(set(terms(belgian)) | places_in(belgian))
    text = ARTICLES[1][1]
    for question in (
        "what does an hr officer earn in belgium",
        "Salary of an HR officer, Belgium?",
    ):
        asked = read_question(question, "", "en", weights())
        assert asked.scopes, question
        found = window_signals(window(text), asked, np.array([1.0]), 1.0, article)
        assert found["scope_missing"] == 0.0, question  # België names Belgium
    # "us" is a word; "US" names a country; "polish" a verb, "Polish" a place.
    assert not read_question("can you tell us what an HR officer does", "", "en", weights()).scopes
    assert read_question("What does an HR officer earn in the US?", "", "en", weights()).scopes
    assert not read_question("How do I polish my HR officer resume?", "", "en", weights()).scopes
    # Whole names, not stems: "service" is no Serbia, "Engels" (English) no England.
    asked = read_question("What does an HR officer earn in Serbia?", "", "en", weights())
    service = "Our HR officer service in het Engels."
    facts = ArticleFacts(set(terms(service)) | places_in(service))
    assert window_signals(window(text), asked, np.array([1.0]), 1.0, facts)["scope_missing"] == 1.0
    # A spelling that only case-folds to a name is no place, and no error.
    assert places_in("HR manager in İtaly") == set()


def test_a_word_the_articles_never_use_is_no_subject_whatever_its_stem():
    # "officers" shares its stem with the titles and is used; "officerschap" shares the
    # stem but no article writes it: it names something the articles do not cover.
    asked = read_question("What does an officerschap do?", "", "en", weights())
    assert "officerschap" in [asked.words[i] for i in asked.aspect]
    assert asked.unknown[asked.words.index("officerschap")]


def test_a_word_no_article_uses_is_missing_from_a_window_in_either_language():
    articles = [*ARTICLES, ("HR officer", "Een HR officer werft personeel en verdient salaris.")]
    found = TermWeights.from_words(
        [content_words(f"{t} {x}") for t, x in articles], ["en", "en", "en", "nl"]
    )
    found.add_titles(t for t, _ in articles)
    english = window("An HR officer earns a salary and recruits staff.")

    def cover(question: str) -> float:
        asked = read_question(question, "", "nl", found)
        signals = window_signals(english, asked, np.array([1.0]), 1.0, ArticleFacts(set()))
        return signals["aspect_cover"]

    # Words the English window states, or only Dutch articles use: nothing is missing.
    assert cover("Verdient een HR officer salaris?") == 1.0
    # "appeltaart" no article uses: missing in the English window as in a Dutch one.
    assert cover("Verdient een HR officer appeltaart?") < 1.0


def test_the_small_talk_around_a_request_is_left_out_and_the_request_kept():
    from assistant.signals import without_small_talk

    assert without_small_talk("Hi there, good morning! How do I request parental leave?") == (
        "How do I request parental leave?"
    )
    assert without_small_talk("Hallo, goedemorgen! Is er een fietsregeling? Bedankt!") == (
        "Is er een fietsregeling?"
    )
    assert without_small_talk("hi how do I report sick") == "how do I report sick"
    # Nothing but small talk, or no small talk at all: the text as it is.
    for text in ("thanks, that helps a lot", "Hi!", "What does an HR officer do?"):
        assert without_small_talk(text) == text


def test_a_country_domain_implies_its_country_unless_the_article_names_another():
    asked = read_question("What does an HR officer do in the UK?", "", "en", weights())
    text = "An HR officer recruits staff."
    facts = ArticleFacts(set(terms(text)))
    plain = window(text)
    on_uk_site = window(text, url="https://www.prospects.ac.uk/jobs/hr-officer")
    z = np.array([1.0])
    assert window_signals(plain, asked, z, 1.0, facts)["scope_missing"] == 1.0
    assert window_signals(on_uk_site, asked, z, 1.0, facts)["scope_missing"] == 0.0


def test_a_scope_only_the_sentence_around_the_question_names_limits_less():
    facts = ArticleFacts(set(terms("An HR officer recruits staff.")))
    z = np.array([1.0])
    asked_in = read_question("What does an HR officer do in Utrecht?", "", "en", weights())
    around = read_question(
        "Recruiter in Utrecht here. What does an HR officer do?", "", "en", weights()
    )
    missing_in = window_signals(window("An HR officer recruits staff."), asked_in, z, 1.0, facts)
    missing_around = window_signals(window("An HR officer recruits staff."), around, z, 1.0, facts)
    assert missing_in["scope_missing"] == 1.0
    assert 0.0 < missing_around["scope_missing"] < 1.0


def test_a_capitalised_word_beside_a_role_is_part_of_its_name_not_a_scope():
    assert not read_question("Is HR Ops more strategic than payroll?", "", "en", weights()).scopes
    assert read_question("What does an HR officer earn at Acme?", "", "en", weights()).scopes


def test_the_kind_asked_is_read_from_the_asking_sentence():
    asked = read_question(
        "It costs me my evenings. Who could take over the HR officer's work?", "", "en", weights()
    )
    assert asked.kinds == []
    assert read_question("What does it cost to hire an HR officer?", "", "en", weights()).kinds


def test_a_malformed_address_in_a_store_implies_no_country():
    asked = read_question("What does an HR officer do in the UK?", "", "en", weights())
    odd = window("An HR officer recruits staff.", url="http://[::1")
    signals = window_signals(odd, asked, np.array([1.0]), 1.0, ArticleFacts(set()))
    assert signals["scope_missing"] == 1.0


def test_asking_the_assistant_for_its_own_opinion_asks_for_advice():
    for text in (
        "Recruiter or analyst: which one would you pick for me?",
        "Wat vind jij beter, een interne of een externe coach?",
        "Welke opleiding past volgens jou het best bij mij?",
    ):
        assert "advice" in read_question(text, "", "en", weights()).kinds, text
    assert "advice" not in read_question("What does an HR officer do?", "", "en", weights()).kinds
    assert "advice" not in read_question("Waar vind je de cao?", "", "nl", weights()).kinds


def test_a_compound_with_a_lowercase_head_is_no_name():
    text = "I start as a recruiter at an IT-bedrijf. Which tools should I know?"
    assert not read_question(text, "", "en", weights()).scopes
    assert read_question("What does a recruiter earn at Acme-Bank?", "", "en", weights()).scopes


def test_a_number_that_is_no_sum_or_no_count_gives_neither():
    from assistant.signals import _kinds

    amount, count = _kinds()["amount"][1], _kinds()["count"][1]
    assert amount.search("The median salary was 72,910 in 2017.")
    assert not amount.search("About 1,100 manager positions open each year.")
    assert not amount.search("About 1,100 positions open per year on our learning platform.")
    assert count.search("There are seven steps.") and count.search("Three steps lead to a hire.")
    assert not count.search("Examples are Hays, Randstad and Seven Stars.")


def test_a_question_mostly_of_words_no_article_uses_says_so():
    staff = window("An HR officer recruits staff.")
    facts = ArticleFacts(set())
    foreign = read_question("Who approves expense claims?", "", "en", weights())
    mostly = window_signals(staff, foreign, np.array([1.0]), 1.0, facts)
    assert mostly["unknown_majority"] > 0.5
    own = read_question("Who recruits staff for the HR officer?", "", "en", weights())
    assert window_signals(staff, own, np.array([1.0]), 1.0, facts)["unknown_majority"] == 0.0


def test_a_compared_side_no_candidate_article_covers_is_missing():
    from assistant.signals import add_relative_signals

    articles = {"a": set(terms(ARTICLES[0][1])), "b": set(terms(ARTICLES[2][1]))}

    def missing(question: str, candidates: tuple[str, ...] = ("a",)) -> float:
        asked = read_question(question, "", "en", weights())
        found = []
        for article in candidates:
            found.append(window(ARTICLES[0 if article == "a" else 2][1]))
            found[-1].passage = Passage(f"{article}#0", article, "", "en", "", 0, "", score=1.0)
            found[-1].signals = window_signals(
                found[-1], asked, np.array([1.0]), 1.0, ArticleFacts(articles[article])
            )
        add_relative_signals(found, asked, lambda article: articles.get(article, set()))
        return found[0].signals["compared_missing"]

    both = "What is the difference between an HR officer and a payroll administrator?"
    assert missing(both) > 0  # only the HR officer's article is a candidate
    assert missing(both, ("a", "b")) == 0.0  # each side has an article of its own
    assert missing("What is the difference between an HR officer and an ombudsman?") > 0.4
    # An everyday word no article uses is how people talk, not a role none covers.
    assert missing("Is an HR officer the same as before?") < 0.3
    assert missing("What does an HR officer do?") == 0.0


def test_a_follow_up_of_scopes_alone_asks_the_earlier_turns_kind():
    earlier = "How much does an HR officer earn?"
    assert read_question("And in Belgium?", earlier, "en", weights()).kinds == ["amount"]
    assert read_question("And at Acme in 2030?", earlier, "en", weights()).kinds == ["amount"]
    for place in ("And in the United States?", "En in het VK?"):
        assert read_question(place, earlier, "en", weights()).kinds == ["amount"], place
    count = "How many days of leave does an HR officer get?"
    assert "count" in read_question("And in Belgium?", count, "en", weights()).kinds
    # A follow-up that asks something of its own asks only that.
    assert read_question("And what do they do?", earlier, "en", weights()).kinds == []
    assert read_question("And the duties in Belgium?", earlier, "en", weights()).kinds == []


def test_a_name_that_opens_one_sentence_is_still_a_name_inside_another():
    asked = read_question(
        "Siemens pays well, I hear. Do Siemens recruiters earn more?", "", "en", weights()
    )
    assert [terms("Siemens")] == [g for g in asked.scopes if g == terms("Siemens")]
    # Where it only opens a sentence, a capital tells nothing.
    assert read_question("Recruiters earn more?", "", "en", weights()).scopes == []


@pytest.mark.parametrize("currency", currencies(), ids=lambda c: c.sign)
def test_every_currency_of_the_one_list_is_read_as_a_sum_everywhere(currency):
    code, word = currency.codes[0], currency.words[-1]
    assert (
        figures(f"{currency.sign}45,400") == figures(f"45.400 {word}") == {("45400", currency.sign)}
    )
    assert figures(f"{code} 3.000") == {("3000", currency.sign)}
    # A sum is no year, and a sum in it is an amount given.
    assert ["2000"] not in read_question(f"Is 2000 {code} a lot?", "", "en", weights()).scopes
    # A sign names its place (the euro none), and the year after it is a sum.
    assert currency_places(f"{currency.sign}45,000") == places_in(currency.place)
    assert ["1900"] not in read_question(
        f"Is {currency.sign}1900 a lot?", "", "en", weights()
    ).scopes
    amount_given = _kinds()["amount"][1]
    assert amount_given.search(f"about {currency.sign}1900") and amount_given.search(f"1900 {word}")


def test_a_currency_sign_of_more_than_one_character_is_refused(tmp_path, monkeypatch):
    listed = tmp_path / "places.yaml"
    listed.write_text('currencies:\n  - {sign: "R$", codes: [BRL], words: [real]}\n', "utf-8")
    monkeypatch.setattr(places, "PLACES_PATH", listed)
    places.currencies.cache_clear()
    try:
        with pytest.raises(ValueError, match="'R\\$' is not one character"):
            places.currencies()
    finally:
        places.currencies.cache_clear()
