"""Terminals: ping, registration, heartbeats, transaction reports and the reconciliation query."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from backend import messages as m
from backend.faults import InvalidInput
from backend.handlers import payments
from backend.handlers.common import CallEnv, money
from backend.timeutil import hall_day, hall_day_bounds, iso, parse
from core.contract import CONTRACT_VERSION


def ping(env: CallEnv, req: Any) -> m.PingResponse:
    return m.PingResponse(serverTime=env.now, contractVersion=CONTRACT_VERSION)


def register_terminal(env: CallEnv, req: Any) -> m.TerminalRegistration:
    env.db.execute(
        "INSERT INTO terminals (terminal_id, hall_name, software_version, contract_version, registered_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(terminal_id) DO UPDATE SET hall_name = excluded.hall_name, "
        "software_version = excluded.software_version, contract_version = excluded.contract_version, "
        "registered_at = excluded.registered_at",
        (req.terminalId, req.hallName, req.softwareVersion, req.contractVersion, iso(env.now)))
    return m.TerminalRegistration(terminalId=req.terminalId, registeredAt=env.now,
                                  heartbeatIntervalSeconds=env.settings.heartbeat_interval_seconds,
                                  serverTime=env.now)


def heartbeat(env: CallEnv, req: Any) -> m.HeartbeatAck:
    """Recorded even for a terminal that has not registered yet: its health still matters.

    At a province's scale (issue 17) a beat costs one row per terminal, not one per beat: the
    terminal's latest state is one row of terminal_status (upserted), and the history table
    heartbeats gets a row only when the devices changed; history older than
    [backend] reference_heartbeat_history_days is pruned now and then."""
    devices = json.dumps([{"kind": d.kind, "status": d.status, "detail": d.detail} for d in req.device or ()],
                         ensure_ascii=False)
    env.db.execute("INSERT INTO terminals (terminal_id, last_heartbeat_at) VALUES (?, ?) "
                   "ON CONFLICT(terminal_id) DO UPDATE SET last_heartbeat_at = excluded.last_heartbeat_at",
                   (req.terminalId, iso(env.now)))
    # History first, while terminal_status still holds the beat before: a row only when the devices
    # changed, never for an older beat arriving late (ISO UTC text sorts as time). No statement reads
    # a result, so on PostgreSQL the whole beat goes in one round trip (backend/storage/postgres.py).
    sent = iso(req.sentAt)
    env.db.execute("INSERT INTO heartbeats (terminal_id, sent_at, received_at, devices) SELECT ?, ?, ?, ? "
                   "WHERE NOT EXISTS (SELECT 1 FROM terminal_status WHERE terminal_id = ? "
                   "AND (sent_at > ? OR devices = ?))",
                   (req.terminalId, sent, iso(env.now), devices, req.terminalId, sent, devices))
    _remember_status(env, req, devices)
    _prune_history(env)
    return m.HeartbeatAck(receivedAt=env.now)


def _remember_status(env: CallEnv, req: Any, devices: str) -> None:
    """The latest heartbeat of each terminal, as the hall dashboard shows it (backend/dashboard.py);
    an older beat arriving late changes nothing."""
    env.db.execute(
        "INSERT INTO terminal_status (terminal_id, sent_at, received_at, devices, paper_low, software_version, "
        "config_version, last_transaction_at, outbox_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(terminal_id) DO UPDATE SET sent_at = excluded.sent_at, received_at = excluded.received_at, "
        "devices = excluded.devices, paper_low = excluded.paper_low, software_version = excluded.software_version, "
        "config_version = excluded.config_version, last_transaction_at = excluded.last_transaction_at, "
        "outbox_length = excluded.outbox_length WHERE terminal_status.sent_at <= excluded.sent_at",
        (req.terminalId, iso(req.sentAt), iso(env.now), devices,
         None if req.paperLow is None else int(req.paperLow), req.softwareVersion, req.configVersion,
         iso(req.lastTransactionAt) if req.lastTransactionAt is not None else None, req.outboxLength))


PRUNE_EVERY_SECONDS = 600.0  # how often (per server process) a heartbeat also prunes old records
# A heartbeat's request-id record is kept this long at most: at a province's scale heartbeats are
# nearly all the records (14.4 million a day at 5,000 terminals), and a beat repeated after its
# record is gone changes nothing (older than the state kept, it is ignored but for "heard from").
HEARTBEAT_REQUEST_IDS_KEPT_DAYS = 1.0
_pruned = {"at": 0.0}


def _prune_history(env: CallEnv) -> None:
    """Heartbeat history older than its retention, and the request-id records of every operation
    older than [backend] reference_request_id_retention_days (heartbeats' after a day at most)."""
    now = time.monotonic()
    if now - _pruned["at"] < PRUNE_EVERY_SECONDS:
        return
    _pruned["at"] = now
    history = iso(env.now - dt.timedelta(days=env.settings.heartbeat_history_days))
    env.db.execute("DELETE FROM heartbeats WHERE received_at < ?", (history,))
    beats = min(env.settings.request_id_retention_days, HEARTBEAT_REQUEST_IDS_KEPT_DAYS)
    env.db.execute("DELETE FROM idempotency WHERE operation = 'Heartbeat' AND created_at < ?",
                   (iso(env.now - dt.timedelta(days=beats)),))
    env.db.execute("DELETE FROM idempotency WHERE created_at < ?",
                   (iso(env.now - dt.timedelta(days=env.settings.request_id_retention_days)),))


def report_transaction(env: CallEnv, req: Any) -> m.ReportAck:
    """A transaction id is recorded once; a second report of it answers the first recording time."""
    t = req.transaction
    refs = [{"kind": r.kind, "value": r.value} for r in t.reference or ()]
    env.db.execute(
        "INSERT INTO transactions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(terminal_id, transaction_id) DO NOTHING",
        (req.terminalId, t.transactionId, t.service, t.outcome, iso(t.startedAt), iso(t.finishedAt),
         hall_day(t.finishedAt).isoformat(), str(t.amount) if t.amount is not None else None, t.paymentId,
         json.dumps(refs), t.failureKey, iso(env.now)))
    row = env.db.execute("SELECT recorded_at FROM transactions WHERE terminal_id = ? AND transaction_id = ?",
                         (req.terminalId, t.transactionId)).fetchone()
    return m.ReportAck(recordedAt=parse(row["recorded_at"]))


def list_transaction_records(env: CallEnv, req: Any) -> m.TransactionRecords:
    """Reported transactions finished that hall day, and payments created that hall day.

    paidTotal counts every payment that was paid (refunded ones too: the money came in);
    refundedTotal what went back. The hall's net takings are the difference.
    """
    transactions = env.db.execute("SELECT * FROM transactions WHERE terminal_id = ? AND hall_day = ? "
                                  "ORDER BY finished_at", (req.terminalId, req.date.isoformat())).fetchall()
    try:
        start, end = hall_day_bounds(req.date)
    except OverflowError:  # 0001-01-01 begins before the first moment a datetime holds (found by fuzzing)
        raise InvalidInput("date", "is out of range") from None
    rows = env.db.execute("SELECT * FROM payments WHERE terminal_id = ? AND created_at >= ? AND created_at < ? "
                          "ORDER BY created_at", (req.terminalId, start, end)).fetchall()
    rows = [payments.refresh(env.db, row, env.now, env.settings) for row in rows]
    paid = [money(r["amount"]) for r in rows if r["status"] in (payments.PAID, payments.REFUNDED)]
    refunded = [money(r["amount"]) for r in rows if r["status"] == payments.REFUNDED]
    return m.TransactionRecords(
        terminalId=req.terminalId, date=req.date,
        transaction=[_transaction_record(t) for t in transactions],
        payment=[m.PaymentRecord(paymentId=r["payment_id"], orderId=r["order_id"], amount=money(r["amount"]),
                                 status=r["status"], createdAt=parse(r["created_at"]), paidAt=parse(r["paid_at"]),
                                 refundedAt=parse(r["refunded_at"]), method=r["method"] or payments.QR,
                                 card=payments.card_message(r)) for r in rows],
        paidTotal=sum(paid, start=money("0")), refundedTotal=sum(refunded, start=money("0")))


def _transaction_record(row: Any) -> m.TransactionRecord:
    return m.TransactionRecord(
        transactionId=row["transaction_id"], service=row["service"], outcome=row["outcome"],
        startedAt=parse(row["started_at"]), finishedAt=parse(row["finished_at"]),
        amount=money(row["amount"]) if row["amount"] is not None else None, paymentId=row["payment_id"],
        reference=[m.TransactionReference(kind=r["kind"], value=r["value"]) for r in json.loads(row["refs"])],
        failureKey=row["failure_key"], recordedAt=parse(row["recorded_at"]))
