"""好差评: the citizen's evaluation of one finished service (issue 20), counted per service and day.

The kiosk sends the service id, its own transaction number when the service had one, the level,
the reasons ticked with one of the lower three levels and an optional comment: nothing that
names the citizen. One evaluation per terminal transaction: a second for the same transaction
answers the first one's receipt and changes nothing.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from backend import messages as m
from backend.faults import InvalidInput
from backend.handlers.common import CallEnv
from backend.timeutil import hall_day, iso, parse

# The national evaluation's five levels, best first (the dashboard's columns in this order).
LEVELS = ("VERY_SATISFIED", "SATISFIED", "BASICALLY_SATISFIED", "DISSATISFIED", "VERY_DISSATISFIED")
# Reasons are asked, and accepted, only with these.
LEVELS_WITH_REASONS = frozenset({"BASICALLY_SATISFIED", "DISSATISFIED", "VERY_DISSATISFIED"})


def submit_evaluation(env: CallEnv, req: Any) -> m.EvaluationReceipt:
    reasons = list(req.reason or ())
    if reasons and req.level not in LEVELS_WITH_REASONS:
        raise InvalidInput("reason", "is only given with the lower three levels")
    if req.transactionId:
        earlier = env.db.execute("SELECT * FROM evaluations WHERE terminal_id = ? AND transaction_id = ?",
                                 (req.terminalId, req.transactionId)).fetchone()
        if earlier is not None:
            return _receipt(earlier)
    number = env.new_reference("PJ")
    env.db.execute("INSERT INTO evaluations (evaluation_number, terminal_id, service, transaction_id, level, reasons, "
                   "comment, evaluated_at, hall_day, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (number, req.terminalId, req.serviceId, req.transactionId, req.level,
                    ",".join(dict.fromkeys(reasons)), (req.comment or "").strip() or None, iso(req.evaluatedAt),
                    hall_day(req.evaluatedAt).isoformat(), iso(env.now)))
    return m.EvaluationReceipt(evaluationNumber=number, recordedAt=env.now)


def _receipt(row: sqlite3.Row) -> m.EvaluationReceipt:
    return m.EvaluationReceipt(evaluationNumber=row["evaluation_number"], recordedAt=parse(row["recorded_at"]))


def counts_by_service_and_day(db: sqlite3.Connection, since_day: str) -> list[dict[str, Any]]:
    """Evaluations per hall day and service since `since_day` (ISO), newest day first: the count of
    each level and of each reason ticked. For the hall dashboard."""
    rows = db.execute("SELECT hall_day, service, level, reasons FROM evaluations WHERE hall_day >= ? "
                      "ORDER BY hall_day DESC, service", (since_day,)).fetchall()
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        entry = table.setdefault((row["hall_day"], row["service"]), {
            "day": row["hall_day"], "service": row["service"], "total": 0,
            "levels": dict.fromkeys(LEVELS, 0), "reasons": {}})
        entry["total"] += 1
        entry["levels"][row["level"]] += 1
        for reason in filter(None, row["reasons"].split(",")):
            entry["reasons"][reason] = entry["reasons"].get(reason, 0) + 1
    return list(table.values())
