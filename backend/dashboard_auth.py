"""The hall dashboard's login: one staff password kept only as a salted scrypt hash, and sessions.

Hash format: `scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>` (the maintenance PIN's format),
made with `python main.py dashboard hash-password` and put in [backend]
reference_dashboard_password_hash. Sessions are random tokens kept in memory (a restart logs
everyone out, which is what a read-only page can afford); the cookie carrying one is HttpOnly
and SameSite=Strict, so neither a script on the page nor another site can use it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from typing import Callable

# scrypt cost: ~50 ms per check on a small server; 16 MiB of memory per guess.
N, R, P = 2 ** 14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
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
    salt = salt or os.urandom(SALT_BYTES)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=HASH_BYTES)
    return "$".join(["scrypt", str(N), str(R), str(P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """True only for the right password; an empty or malformed stored hash lets nobody in."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt, validate=True),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


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


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
