"""Appointment check-in: an appointment code in, a queue ticket out (one ticket per appointment)."""

from __future__ import annotations

from typing import Any

from backend import messages as m
from backend.faults import NotEligible, NotFound
from backend.handlers.common import CallEnv
from backend.rules.queue import TICKET_PREFIX  # the calling display's letter per queue
from backend.timeutil import hall_day, iso, parse


def check_in(env: CallEnv, req: Any) -> m.QueueTicket:
    row = env.db.execute("SELECT * FROM appointments WHERE appointment_code = ?", (req.appointmentCode,)).fetchone()
    if row is None or row["status"] == "CANCELLED":  # a booking cancelled at the kiosk (issue 20)
        raise NotFound("APPOINTMENT", "no appointment with this code")
    if req.idNumber and req.idNumber != row["id_number"]:
        raise NotEligible("IDENTITY_MISMATCH", "this appointment is for another person")
    if hall_day(parse(row["starts_at"])) != env.today:
        raise NotEligible("APPOINTMENT_NOT_TODAY", "the appointment is for another day")
    if row["ticket_number"] is None:
        prefix = TICKET_PREFIX[row["service"]]
        number = env.store.next_number(env.db, f"ticket-{prefix}-{env.today.isoformat()}")
        env.db.execute("UPDATE appointments SET ticket_number = ?, checked_in_at = ?, waiting_ahead = ? "
                       "WHERE appointment_code = ?",
                       (f"{prefix}{number:03d}", iso(env.now), number - 1, req.appointmentCode))
        row = env.db.execute("SELECT * FROM appointments WHERE appointment_code = ?",
                             (req.appointmentCode,)).fetchone()
    return m.QueueTicket(ticketNumber=row["ticket_number"], appointmentCode=row["appointment_code"],
                         service=row["service"], appointmentStart=parse(row["starts_at"]),
                         issuedAt=parse(row["checked_in_at"]), waitingAhead=row["waiting_ahead"])
