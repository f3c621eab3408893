"""The one privacy policy of every table that keeps what people typed: the feedback
(``hr_feedback``) and the question log (``hr_questions``).

Both keep text with e-mail addresses, phone numbers and long digit runs masked, the hour
(not the second), rows for the same number of days, and an answer's id only as a hash
keyed with this installation's key and the table's name. The id itself lives in the
browser's chat alone, so the database and the data folder together (key included)
cannot link a vote to its logged question by key; README.md says what they share.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.settings import Settings, installation_key

logger = logging.getLogger(__name__)

# A domain without a dot (name@localhost, name@intranet) is an address too.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)*")
# A phone number: 9 or more digits with the usual separators (including the non-breaking
# space and the dashes a word processor puts in), optionally +country.
_PHONE = re.compile(r"(?<!\w)\+?\d[\d ()./\u00a0\u202f\u2010-\u2013-]{7,}\d(?!\w)")
_DIGITS = re.compile(r"\d{5,}")  # employee, account or case numbers; years stay
# Dates and year ranges read like digit runs with separators: they are kept as typed.
_DATE_OR_YEARS = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"
    r"|\b(?:19|20)\d{2}\s*[-\u2013/]\s*(?:19|20)\d{2}\b"
)
HOUR_FORMAT = "%Y-%m-%dT%H:00Z"
# What stands in for each kind of detail taken out.
EMAIL_MASK, PHONE_MASK, NUMBER_MASK = "[e-mail]", "[phone]", "[number]"
MASKS = (EMAIL_MASK, PHONE_MASK, NUMBER_MASK)


def masked_parts(typed: str) -> tuple[str, list[tuple[str, str]]]:
    """``typed`` without e-mail addresses, phone numbers and long digit runs, and each
    part taken out with what replaced it."""
    found: list[tuple[str, str]] = []

    def replace(match: re.Match[str], placeholder: str) -> str:
        found.append((match.group(), placeholder))
        return placeholder

    typed = _EMAIL.sub(lambda m: replace(m, EMAIL_MASK), typed)
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group())
        return f"\x00{len(held) - 1}\x00"

    typed = _DATE_OR_YEARS.sub(hold, typed)
    typed = _PHONE.sub(
        lambda m: replace(m, PHONE_MASK) if sum(c.isdigit() for c in m.group()) >= 9 else m.group(),
        typed,
    )
    typed = re.sub("\x00(\\d+)\x00", lambda m: held[int(m.group(1))], typed)
    return _DIGITS.sub(lambda m: replace(m, NUMBER_MASK), typed), found


def mask(typed: str) -> str:
    """What someone typed without e-mail addresses, phone numbers and long digit runs."""
    return masked_parts(typed)[0]


def mask_echo(text: str, typed: str) -> str:
    """``text`` (an answer) without what :func:`mask` takes out of ``typed`` (its
    question): a generated answer may repeat an address it was asked about, while the
    articles' own numbers stay as they were quoted."""
    for part, placeholder in sorted(masked_parts(typed)[1], key=lambda p: -len(p[0])):
        text = text.replace(part, placeholder)
    return text


def hour_of(moment: datetime) -> str:
    """The moment rounded down to the hour, in UTC: when, but not exactly when."""
    return moment.astimezone(UTC).strftime(HOUR_FORMAT)


@dataclass(frozen=True)
class PrivacyPolicy:
    """What every table that keeps typed text applies: :func:`mask`, :func:`hour_of`,
    ``retention_days`` and a keyed hash of the answer's id per table."""

    retention_days: int
    # A random key when none is given: hashes then hold for this process only.
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @classmethod
    def for_settings(cls, settings: Settings) -> PrivacyPolicy:
        """The policy of this installation: ``HR_ASSISTANT_INSIGHTS_DAYS`` and the key
        ``privacy.key`` in the data folder (servers that share a database share it)."""
        return cls(settings.insights_days, installation_key(settings, "privacy").encode())

    def mask(self, typed: str) -> str:
        return mask(typed)

    def mask_echo(self, text: str, typed: str) -> str:
        return mask_echo(text, typed)

    def hour(self, moment: datetime) -> str:
        return hour_of(moment)

    def cutoff(self, now: datetime) -> str:
        """The first hour still kept at ``now``: older rows go."""
        return hour_of(now - timedelta(days=self.retention_days))

    def answer_key(self, table: str, answer_id: str) -> str:
        """The answer's id as ``table`` keeps it: keyed, and different per table, so no
        two tables share a column to join on and neither can be recomputed without the
        id itself."""
        message = f"{table}\x00{answer_id}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()[:32]
