"""WS-Security nonces kept in the back end's database instead of one process's memory.

Every worker process of a served back end, and every node behind a province's load balancer,
sees the same table: a nonce is accepted once across all of them (a replay is refused wherever
it lands). The first use is an insert; two requests carrying one nonce at the same moment are
serialised by the database (SQLite's one writer; on PostgreSQL the second insert of a key waits
for the first and then finds the row, so READ COMMITTED suffices). Used when the store is PostgreSQL or the back end is served by
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
            # One statement: a new nonce is inserted, an expired one taken again; a live one
            # leaves the row alone and returns nothing. Two at once meet on the primary key: the
            # second waits for the first and then finds it live (atomic at READ COMMITTED too).
            return db.execute("INSERT INTO wsse_nonces VALUES (?, ?, ?) ON CONFLICT(username, nonce) "
                              "DO UPDATE SET keep_until = excluded.keep_until WHERE wsse_nonces.keep_until <= ? "
                              "RETURNING 1", (username, key, iso(now + self._keep), iso(now))).fetchone() is not None

        return self._store.transaction(work, write=True, keyed=True)
