"""Traffic fines: a driver's outstanding violations with what the kiosk may do, and accepting one."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from typing import Any

from backend import messages as m
from backend.faults import NotEligible, NotFound
from backend.handlers import proofs
from backend.handlers.common import CallEnv, money, require_valid_id_number
from backend.rules import fines as rules
from backend.timeutil import hall_day, iso, parse, parse_day

ORDER_KIND = "FINE"
# An appeal waiting for its answer (backend/handlers/appeals.py) holds its case from acceptance
# and payment until decided.
APPEAL_PENDING = "PENDING"
UNDER_APPEAL = "CASE_UNDER_APPEAL"


def list_violations(env: CallEnv, req: Any) -> m.DriverViolations:
    driver = find_driver(env, req.idNumber, req)
    rows = env.db.execute("SELECT * FROM violations WHERE licence_number = ? AND paid_at IS NULL "
                          "ORDER BY occurred_at", (req.idNumber,)).fetchall()
    return m.DriverViolations(
        licenceNumber=driver["licence_number"], pointsInCycle=driver["points_in_cycle"],
        cycleEndsOn=parse_day(driver["cycle_ends_on"]),
        violation=[_violation_message(env.db, row, driver["points_in_cycle"], env.today) for row in rows])


def accept_violation(env: CallEnv, req: Any) -> m.Decision:
    driver = find_driver(env, req.idNumber, req)
    row = env.db.execute("SELECT * FROM violations WHERE violation_number = ? AND licence_number = ?",
                         (req.violationNumber, req.idNumber)).fetchone()
    if row is None:
        raise NotFound("VIOLATION", "no such violation for this driver")
    if pending_appeal(env.db, req.violationNumber) is not None:
        raise NotEligible(UNDER_APPEAL, "this case is held until its appeal is decided")
    rules.check_acceptable(_facts(row), driver["points_in_cycle"])
    decision_number = env.new_reference("JD")
    fine = money(row["fine"])
    order_id = env.new_private_reference("FO") if fine > 0 else None
    points_after = driver["points_in_cycle"] + row["points"]
    env.db.execute("UPDATE drivers SET points_in_cycle = ? WHERE licence_number = ?", (points_after, req.idNumber))
    env.db.execute("UPDATE violations SET decision_number = ?, decided_at = ?, order_id = ?, paid_at = ? "
                   "WHERE violation_number = ?",
                   (decision_number, iso(env.now), order_id, None if order_id else iso(env.now),
                    req.violationNumber))
    if order_id:
        env.db.execute("INSERT INTO orders (order_id, kind, terminal_id, id_number, status, amount, created_at, "
                       "updated_at) VALUES (?, ?, ?, ?, 'AWAITING_PAYMENT', ?, ?, ?)",
                       (order_id, ORDER_KIND, req.terminalId, req.idNumber, str(fine), iso(env.now), iso(env.now)))
    return m.Decision(decisionNumber=decision_number, violationNumber=req.violationNumber, decidedAt=env.now,
                      points=row["points"], pointsInCycle=points_after, fine=fine, lateFee=money("0"),
                      amountDue=fine, orderId=order_id)


def amount_due_for_order(db: sqlite3.Connection, order: sqlite3.Row, today: dt.date) -> Decimal:
    """Fine plus the late fee as of today (it grows every day after the grace period)."""
    row = db.execute("SELECT fine, decided_at FROM violations WHERE order_id = ?", (order["order_id"],)).fetchone()
    return rules.amount_due(money(row["fine"]), _decided_on(row), today)


def pending_appeal(db: sqlite3.Connection, violation_number: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM violation_appeals WHERE violation_number = ? AND status = ?",
                      (violation_number, APPEAL_PENDING)).fetchone()


def refuse_if_held(db: sqlite3.Connection, order_id: str) -> None:
    """NotEligible(CASE_UNDER_APPEAL) when this fine order's case waits for its appeal's answer."""
    row = db.execute("SELECT violation_number FROM violations WHERE order_id = ?", (order_id,)).fetchone()
    if row is not None and pending_appeal(db, row["violation_number"]) is not None:
        raise NotEligible(UNDER_APPEAL, "this case is held until its appeal is decided")


def settle_fine_order(db: sqlite3.Connection, order_id: str, at: dt.datetime) -> None:
    db.execute("UPDATE violations SET paid_at = ? WHERE order_id = ?", (iso(at), order_id))


def find_driver(env: CallEnv, licence_number: str, req: Any) -> sqlite3.Row:
    """The driver, for a request proving the card read and face match (proofs.py); without the
    proof the answer is the one for a driver who does not exist."""
    require_valid_id_number(licence_number)
    driver = env.db.execute("SELECT * FROM drivers WHERE licence_number = ?", (licence_number,)).fetchone()
    if driver is None or not proofs.proven(env, req.terminalId, licence_number, req.matchToken):
        raise NotFound("DRIVER", "no driving licence for this ID number")
    return driver


def _decided_on(row: sqlite3.Row) -> dt.date | None:
    decided_at = parse(row["decided_at"])
    return hall_day(decided_at) if decided_at else None


def _facts(row: sqlite3.Row) -> rules.ViolationFacts:
    return rules.ViolationFacts(source=row["source"], fine=money(row["fine"]), points=row["points"],
                                decided_on=_decided_on(row), paid=row["paid_at"] is not None)


def _violation_message(db: sqlite3.Connection, row: sqlite3.Row, points_in_cycle: int,
                       today: dt.date) -> m.Violation:
    facts = _facts(row)
    handling = rules.handling(facts, points_in_cycle)
    appeal = pending_appeal(db, row["violation_number"])
    if appeal is not None:  # held until decided: nothing to accept or pay here
        handling = rules.Handling(rules.COUNTER_ONLY, UNDER_APPEAL)
    late_fee = rules.late_fee(facts.fine, facts.decided_on, today)
    return m.Violation(
        violationNumber=row["violation_number"], plateType=row["plate_type"], plateNumber=row["plate_number"],
        occurredAt=parse(row["occurred_at"]), place=row["place"], violationCode=row["violation_code"],
        description=row["description"], points=row["points"], fine=facts.fine, lateFee=late_fee,
        amountDue=(facts.fine + late_fee).quantize(Decimal("0.01")), source=row["source"],
        state=rules.DECIDED if facts.decided_on else rules.UNDECIDED, kioskHandling=handling.action,
        refusalReason=handling.refusal_reason, decisionNumber=row["decision_number"],
        decidedOn=facts.decided_on, orderId=row["order_id"],
        appealNumber=appeal["appeal_number"] if appeal is not None else None)
