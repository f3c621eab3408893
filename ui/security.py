"""Slowing down password guessing on the page's sign-in and its admin password, and
telling the answers this server gave from those a browser made up."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from core.settings import Settings, installation_key

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
WINDOW_S = 60.0


class AttemptLimiter:
    """After ``max_failures`` wrong passwords within ``window_s`` seconds, every attempt
    is refused until the oldest of them is ``window_s`` old, right password or not.

    Process-wide on purpose: Gradio's sign-in callback is not told who is signing in, and
    a guesser can open new sessions at will. A right password clears nothing, so a
    guesser cannot reset the count by knowing one account.
    """

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: deque[float] = deque()
        # The same wrong password again (the admin box checks on leaving it and on Enter)
        # is one mistake, not two: repeating a guess teaches a guesser nothing.
        self._last_wrong = b""
        self._lock = threading.Lock()

    def _recent(self, now: float) -> int:
        while self._failures and now - self._failures[0] > self.window_s:
            self._failures.popleft()
        return len(self._failures)

    def blocked(self) -> bool:
        with self._lock:
            return self._recent(time.monotonic()) >= self.max_failures

    def check(self, given: str | None, expected: str) -> bool:
        """Whether ``given`` is ``expected``; always False while blocked."""
        with self._lock:
            now = time.monotonic()
            if self._recent(now) >= self.max_failures:
                logger.warning("password attempt refused: too many wrong ones in a row")
                return False
            if hmac.compare_digest((given or "").encode(), expected.encode()):
                return True
            wrong = hashlib.sha256((given or "").encode()).digest()
            if not (self._failures and hmac.compare_digest(wrong, self._last_wrong)):
                self._failures.append(now)
            self._last_wrong = wrong
            return False


def sign_in_checker(
    user: str, password: str, limiter: AttemptLimiter
) -> Callable[[str, str], bool]:
    """Gradio's ``auth`` callback for one user name and password, rate-limited."""

    def check(given_user: str, given_password: str) -> bool:
        right_user = hmac.compare_digest((given_user or "").encode(), user.encode())
        return limiter.check(given_password, password) and right_user

    return check


# What a vote writes of each citation: the seal covers exactly these.
VOTED_CITATION_FIELDS = ("n", "source", "title", "chunk_id", "snippet")


class AnswerSeal:
    """An HMAC, with this installation's key, over what a vote writes of an answer: its
    id, question, text, language and citations. The chat lives in the browser, where
    anyone can edit it, so a vote counts only for an answer whose seal this server made
    (no server-side list of answers to keep, and a reopened saved chat still votes)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def for_settings(cls, settings: Settings) -> AnswerSeal:
        """The seal of this installation (``answer-seal.key`` in the data folder)."""
        return cls(installation_key(settings, "answer-seal").encode())

    def seal(self, record: Mapping[str, Any]) -> str:
        """The seal of an answer record as the chat keeps it."""
        content = [
            record["id"],
            record["asked"],
            record["answer"],
            record["language"],
            [[c[k] for k in VOTED_CITATION_FIELDS] for c in record["citations"]],
        ]
        message = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()

    def verify(self, record: Mapping[str, Any]) -> bool:
        """Whether this server gave the answer of ``record``, unchanged."""
        given = record.get("seal")
        if not isinstance(given, str) or not given:
            return False
        try:
            expected = self.seal(record)
        except (KeyError, TypeError) as exc:  # a field missing or of the wrong kind
            logger.info("an answer record without the sealed fields: %r", exc)
            return False
        return hmac.compare_digest(given, expected)
