"""The hall dashboard's login: one staff password kept only as a salted scrypt hash, and sessions.

The hash is core/pin.py's format (the maintenance PIN's too), made with `python main.py dashboard hash-password` and put in [backend]
reference_dashboard_password_hash. Sessions are random tokens kept in memory (a restart logs
everyone out, which is what a read-only page can afford); the cookie carrying one is HttpOnly
and SameSite=Strict, so neither a script on the page nor another site can use it.

Wrong passwords are counted per source: the client address and the account tried (the dashboard
has one staff account today, `ACCOUNT`). Five wrong tries within a minute lock that address out
for the rest of the minute; staff at another desk still log in. The client address is the TCP
peer's, except when that peer is one of the configured trusted proxies ([backend]
reference_dashboard_trusted_proxies): then it is the nearest address in X-Forwarded-For that
is not a trusted proxy. Headers from anyone else are ignored: a client cannot pick its own
address, nor claim TLS (`arrived_over_tls`) to get a cookie marked Secure on plain HTTP.
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from core.pin import hash_secret, verify_secret

MIN_PASSWORD_LENGTH = 10
# A login lasts a working day; after that the page asks again.
SESSION_SECONDS = 10 * 3600
# Wrong passwords from one source (client address, account): after this many within the
# window, that source's logins are refused until it passes.
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 60.0
# Sources remembered at most (a flood of addresses cannot fill the memory); the oldest go first.
MAX_SOURCES = 10_000
TOKEN_BYTES = 32
ACCOUNT = "staff"  # the one account the dashboard has: its shared staff password
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class PasswordFormatError(ValueError):
    pass


def hash_password(password: str, salt: bytes | None = None) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordFormatError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    return hash_secret(password, salt)


def verify_password(password: str, stored: str) -> bool:
    """True only for the right password; an empty or malformed stored hash lets nobody in."""
    return verify_secret(password, stored)


class Sessions:
    """Logged-in browsers: token -> expiry. Thread-safe (waitress serves on several threads)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._tokens: dict[str, float] = {}
        self._failures: dict[tuple[str, str], list[float]] = {}  # (address, account) -> times
        self._lock = threading.Lock()

    def open(self) -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._lock:
            self._forget_expired()
            self._tokens[token] = self._clock() + SESSION_SECONDS
        return token

    def valid(self, token: str | None) -> bool:
        if not token:
            return False
        with self._lock:
            expiry = self._tokens.get(token)
            return expiry is not None and expiry > self._clock()

    def close(self, token: str | None) -> None:
        with self._lock:
            self._tokens.pop(token or "", None)

    def locked_out(self, address: str, account: str = ACCOUNT) -> bool:
        """Too many wrong passwords lately from this source: refuse without even checking."""
        with self._lock:
            return len(self._recent_failures((address, account))) >= MAX_FAILURES

    def failed(self, address: str, account: str = ACCOUNT) -> None:
        with self._lock:
            source = (address, account)
            times = self._recent_failures(source)
            times.append(self._clock())
            self._failures.pop(source, None)
            self._failures[source] = times  # newest last: the dict's order is the eviction order
            while len(self._failures) > MAX_SOURCES:
                del self._failures[next(iter(self._failures))]

    def _recent_failures(self, source: tuple[str, str]) -> list[float]:
        """This source's failures within the window (under the lock); forgets it when none are left."""
        since = self._clock() - FAILURE_WINDOW_SECONDS
        times = [t for t in self._failures.get(source, ()) if t > since]
        if times:
            self._failures[source] = times
        else:
            self._failures.pop(source, None)
        return times

    def _forget_expired(self) -> None:
        now = self._clock()
        for token in [t for t, expiry in self._tokens.items() if expiry <= now]:
            del self._tokens[token]


# ----- where a request came from -----

def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """The trusted proxies' addresses or networks ("127.0.0.1", "10.0.0.0/24"); ValueError
    names the first entry that is neither."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return tuple(networks)


def _is_trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(environ: Mapping[str, Any], proxies: tuple[Network, ...]) -> str:
    """The peer's address, or behind trusted proxies the nearest X-Forwarded-For entry that is not
    one of them (entries further left were written by the client and prove nothing)."""
    peer = str(environ.get("REMOTE_ADDR") or "?")
    if not _is_trusted(peer, proxies):
        return peer
    forwarded = [hop.strip() for hop in str(environ.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    for hop in reversed(forwarded):
        if not _is_trusted(hop, proxies):
            return hop
    return peer


def arrived_over_tls(environ: Mapping[str, Any], proxies: tuple[Network, ...]) -> bool:
    """TLS to this server (wsgi.url_scheme), or a trusted proxy saying it took the request over
    TLS (X-Forwarded-Proto: https, the value the nearest proxy wrote). From anyone else the
    header is ignored."""
    if environ.get("wsgi.url_scheme") == "https":
        return True
    if not _is_trusted(str(environ.get("REMOTE_ADDR") or ""), proxies):
        return False
    values = [v.strip().lower() for v in str(environ.get("HTTP_X_FORWARDED_PROTO", "")).split(",") if v.strip()]
    return bool(values) and values[-1] == "https"
