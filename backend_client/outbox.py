"""The outbox: heartbeats, transaction reports and evaluations that need no answer, delivered
durably and in order.

A flow puts a message and moves on; the message is in SQLite (WAL, synchronous=FULL) before
`put_*` returns, so a crash or power cut loses nothing. One worker thread delivers the oldest
message first, with the request id it got when queued, so a delivery that reached the back end
but lost its answer is recognised there instead of counted twice. While the back end cannot
be reached, the worker waits with exponential backoff and keeps the order. A message the back
end refuses for good (an error marked `final`, e.g. invalid input) is moved to a `rejected`
table and logged, so one bad message cannot block the queue forever.

An evaluation (好差评) comes here only when sending it at once failed for want of a back end
(flows/evaluation.py): it keeps the request id of that first try, so one that reached the back
end but lost its answer is still counted once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

from backend_client.client import new_request_id
from backend_client.convert import from_wire, to_json_ready
from backend_client.errors import BackendError
from backend_client.models import Evaluation, EvaluationReceipt, Heartbeat, TransactionReport

log = logging.getLogger(__name__)

HEARTBEAT, REPORT, EVALUATION = "heartbeat", "report", "evaluation"
STOP_JOIN_SECONDS = 5.0

DDL = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, request_id TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL, queued_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT);
CREATE TABLE IF NOT EXISTS rejected (
    seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, request_id TEXT NOT NULL, payload TEXT NOT NULL,
    queued_at TEXT NOT NULL, rejected_at TEXT NOT NULL, error TEXT NOT NULL);
"""


class OutboxSender(Protocol):
    """What the outbox needs of the client (BackendClient has both)."""

    def send_heartbeat(self, heartbeat: Heartbeat, request_id: str) -> dt.datetime: ...

    def report_transaction(self, report: TransactionReport, request_id: str) -> dt.datetime: ...

    def submit_evaluation(self, service: str, level: Any, reasons: Any, request_id: str, evaluated_at: dt.datetime,
                          transaction_id: str | None = None, comment: str | None = None) -> EvaluationReceipt: ...


@dataclass(frozen=True)
class QueuedMessage:
    seq: int
    kind: str
    request_id: str
    payload: str
    attempts: int


