"""The one privacy policy of the feedback and the question log, as pure logic (the
tables under it, on PostgreSQL, are in tests/assistant/test_privacy.py)."""

from datetime import UTC, datetime

from core.privacy import PrivacyPolicy, hour_of, mask, mask_echo


def test_masking_keeps_the_question_and_drops_what_identifies():
    assert mask("Mail jan.de.vries@example.nl or +31 6 1234 5678 about case 1234567") == (
        "Mail [e-mail] or [phone] about case [number]"
    )
    assert mask("Bel 06-12345678: wat verdient een HR-manager in 2024?") == (
        "Bel [phone]: wat verdient een HR-manager in 2024?"
    )
    assert mask("What changed for 50 employees in 2023?") == (
        "What changed for 50 employees in 2023?"
    )


def test_masking_keeps_dates_and_year_ranges_and_catches_odd_separators():
    assert mask("What changed 2023-2025 with 2.5% more staff?") == (
        "What changed 2023-2025 with 2.5% more staff?"
    )
    dates = "Geldt dit van 01/01/2024 - 31/12/2024?"
    assert mask(dates) == dates
    assert mask("Call 020\u00a0123\u00a04567 or 06\u201312345678") == "Call [phone] or [phone]"
    assert mask("Mail hr@intranet please") == "Mail [e-mail] please"


def test_hours_are_rounded_down():
    assert hour_of(datetime(2026, 3, 4, 17, 59, 12, tzinfo=UTC)) == "2026-03-04T17:00Z"


def test_an_answer_loses_only_what_its_question_typed():
    question = "Can HR mail jan@example.nl about case 1234567?"
    answer = "HR will mail jan@example.nl about 1234567; call 020 123 4567 for payroll [1]."
    assert mask_echo(answer, question) == (
        "HR will mail [e-mail] about [number]; call 020 123 4567 for payroll [1]."
    )
    assert mask_echo(answer, "What does HR do?") == answer


def test_the_retention_cutoff_is_an_hour_the_stored_hours_compare_with():
    policy = PrivacyPolicy(30)
    now = datetime(2026, 3, 31, 17, 59, tzinfo=UTC)
    assert policy.cutoff(now) == "2026-03-01T17:00Z"
    assert "2026-03-01T16:00Z" < policy.cutoff(now) <= "2026-03-01T17:00Z"


def test_each_table_keys_the_same_answer_differently_and_only_with_the_key():
    policy = PrivacyPolicy(90, key=b"k" * 32)
    feedback, log = policy.answer_key("hr_feedback", "a1"), policy.answer_key("hr_questions", "a1")
    assert feedback != log and len(feedback) == len(log) == 32
    assert policy.answer_key("hr_feedback", "a1") == feedback  # the same vote finds its row
    assert PrivacyPolicy(90, key=b"x" * 32).answer_key("hr_feedback", "a1") != feedback
    assert "a1" not in feedback
