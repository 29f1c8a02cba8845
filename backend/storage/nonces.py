"""WS-Security nonces kept in the back end's database instead of one process's memory.

Every worker process of a served back end, and every node behind a province's load balancer,
sees the same table: a nonce is accepted once across all of them (a replay is refused wherever
it lands). The first use is an insert; two requests carrying one nonce at the same moment are
serialised by the database (SQLite's one writer; PostgreSQL's serialisable transaction, the
loser run again finds the row). Used when the store is PostgreSQL or the back end is served by
several workers (backend/soap.py request_guard).
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from typing import Any

from backend.timeutil import iso

PRUNE_EVERY_SECONDS = 60.0  # per process: expired nonces deleted at most this often


class StoreNonceCache:
    """wssecurity.NonceCache's first_use, on the store's wsse_nonces table (migration 0003)."""

    def __init__(self, store: Any, keep_seconds: float) -> None:
        self._store = store
        self._keep = dt.timedelta(seconds=keep_seconds)
        self._pruned_at = 0.0

    def first_use(self, username: str, nonce: bytes, now: dt.datetime) -> bool:
        key = base64.b64encode(nonce).decode("ascii")
        prune = time.monotonic() - self._pruned_at >= PRUNE_EVERY_SECONDS
        if prune:
            self._pruned_at = time.monotonic()

        def work(db: Any) -> bool:
            if prune:
                db.execute("DELETE FROM wsse_nonces WHERE keep_until <= ?", (iso(now),))
            row = db.execute("SELECT keep_until FROM wsse_nonces WHERE username = ? AND nonce = ?",
                             (username, key)).fetchone()
            if row is not None and row["keep_until"] > iso(now):
                return False
            db.execute("INSERT INTO wsse_nonces VALUES (?, ?, ?) ON CONFLICT(username, nonce) "
                       "DO UPDATE SET keep_until = excluded.keep_until", (username, key, iso(now + self._keep)))
            return True

        return self._store.transaction(work, write=True)
