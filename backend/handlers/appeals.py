"""Fine appeals (issue 20): "this is not my car / not me" against a wrongly entered or cloned-plate case.

An appeal is this driver's, on one of their cases not paid yet; it is answered within one working
day (the seed's promise) and, until decided, the case is held: not offered for acceptance or
payment (ListViolations says COUNTER_ONLY with CASE_UNDER_APPEAL), AcceptViolation, CreatePayment
and RecordCardPayment refuse it, and a QR payment already shown for it is declined. A paid case
cannot be appealed here (ALREADY_PAID: a refund is a counter's decision); a case appealed once
waits for that answer (ALREADY_APPEALED).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from backend import messages as m
from backend.faults import NotEligible, NotFound
from backend.handlers import fines, payments
from backend.handlers.common import CallEnv
from backend.timeutil import iso, parse, parse_day

# The seed's promise: an answer within one working day (Monday to Friday).
ANSWER_WORKING_DAYS = 1


def submit_violation_appeal(env: CallEnv, req: Any) -> m.ViolationAppeal:
    fines.find_driver(env, req.idNumber, req)
    row = env.db.execute("SELECT * FROM violations WHERE violation_number = ? AND licence_number = ?",
                         (req.violationNumber, req.idNumber)).fetchone()
    if row is None:
        raise NotFound("VIOLATION", "no such violation for this driver")
    if row["paid_at"] is not None:
        raise NotEligible("ALREADY_PAID", "this violation is settled; a paid case is appealed at a counter")
    if fines.pending_appeal(env.db, req.violationNumber) is not None:
        raise NotEligible("ALREADY_APPEALED", "this case is already appealed and waits for its answer")
    number = env.new_reference("SS")
    answer_by = working_days_after(env.today, ANSWER_WORKING_DAYS)
    env.db.execute("INSERT INTO violation_appeals (appeal_number, violation_number, licence_number, terminal_id, "
                   "reason, status, submitted_at, answer_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (number, req.violationNumber, req.idNumber, req.terminalId, req.reason, fines.APPEAL_PENDING, iso(env.now),
                    answer_by.isoformat()))
    if row["order_id"]:
        for payment in env.db.execute("SELECT payment_id FROM payments WHERE order_id = ? AND status = ?",
                                      (row["order_id"], payments.PENDING)).fetchall():
            payments.mark_declined(env.db, payment["payment_id"])  # a code already shown can no longer pay
    return _message(env.db.execute("SELECT * FROM violation_appeals WHERE appeal_number = ?", (number,)).fetchone())


def working_days_after(day: dt.date, count: int) -> dt.date:
    while count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _message(row: sqlite3.Row) -> m.ViolationAppeal:
    return m.ViolationAppeal(appealNumber=row["appeal_number"], violationNumber=row["violation_number"],
                             reason=row["reason"], status=row["status"], submittedAt=parse(row["submitted_at"]),
                             answerBy=parse_day(row["answer_by"]), heldFromPayment=row["status"] == fines.APPEAL_PENDING)