class Outbox:
    def __init__(self, path: Path, sender: OutboxSender, backoff_seconds: float = 1.0,
                 backoff_max_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a report is a money record: durable at commit
        self._db.executescript(DDL)
        self._sender = sender
        self._backoff = (backoff_seconds, backoff_max_seconds)
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._not_before = 0.0  # clock time before which the worker does not retry
        self._failures = 0  # consecutive failed deliveries
        self._stopping = False
        self._thread: threading.Thread | None = None

    # ---- queueing (any thread) ----

    def put_heartbeat(self, heartbeat: Heartbeat) -> str:
        return self._put(HEARTBEAT, json.dumps(to_json_ready(heartbeat)))

    def put_report(self, report: TransactionReport) -> str:
        return self._put(REPORT, json.dumps(to_json_ready(report)))

    def put_evaluation(self, evaluation: Evaluation, request_id: str) -> str:
        """Queued under the request id its first (failed) send used."""
        return self._put(EVALUATION, json.dumps(to_json_ready(evaluation)), request_id)

    def _put(self, kind: str, payload: str, request_id: str | None = None) -> str:
        request_id = request_id or new_request_id()
        with self._wake:
            self._db.execute("INSERT INTO outbox (kind, request_id, payload, queued_at) VALUES (?, ?, ?, ?)",
                             (kind, request_id, payload, _now()))
            self._wake.notify()
        return request_id

    def pending(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

    def rejected(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM rejected").fetchone()[0]

    # ---- delivery ----

    def deliver_next(self) -> bool:
        """Try to deliver the oldest message now. True if one was delivered (or rejected for good)."""
        message = self._head()
        if message is None:
            return False
        try:
            self._send(message)
        except BackendError as error:
            if error.final:
                self._reject(message, str(error))
                return True
            self._postpone(message, error.message_key)
            return False
        except (ValueError, KeyError) as exc:  # a stored payload this version cannot read
            self._reject(message, f"unreadable payload: {exc}")
            return True
        with self._lock:
            self._db.execute("DELETE FROM outbox WHERE seq = ?", (message.seq,))
            if self._failures:
                log.info("outbox: back end reachable again after %d failed deliveries", self._failures)
            self._failures, self._not_before = 0, 0.0
        return True

    def start(self) -> "Outbox":
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="backend-outbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> bool:
        """Stop the worker; undelivered messages stay on disk for the next start. False if the
        worker is still inside a delivery (a slow back end) after STOP_JOIN_SECONDS."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(STOP_JOIN_SECONDS)
            if self._thread.is_alive():
                log.warning("outbox: still delivering after %.0f s; leaving it to finish", STOP_JOIN_SECONDS)
                return False
            self._thread = None
        return True

    def close(self) -> None:
        if self.stop():  # a worker still delivering keeps the database open until it ends
            with self._lock:
                self._db.close()

    def wait_until_empty(self, timeout: float) -> bool:
        """For shutdown and tests: True once everything queued was delivered (or rejected)."""
        deadline = time.monotonic() + timeout
        while self.pending():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def _run(self) -> None:
        while True:
            with self._wake:
                if self._stopping:
                    return
                wait = self._seconds_until_due()
                if wait is None:
                    self._wake.wait()
                    continue
                if wait > 0:
                    self._wake.wait(wait)
                    continue
            try:
                self.deliver_next()
            except Exception:  # a bug must not kill the worker and strand the queue
                log.exception("outbox: delivery failed unexpectedly")
                head = self._head()
                if head is not None:
                    self._postpone(head, "outbox.internal")

    def _seconds_until_due(self) -> float | None:
        """None when nothing is queued; else how long until the head may be tried (<= 0: now)."""
        if self._db.execute("SELECT 1 FROM outbox LIMIT 1").fetchone() is None:
            return None
        return self._not_before - self._clock()

    def _head(self) -> QueuedMessage | None:
        with self._lock:
            row = self._db.execute("SELECT seq, kind, request_id, payload, attempts FROM outbox "
                                   "ORDER BY seq LIMIT 1").fetchone()
        return QueuedMessage(*row) if row else None

    def _send(self, message: QueuedMessage) -> None:
        data = json.loads(message.payload)
        if message.kind == HEARTBEAT:
            self._sender.send_heartbeat(from_wire(Heartbeat, data), message.request_id)
        elif message.kind == EVALUATION:
            evaluation = from_wire(Evaluation, data)
            receipt = self._sender.submit_evaluation(
                evaluation.service, evaluation.level, evaluation.reasons, message.request_id, evaluation.evaluated_at,
                transaction_id=evaluation.transaction_id, comment=evaluation.comment)
            log.info("outbox: evaluation of %s recorded late (%s)", evaluation.service, receipt.evaluation_number)
        else:
            self._sender.report_transaction(from_wire(TransactionReport, data), message.request_id)

    def _postpone(self, message: QueuedMessage, reason: str) -> None:
        with self._lock:
            self._failures += 1
            base, cap = self._backoff
            delay = min(base * 2 ** (self._failures - 1), cap)
            self._not_before = self._clock() + delay
            self._db.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?",
                             (reason, message.seq))
            pending = self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        level = logging.WARNING if self._failures == 1 else logging.DEBUG
        log.log(level, "outbox: %s not delivered (%s); %d waiting, next try in %.1f s",
                message.kind, reason, pending, delay)

    def _reject(self, message: QueuedMessage, reason: str) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT INTO rejected SELECT seq, kind, request_id, payload, queued_at, ?, ? "
                             "FROM outbox WHERE seq = ?", (_now(), reason, message.seq))
            self._db.execute("DELETE FROM outbox WHERE seq = ?", (message.seq,))
            self._db.execute("COMMIT")
        log.error("outbox: %s %s given up for good: %s", message.kind, message.request_id, reason)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()
