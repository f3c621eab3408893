"""Password guessing is slowed down: pure logic, no app."""

from ui.security import AttemptLimiter, sign_in_checker


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
