"""The durable journal of every step with an external effect (payment, card write, submission, print).

Each such step is written *before* it starts and *after* it ends, in SQLite with WAL and
synchronous=FULL, so after a crash or power cut the kiosk knows exactly how far it got and
recovers (flows/recovery.py). Every step has a stable request id, derived from the transaction
and the step, so a retried call is the same request to the back end and takes effect once.

The journal outlives the session, so it holds no personal data: ids, amounts, masked numbers.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

SCHEMA = """
CREATE TABLE IF NOT EXISTS transactions (
    id TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    status TEXT NOT NULL,
    amount_fen INTEGER NOT NULL DEFAULT 0,
    order_id TEXT,
    payment_id TEXT,
    summary TEXT NOT NULL DEFAULT '{}',
    note TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS steps (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    txn_id TEXT NOT NULL REFERENCES transactions(id),
    step TEXT NOT NULL,
    phase TEXT NOT NULL,
    request_id TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS steps_by_txn ON steps(txn_id, seq);
CREATE INDEX IF NOT EXISTS txn_by_status ON transactions(status);
"""


class TxnStatus(str, Enum):
    OPEN = "open"                        # in progress, or interrupted: recovery looks at it
    COMPLETED = "completed"              # every effect done and confirmed
    REFUNDED = "refunded"                # paid, then refunded because the service could not finish
    CANCELLED = "cancelled"              # ended before any money was taken
    NEEDS_ATTENTION = "needs_attention"  # recovery could not decide: a technician must


class Phase(str, Enum):
    BEFORE = "before"
    AFTER = "after"
    FAILED = "failed"


@dataclass(frozen=True)
class StepRecord:
    step: str
    phase: Phase
    request_id: str
    detail: Mapping[str, Any]
    at: float


@dataclass(frozen=True)
class Transaction:
    id: str
    flow: str
    status: TxnStatus
    amount_fen: int
    order_id: str | None
    payment_id: str | None
    summary: Mapping[str, Any]
    note: str
    created: float
    updated: float
    steps: tuple[StepRecord, ...] = field(default=())

    def last(self, step: str) -> StepRecord | None:
        """The latest record of `step`, or None if it never started."""
        for record in reversed(self.steps):
            if record.step == step:
                return record
        return None

    def done(self, step: str) -> bool:
        record = self.last(step)
        return record is not None and record.phase is Phase.AFTER

    def started(self, step: str) -> bool:
        return self.last(step) is not None


# Step names become part of request ids, which the contract limits to [A-Za-z0-9_-]{8,64}.
STEP_NAME = re.compile(r"[a-z0-9_]{1,30}")


def request_id_for(txn_id: str, step: str) -> str:
    """Stable across retries and restarts: the back end de-duplicates on it. Joined with "-"
    because the contract's RequestId pattern allows no dot."""
    if STEP_NAME.fullmatch(step) is None:
        raise ValueError(f"journal step name {step!r} must match {STEP_NAME.pattern}")
    return f"{txn_id}-{step}"


class Journal:
    """One SQLite file; every write is its own committed, fsynced transaction."""

    def __init__(self, path: Path, clock=time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._observers: list[Callable[[str, str, Phase], None]] = []
        self._close_observers: list[Callable[[str, TxnStatus], None]] = []
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add_observer(self, observer: Callable[[str, str, Phase], None]) -> None:
        """Call `observer(txn_id, step, phase)` after each step record is committed (durable).
        The crash-recovery test uses it to kill the process at an exact journalled point."""
        self._observers.append(observer)

    def remove_observer(self, observer: Callable[[str, str, Phase], None]) -> None:
        self._observers.remove(observer)

    def add_close_observer(self, observer: Callable[[str, TxnStatus], None]) -> None:
        """Call `observer(txn_id, status)` after a transaction's new status is committed. The
        fleet link (terminal/fleet.py) reports finished transactions to the back end this way."""
        self._close_observers.append(observer)

    def remove_close_observer(self, observer: Callable[[str, TxnStatus], None]) -> None:
        self._close_observers.remove(observer)

    def _write(self, sql: str, params: tuple) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(sql, params)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # ----- writing -----
    def open_transaction(self, flow: str, summary: Mapping[str, Any] | None = None,
                         amount_fen: int = 0) -> str:
        txn_id = f"{time.strftime('%Y%m%d')}-{uuid.uuid4().hex[:12]}"
        now = self._clock()
        self._write("INSERT INTO transactions (id, flow, status, amount_fen, summary, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (txn_id, flow, TxnStatus.OPEN.value, amount_fen, _dump(summary), now, now))
        return txn_id

    def before(self, txn_id: str, step: str, detail: Mapping[str, Any] | None = None) -> str:
        """Record that `step` is about to happen; return its request id."""
        request_id = request_id_for(txn_id, step)
        self._step(txn_id, step, Phase.BEFORE, request_id, detail)
        return request_id

    def after(self, txn_id: str, step: str, detail: Mapping[str, Any] | None = None) -> None:
        self._step(txn_id, step, Phase.AFTER, request_id_for(txn_id, step), detail)

    def failed(self, txn_id: str, step: str, detail: Mapping[str, Any] | None = None) -> None:
        self._step(txn_id, step, Phase.FAILED, request_id_for(txn_id, step), detail)

    def _step(self, txn_id: str, step: str, phase: Phase, request_id: str,
              detail: Mapping[str, Any] | None) -> None:
        now = self._clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("INSERT INTO steps (txn_id, step, phase, request_id, detail, at)"
                                 " VALUES (?, ?, ?, ?, ?, ?)",
                                 (txn_id, step, phase.value, request_id, _dump(detail), now))
                self._db.execute("UPDATE transactions SET updated = ? WHERE id = ?", (now, txn_id))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        for observer in self._observers:
            observer(txn_id, step, phase)

    def set_refs(self, txn_id: str, *, order_id: str | None = None, payment_id: str | None = None,
                 amount_fen: int | None = None) -> None:
        """Remember the back end's ids for this transaction (what recovery asks about)."""
        current = self.get(txn_id)
        self._write("UPDATE transactions SET order_id = ?, payment_id = ?, amount_fen = ?, updated = ?"
                    " WHERE id = ?",
                    (order_id or current.order_id, payment_id or current.payment_id,
                     current.amount_fen if amount_fen is None else amount_fen, self._clock(), txn_id))

    def close_transaction(self, txn_id: str, status: TxnStatus, note: str = "") -> None:
        self._write("UPDATE transactions SET status = ?, note = ?, updated = ? WHERE id = ?",
                    (status.value, note, self._clock(), txn_id))
        for observer in list(self._close_observers):
            observer(txn_id, status)

    # ----- reading -----
    def get(self, txn_id: str) -> Transaction:
        with self._lock:
            row = self._db.execute("SELECT * FROM transactions WHERE id = ?", (txn_id,)).fetchone()
            if row is None:
                raise KeyError(txn_id)
            steps = self._db.execute("SELECT step, phase, request_id, detail, at FROM steps"
                                     " WHERE txn_id = ? ORDER BY seq", (txn_id,)).fetchall()
        return _transaction(row, steps)

    def transactions(self, status: TxnStatus | None = None, since: float | None = None,
                     until: float | None = None) -> list[Transaction]:
        clauses, params = [], []
        if status is not None:
            clauses.append("status = ?")
            params.append(status.value)
        if since is not None:
            clauses.append("created >= ?")
            params.append(since)
        if until is not None:
            clauses.append("created < ?")
            params.append(until)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            ids = [r[0] for r in self._db.execute(f"SELECT id FROM transactions{where} ORDER BY created",
                                                  params)]
        return [self.get(txn_id) for txn_id in ids]

    def unfinished(self) -> list[Transaction]:
        return self.transactions(TxnStatus.OPEN)

    def __iter__(self) -> Iterator[Transaction]:
        return iter(self.transactions())


def _dump(value: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(value or {}), ensure_ascii=False, sort_keys=True)


def _transaction(row: tuple, steps: list[tuple]) -> Transaction:
    txn_id, flow, status, amount, order_id, payment_id, summary, note, created, updated = row
    return Transaction(
        id=txn_id, flow=flow, status=TxnStatus(status), amount_fen=amount, order_id=order_id,
        payment_id=payment_id, summary=json.loads(summary), note=note, created=created, updated=updated,
        steps=tuple(StepRecord(step, Phase(phase), request_id, json.loads(detail), at)
                    for step, phase, request_id, detail, at in steps))
