"""The hall dashboard's login: one staff password kept only as a salted scrypt hash, and sessions.

The hash is core/pin.py's format (the maintenance PIN's too), made with `python main.py dashboard hash-password` and put in [backend]
reference_dashboard_password_hash. Sessions are random tokens kept in memory (a restart logs
everyone out, which is what a read-only page can afford); the cookie carrying one is HttpOnly
and SameSite=Strict, so neither a script on the page nor another site can use it.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Callable

from core.pin import hash_secret, verify_secret

MIN_PASSWORD_LENGTH = 10
# A login lasts a working day; after that the page asks again.
SESSION_SECONDS = 10 * 3600
# Wrong passwords: after this many within the window, every login is refused until it passes.
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 60.0
TOKEN_BYTES = 32


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
        self._failures: list[float] = []
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

    def locked_out(self) -> bool:
        """Too many wrong passwords lately: refuse without even checking (slows guessing)."""
        with self._lock:
            self._failures = [t for t in self._failures if t > self._clock() - FAILURE_WINDOW_SECONDS]
            return len(self._failures) >= MAX_FAILURES

    def failed(self) -> None:
        with self._lock:
            self._failures.append(self._clock())

    def _forget_expired(self) -> None:
        now = self._clock()
        for token in [t for t, expiry in self._tokens.items() if expiry <= now]:
            del self._tokens[token]
