"""The SQLite engine: one file in WAL mode, one connection per thread.

A write transaction is BEGIN IMMEDIATE: one writer at a time for the whole file, so a request id
has exactly one effect even when a retry arrives while the first attempt still runs (the second
waits for the lock, then finds the record).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another writer's transaction


class SqliteStore:
    """Engine half of backend.store.Store for a file path."""

    engine = "sqlite"

    def _open(self, path: Path, pool_size: int = 0) -> None:
        self.path = Path(path)
        self.url = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                 timeout=BUSY_TIMEOUT_MS / 1000)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for queries that read several tables."""
        db = self.connection()
        db.execute("BEGIN DEFERRED")
        try:
            yield db
        finally:
            db.execute("COMMIT")

    def transaction(self, work: Callable[[Any], T], write: bool = True, keyed: bool = False) -> T:
        """work(db) in one transaction (SQLite's writers never conflict: they take turns)."""
        with (self.write() if write else self.read()) as db:
            return work(db)

    def next_number(self, db: sqlite3.Connection, counter: str) -> int:
        db.execute("INSERT INTO counters VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
                   (counter,))
        return db.execute("SELECT value FROM counters WHERE name = ?", (counter,)).fetchone()[0]

    def close(self) -> None:
        with self._lock:
            connections, self._all = self._all, []
        for db in connections:
            db.close()
        self._local = threading.local()
