"""Password guessing is slowed down, and only answers sealed here count for a vote: pure
logic, no app."""

from ui import chats
from ui.security import (
    VOTED_CITATION_FIELDS,
    AnswerSeal,
    AttemptLimiter,
    client_key,
    sign_in_checker,
)


def test_five_wrong_passwords_block_even_the_right_one_for_the_window():
    limiter = AttemptLimiter(max_failures=5, window_s=60)
    assert limiter.check("secret", "secret")
    for n in range(5):
        assert not limiter.check(f"guess{n}", "secret")
    assert limiter.blocked()
    assert not limiter.check("secret", "secret")


def test_the_same_typo_checked_twice_is_one_mistake():
    limiter = AttemptLimiter(max_failures=2, window_s=60)
    assert not limiter.check("typo", "secret")
    assert not limiter.check("typo", "secret")  # the box checks on blur and on Enter
    assert not limiter.blocked()
    assert not limiter.check("other", "secret")
    assert limiter.blocked()


def test_failures_older_than_the_window_no_longer_count():
    limiter = AttemptLimiter(max_failures=2, window_s=0.05)
    assert not limiter.check("a", "secret")
    assert not limiter.check("b", "secret")
    assert limiter.blocked()
    import time

    time.sleep(0.06)
    assert not limiter.blocked()
    assert limiter.check("secret", "secret")


def test_sign_in_needs_the_user_and_the_password():
    check = sign_in_checker("hr", "pw", AttemptLimiter())
    assert check("hr", "pw")
    assert not check("admin", "pw")
    assert not check("hr", "nope")


def _answer_record() -> dict:
    return {
        "id": "a" * 32,
        "answer": "An HR manager leads the HR team [1].",
        "asked": "What does an HR manager do?",
        "language": "en",
        "note": "",
        "citations": [
            {"n": 1, "source": "hr-manager", "title": "HR manager", "chunk_id": "hr-manager#0"}
            | {"snippet": "An HR manager leads the HR team.", "language": "en"}
            | {"section": "", "publisher": ""}
        ],
        "closest": [],
    }


def test_only_an_answer_sealed_here_and_unchanged_verifies():
    seal = AnswerSeal(b"k" * 32)
    record = _answer_record()
    record["seal"] = seal.seal(record)
    assert seal.verify(record)
    assert seal.verify(chats.valid_record(record) or {})  # kept through the browser
    assert not AnswerSeal(b"x" * 32).verify(record)  # another installation's
    for field, value in [
        ("id", "b" * 32),
        ("asked", "How many days of leave?"),
        ("answer", "Everyone gets 60 days of leave [1]."),
        ("language", "nl"),
        ("seal", ""),
    ]:
        assert not seal.verify({**record, field: value}), field
    cited = {**record["citations"][0], "snippet": "An invented passage."}
    assert not seal.verify({**record, "citations": [cited]})
    assert not seal.verify({k: v for k, v in record.items() if k != "seal"})
    assert not seal.verify({"seal": record["seal"], "answer": "no other fields"})


def test_one_clients_wrong_passwords_do_not_block_another():
    limiter = AttemptLimiter(max_failures=5, window_s=60)
    for n in range(6):
        assert not limiter.check(f"guess{n}", "secret", client="203.0.113.7")
    assert limiter.blocked("203.0.113.7")
    assert not limiter.blocked("198.51.100.2")
    assert limiter.check("secret", "secret", client="198.51.100.2")
    assert not limiter.check("secret", "secret", client="203.0.113.7")


def test_a_client_is_its_address_and_an_ipv6_client_its_64_network():
    assert client_key(("203.0.113.7", 51234)) == "203.0.113.7"
    assert client_key(("::ffff:203.0.113.7", 1)) == "203.0.113.7"
    assert client_key(("2001:db8:1:2:aaaa::1", 1)) == client_key(("2001:db8:1:2:ffff::9", 1))
    assert client_key(("2001:db8:1:2::1", 1)) != client_key(("2001:db8:1:3::1", 1))
    assert client_key(None) == ""


def test_the_clients_remembered_are_capped_oldest_first():
    limiter = AttemptLimiter(max_failures=1, window_s=60, max_clients=3)
    for n in range(5):
        assert not limiter.check("wrong", "secret", client=f"10.0.0.{n}")
    assert len(limiter._clients) == 3
    assert not limiter.blocked("10.0.0.0")  # forgotten: the oldest failure
    assert limiter.blocked("10.0.0.4")


def test_an_answer_sealed_before_citations_had_an_address_still_verifies():
    """The seal covers what a vote writes (VOTED_CITATION_FIELDS); the address is shown,
    never written by a vote, like the publisher: a chat saved before it still votes, and
    an address edited in the browser is made harmless where it is shown (ui.render)."""
    seal = AnswerSeal(b"k" * 32)
    record = _answer_record()
    record["seal"] = seal.seal(record)
    reopened = chats.valid_record(record) or {}
    assert reopened["citations"][0]["url"] == ""  # added by the check, as ""
    assert seal.verify(reopened)
    assert "url" not in VOTED_CITATION_FIELDS
    # An edited address counts no more than an edited publisher: it is not what a vote
    # writes, and the page shows only an http(s) one as a link.
    edited = {**reopened["citations"][0], "url": "javascript:alert(1)"}
    assert seal.verify({**reopened, "citations": [edited]})
    assert not seal.verify({**reopened, "citations": [{**edited, "title": "Another title"}]})
