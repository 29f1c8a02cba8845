"""Walk-in queue tickets (issue 20): a numbered ticket for a service, with a priority group.

Tickets share each service's letter and daily counter with appointment check-ins
(backend/rules/queue.py TICKET_PREFIX), so the hall's display calls one series per
counter queue. The reference back end has no calling display (out of scope): every ticket of the
day counts as waiting. A ticket with a priority waits only behind the day's other priority
tickets of its queue; the estimate is the people ahead times the queue's minutes per citizen,
shared by its open counters (QUEUE_PACE).

One ticket per person, service and day: asking again (a printer out of paper, a second visit to
the kiosk) gives the same ticket back. ELDERLY is checked here (60 or older on the ID number's
birth date); DISABLED and PREGNANT are declared at the kiosk and seen by staff at the counter.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from typing import Any

from backend import messages as m
from backend.faults import InvalidInput, NotEligible
from backend.handlers.common import CallEnv, require_valid_id_number
from backend.rules.queue import TICKET_PREFIX
from backend.timeutil import hall_day_bounds, iso, parse

ELDERLY_AGE = 60
# service -> (minutes per citizen at the counter, counters open for the queue)
QUEUE_PACE = {"PASSPORT": (8, 2), "HK_MACAU_PERMIT": (6, 2), "TAIWAN_PERMIT": (6, 1), "ENDORSEMENT": (4, 1),
              "OTHER": (10, 1)}


def issue_ticket(env: CallEnv, req: Any) -> m.WalkInTicket:
    if req.priority != "NONE" and not req.idNumber:
        raise InvalidInput("idNumber", "is required for a priority ticket")
    if req.idNumber:
        require_valid_id_number(req.idNumber)
    if req.priority == "ELDERLY" and age_from_id_number(req.idNumber, env.today) < ELDERLY_AGE:
        raise NotEligible("NOT_ELDERLY", f"the elderly queue is from {ELDERLY_AGE} years of age")
    existing = todays_ticket(env, req.idNumber, req.service) if req.idNumber else None
    if existing is not None:
        return ticket_of(existing)
    return ticket_of(new_ticket(env, req.service, req.priority, req.idNumber, req.terminalId))


def age_from_id_number(id_number: str, today: dt.date) -> int:
    """Whole years on `today` from the birth date in digits 7-14 of an 18-character ID number."""
    birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def todays_ticket(env: CallEnv, id_number: str, service: str) -> sqlite3.Row | None:
    return env.db.execute("SELECT * FROM queue_tickets WHERE hall_day = ? AND id_number = ? AND service = ?",
                          (env.today.isoformat(), id_number, service)).fetchone()


def new_ticket(env: CallEnv, service: str, priority: str, id_number: str | None, terminal_id: str,
               urgent_case: str | None = None) -> sqlite3.Row:
    prefix = TICKET_PREFIX[service]
    number = env.store.next_number(env.db, f"ticket-{prefix}-{env.today.isoformat()}")
    ticket_number = f"{prefix}{number:03d}"
    ahead = waiting_ahead(env, service, priority)
    env.db.execute("INSERT INTO queue_tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (ticket_number, env.today.isoformat(), service, priority, id_number, terminal_id, iso(env.now),
                    ahead, estimate_minutes(service, ahead), urgent_case))
    return env.db.execute("SELECT * FROM queue_tickets WHERE hall_day = ? AND ticket_number = ?",
                          (env.today.isoformat(), ticket_number)).fetchone()


def waiting_ahead(env: CallEnv, service: str, priority: str) -> int:
    """People of the queue ahead of a new ticket of `priority` today."""
    if priority != "NONE":
        return env.db.execute("SELECT COUNT(*) FROM queue_tickets WHERE hall_day = ? AND service = ? "
                              "AND priority != 'NONE'", (env.today.isoformat(), service)).fetchone()[0]
    tickets = env.db.execute("SELECT COUNT(*) FROM queue_tickets WHERE hall_day = ? AND service = ?",
                             (env.today.isoformat(), service)).fetchone()[0]
    start, end = hall_day_bounds(env.today)
    checked_in = env.db.execute("SELECT COUNT(*) FROM appointments WHERE service = ? AND checked_in_at >= ? "
                                "AND checked_in_at < ?", (service, start, end)).fetchone()[0]
    return tickets + checked_in


def estimate_minutes(service: str, ahead: int) -> int:
    minutes, counters = QUEUE_PACE[service]
    return math.ceil(ahead * minutes / counters)


def ticket_of(row: sqlite3.Row) -> m.WalkInTicket:
    return m.WalkInTicket(ticketNumber=row["ticket_number"], service=row["service"], priority=row["priority"],
                          issuedAt=parse(row["issued_at"]), waitingAhead=row["waiting_ahead"],
                          estimatedWaitMinutes=row["estimated_minutes"])
