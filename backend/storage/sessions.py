"""The hall dashboard's sessions and wrong-password counts in the back end's database.

backend/dashboard_auth.Sessions keeps them in one process's memory; a back end served by several
gunicorn workers, or by several nodes behind a load balancer, must share them, or a login made on
one worker is unknown to the next request's worker and the lock-out counts per worker. Same
interface and rules as Sessions (10-hour sessions, 5 wrong passwords a minute lock a source out);
a token is stored only as its SHA-256, so reading the database gives no session.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any

from backend.dashboard_auth import ACCOUNT, FAILURE_WINDOW_SECONDS, MAX_FAILURES, SESSION_SECONDS, TOKEN_BYTES


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StoreSessions:
    def __init__(self, store: Any, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock  # wall-clock seconds: every node reads the same clock (NTP), not its own uptime

    def open(self) -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self._clock()

        def work(db: Any) -> None:
            db.execute("DELETE FROM dashboard_sessions WHERE expires_at <= ?", (now,))
            db.execute("INSERT INTO dashboard_sessions VALUES (?, ?)", (_digest(token), now + SESSION_SECONDS))

        self._store.transaction(work)
        return token

    def valid(self, token: str | None) -> bool:
        if not token:
            return False
        row = self._store.transaction(lambda db: db.execute(
            "SELECT expires_at FROM dashboard_sessions WHERE token_digest = ?", (_digest(token),)).fetchone(),
            write=False)
        return row is not None and float(row["expires_at"]) > self._clock()

    def close(self, token: str | None) -> None:
        self._store.transaction(lambda db: db.execute("DELETE FROM dashboard_sessions WHERE token_digest = ?",
                                                      (_digest(token or ""),)))

    def locked_out(self, address: str, account: str = ACCOUNT) -> bool:
        since = self._clock() - FAILURE_WINDOW_SECONDS
        count = self._store.transaction(lambda db: db.execute(
            "SELECT COUNT(*) FROM dashboard_failures WHERE address = ? AND account = ? AND at > ?",
            (address, account, since)).fetchone()[0], write=False)
        return int(count) >= MAX_FAILURES

    def failed(self, address: str, account: str = ACCOUNT) -> None:
        now = self._clock()

        def work(db: Any) -> None:
            db.execute("DELETE FROM dashboard_failures WHERE at <= ?", (now - FAILURE_WINDOW_SECONDS,))
            db.execute("INSERT INTO dashboard_failures (address, account, at) VALUES (?, ?, ?)", (address, account, now))

        self._store.transaction(work)
