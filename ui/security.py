"""Slowing down password guessing on the page's sign-in and its admin password, and
telling the answers this server gave from those a browser made up."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.settings import Settings, installation_key

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
WINDOW_S = 60.0
# Clients remembered at once; past it, those whose last failure is oldest are forgotten
# (a guesser with that many addresses is not stopped by a count per address anyway).
MAX_CLIENTS = 10_000

# The addresses that serve this machine only: on any other bind the page is reachable
# from the network, and managing articles needs the admin password (ui.app.page_access).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` serves this machine only."""
    return host in LOOPBACK_HOSTS


# The client of the request being answered: Gradio's sign-in callback is given the user
# name and password only, so :class:`ClientAddress` leaves the address here for it.
_client: ContextVar[str] = ContextVar("hr_assistant_client", default="")


@dataclass
class _Failures:
    times: deque[float] = field(default_factory=deque)
    # The same wrong password again (the admin box checks on leaving it and on Enter)
    # is one mistake, not two: repeating a guess teaches a guesser nothing.
    last_wrong: bytes = b""


class AttemptLimiter:
    """After ``max_failures`` wrong passwords from one client within ``window_s`` seconds,
    every attempt of that client is refused until the oldest of them is ``window_s`` old,
    right password or not.

    Counted per client (see :func:`client_key`), so one guesser's failures lock out nobody
    else; a caller that names no client shares one count with every other such caller.
    A right password clears nothing, so a guesser cannot reset the count by knowing one
    account.
    """

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window_s: float = WINDOW_S,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.max_clients = max_clients
        self._clients: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> int:
        failures = self._clients.get(client)
        if failures is None:
            return 0
        while failures.times and now - failures.times[0] > self.window_s:
            failures.times.popleft()
        if not failures.times:
            del self._clients[client]
            return 0
        return len(failures.times)

    def _forget_oldest(self, now: float) -> None:
        """Keep at most ``max_clients`` clients: those without a recent failure go first,
        then those whose last failure is oldest."""
        if len(self._clients) < self.max_clients:
            return
        for client in list(self._clients):
            self._recent(client, now)
        surplus = len(self._clients) - self.max_clients + 1
        if surplus > 0:
            oldest = sorted(self._clients, key=lambda c: self._clients[c].times[-1])[:surplus]
            for client in oldest:
                del self._clients[client]

    def blocked(self, client: str = "") -> bool:
        with self._lock:
            return self._recent(client, time.monotonic()) >= self.max_failures

    def check(self, given: str | None, expected: str, client: str = "") -> bool:
        """Whether ``given`` is ``expected``; always False while ``client`` is blocked."""
        with self._lock:
            now = time.monotonic()
            if self._recent(client, now) >= self.max_failures:
                logger.warning(
                    "password attempt refused: too many wrong ones in a row from %s",
                    client or "an unnamed client",
                )
                return False
            if hmac.compare_digest((given or "").encode(), expected.encode()):
                return True
            wrong = hashlib.sha256((given or "").encode()).digest()
            failures = self._clients.get(client)
            if failures is None:
                self._forget_oldest(now)
                failures = self._clients[client] = _Failures()
            if not (failures.times and hmac.compare_digest(wrong, failures.last_wrong)):
                failures.times.append(now)
            failures.last_wrong = wrong
            return False


def client_key(client: Any) -> str:
    """Who is signing in, as counted: the client's address (``scope["client"]``), and for
    IPv6 its /64 network, since one machine commonly holds a whole /64."""
    host = str(client[0]) if client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is 192.0.2.1
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def request_client(request: Any) -> str:
    """Who sent a Gradio event, as :func:`client_key` counts it, from the event's
    ``gr.Request``: an event runs on the queue, apart from the HTTP request that queued
    it, so the address :class:`ClientAddress` leaves for the sign-in does not reach it."""
    return client_key(getattr(request, "client", None))


class ClientAddress:
    """ASGI middleware: makes the address of the request's client known to the sign-in
    check (:func:`sign_in_checker`), which Gradio calls without the request.

    The address is the connection's, or behind a reverse proxy on the same machine, the
    one the proxy puts in X-Forwarded-For (uvicorn trusts 127.0.0.1 for that by default;
    ``FORWARDED_ALLOW_IPS`` names other proxies).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _client.set(client_key(scope.get("client")))
        try:
            await self.app(scope, receive, send)
        finally:
            _client.reset(token)


def current_client() -> str:
    """The client of the request being answered ("" outside :class:`ClientAddress`)."""
    return _client.get()


def sign_in_checker(
    user: str, password: str, limiter: AttemptLimiter
) -> Callable[[str, str], bool]:
    """Gradio's ``auth`` callback for one user name and password, rate-limited per client."""

    def check(given_user: str, given_password: str) -> bool:
        right_user = hmac.compare_digest((given_user or "").encode(), user.encode())
        return limiter.check(given_password, password, current_client()) and right_user

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
