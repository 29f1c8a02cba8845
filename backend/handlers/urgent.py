"""Urgent handling, the green channel (issue 20): a funeral, a relative seriously ill, an
emergency abroad or urgent business, declared at the kiosk with the proof brought to the counter.

The request is put on file as an urgent case (JJ-...); every application of the person still in
progress is marked with it (urgent_applications: staff take it first), and the person's
queue ticket of today for the service becomes URGENT (a new URGENT ticket when there is none).
Staff check the proof at the counter: the case is a request, not a decision.
"""

from __future__ import annotations

from typing import Any

from backend import messages as m
from backend.handlers import queue
from backend.handlers.common import CallEnv, find_person, require_valid_id_number
from backend.timeutil import iso

IN_PROGRESS = ("ACCEPTED", "UNDER_REVIEW", "APPROVED", "IN_PRODUCTION")


def request_urgent(env: CallEnv, req: Any) -> m.UrgentCase:
    require_valid_id_number(req.idNumber)
    find_person(env.db, req.idNumber)
    case_number = env.new_reference("JJ")
    placeholders = ", ".join("?" for _ in IN_PROGRESS)
    applications = [row["application_number"] for row in env.db.execute(
        f"SELECT application_number FROM applications WHERE id_number = ? AND status IN ({placeholders}) "
        "ORDER BY submitted_at", (req.idNumber, *IN_PROGRESS))]
    ticket = queue.todays_ticket(env, req.idNumber, req.service)
    if ticket is None:
        ticket = queue.new_ticket(env, req.service, "URGENT", req.idNumber, req.terminalId, case_number)
    elif ticket["priority"] != "URGENT":
        ahead = queue.waiting_ahead(env, req.service, "URGENT")
        env.db.execute("UPDATE queue_tickets SET priority = 'URGENT', urgent_case = ?, waiting_ahead = ?, "
                       "estimated_minutes = ? WHERE hall_day = ? AND ticket_number = ?",
                       (case_number, min(ahead, ticket["waiting_ahead"]),
                        queue.estimate_minutes(req.service, min(ahead, ticket["waiting_ahead"])),
                        ticket["hall_day"], ticket["ticket_number"]))
        ticket = queue.todays_ticket(env, req.idNumber, req.service)
    env.db.execute("INSERT INTO urgent_cases VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (case_number, req.idNumber, req.terminalId, req.reason, req.service,
                    req.travelDate.isoformat() if req.travelDate else None, iso(env.now), ticket["ticket_number"]))
    for number in applications:
        env.db.execute("INSERT INTO urgent_applications VALUES (?, ?)", (case_number, number))
    return m.UrgentCase(caseNumber=case_number, reason=req.reason, receivedAt=env.now,
                        applicationNumber=applications, ticket=queue.ticket_of(ticket))
