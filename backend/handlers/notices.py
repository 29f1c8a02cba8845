"""Text-message notices (issue 20): with the citizen's consent, the mobile number is texted at an
application's or appointment's milestones.

The reference back end never sends a text: it records each message it would send (table
notice_messages; the hall dashboard lists them with the number masked). A subscription names
one application or one appointment of the person; the milestones asked (none: every one that
applies) are kept with it, and the texts of milestones already reached are recorded at once.
`record_milestone` is the one place a status change records its text for every subscriber: the
reference back end has no back office moving statuses, so only the subscription calls it today.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from backend import messages as m
from backend.faults import InvalidInput, NotFound
from backend.handlers.common import CallEnv, require_valid_id_number
from backend.timeutil import HALL_TIMEZONE, hall_day, iso, parse

APPLICATION_MILESTONES = ("ACCEPTED", "READY_FOR_COLLECTION", "POSTED")
APPOINTMENT_MILESTONES = ("APPOINTMENT_REMINDER",)
# The application status that reaches each milestone.
STATUS_OF_MILESTONE = {"ACCEPTED": "ACCEPTED", "READY_FOR_COLLECTION": "READY_FOR_COLLECTION", "POSTED": "POSTED"}
# What would be sent, in the bureau's words ({number}, {day}, {place}, {tracking}, {time}).
TEXTS = {
    "ACCEPTED": "【出入境】您的申请{number}已受理，预计{day}办结。",
    "READY_FOR_COLLECTION": "【出入境】您的申请{number}的证件已制作完成，请到{place}领取。",
    "POSTED": "【出入境】您的申请{number}的证件已寄出，快递单号{tracking}。",
    "APPOINTMENT_REMINDER": "【出入境】提醒：您预约的业务时间为{time}，预约号{number}，请携带身份证按时到达。",
}
TIME_FORMAT = "%Y-%m-%d %H:%M"


def mask_mobile(mobile: str) -> str:
    """The first 3 and last 4 digits, as text-message receipts show them: 138****8000."""
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 7 else "*" * len(mobile)


def subscribe_notices(env: CallEnv, req: Any) -> m.NoticeSubscription:
    require_valid_id_number(req.idNumber)
    if not req.consent:
        raise InvalidInput("consent", "must be given by the citizen")
    if bool(req.applicationNumber) == bool(req.appointmentCode):
        raise InvalidInput("applicationNumber", "give an application number or an appointment code, not both")
    applies = APPLICATION_MILESTONES if req.applicationNumber else APPOINTMENT_MILESTONES
    asked = list(dict.fromkeys(req.milestone or ())) or list(applies)
    if any(milestone not in applies for milestone in asked):
        raise InvalidInput("milestone", "does not apply to this kind of subscription")
    subject = _subject(env.db, req)
    number = env.new_reference("TZ")
    env.db.execute("INSERT INTO notice_subscriptions (subscription_number, terminal_id, id_number, mobile, "
                   "application_number, appointment_code, milestones, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (number, req.terminalId, req.idNumber, req.mobile, req.applicationNumber, req.appointmentCode,
                    ",".join(asked), iso(env.now)))
    reached = _reached(env.db, subject, req.applicationNumber is not None)
    recorded = sum(record_milestone(env, subject, milestone, only=number) for milestone in asked if milestone in reached)
    return m.NoticeSubscription(subscriptionNumber=number, maskedMobile=mask_mobile(req.mobile), milestone=asked,
                                messagesNow=recorded)


def record_milestone(env: CallEnv, subject: sqlite3.Row, milestone: str, only: str | None = None) -> int:
    """Record the text of `milestone` for every subscriber of `subject` (an applications or an
    appointments row) who asked for it, or only for subscription `only`; the count recorded."""
    return record_milestone_at(env.db, env.now, subject, milestone, only)


def record_milestone_at(db: sqlite3.Connection, now: dt.datetime, subject: sqlite3.Row, milestone: str,
                        only: str | None = None) -> int:
    """record_milestone outside a SOAP call (backend/application_status.py: staff move a status)."""
    columns = subject.keys()  # a Row's `in` looks at its values
    if "application_number" in columns:
        column, reference = "application_number", subject["application_number"]
        values = {"number": reference, "day": subject["expected_ready_on"] or "",
                  "place": subject["collection_place"] or "", "tracking": subject["tracking_number"] or ""}
    else:
        column, reference = "appointment_code", subject["appointment_code"]
        starts = parse(subject["starts_at"])
        values = {"number": reference, "time": _hall_time(starts) if starts else ""}
    text = TEXTS[milestone].format(**values)
    subscribers = db.execute(f"SELECT subscription_number, mobile, milestones FROM notice_subscriptions "
                             f"WHERE {column} = ?", (reference,)).fetchall()
    count = 0
    for row in subscribers:
        if (only is None or row["subscription_number"] == only) and milestone in row["milestones"].split(","):
            db.execute("INSERT INTO notice_messages (subscription_number, milestone, mobile, text, created_at, "
                       "hall_day) VALUES (?, ?, ?, ?, ?, ?)",
                       (row["subscription_number"], milestone, row["mobile"], text, iso(now),
                        hall_day(now).isoformat()))
            count += 1
    return count


def recent_messages(db: sqlite3.Connection, limit: int) -> list[dict[str, Any]]:
    """The newest would-be texts, mobile numbers masked: for the hall dashboard."""
    rows = db.execute("SELECT m.created_at, m.milestone, m.mobile, m.text, s.terminal_id FROM notice_messages m "
                      "JOIN notice_subscriptions s USING (subscription_number) ORDER BY m.id DESC LIMIT ?",
                      (limit,)).fetchall()
    return [{"at": row["created_at"], "milestone": row["milestone"], "mobile": mask_mobile(row["mobile"]),
             "text": row["text"], "terminal": row["terminal_id"]} for row in rows]


def _subject(db: sqlite3.Connection, req: Any) -> sqlite3.Row:
    """The person's application or appointment; another person's is not found (never told apart)."""
    if req.applicationNumber:
        row = db.execute("SELECT * FROM applications WHERE application_number = ? AND id_number = ?",
                         (req.applicationNumber, req.idNumber)).fetchone()
        if row is None:
            raise NotFound("APPLICATION", "no application with this number for this person")
        return row
    row = db.execute("SELECT * FROM appointments WHERE appointment_code = ? AND id_number = ?",
                     (req.appointmentCode, req.idNumber)).fetchone()
    if row is None:
        raise NotFound("APPOINTMENT", "no appointment with this code for this person")
    return row


def _reached(db: sqlite3.Connection, subject: sqlite3.Row, is_application: bool) -> set[str]:
    """The milestones already reached: an application's steps so far; an appointment's reminder is
    due as soon as someone asks for it (it is before the appointment)."""
    if not is_application:
        return set(APPOINTMENT_MILESTONES)
    statuses = {row["status"] for row in db.execute(
        "SELECT status FROM application_steps WHERE application_number = ?", (subject["application_number"],))}
    statuses.add(subject["status"])
    return {milestone for milestone, status in STATUS_OF_MILESTONE.items() if status in statuses}


def _hall_time(moment: Any) -> str:
    return moment.astimezone(HALL_TIMEZONE).strftime(TIME_FORMAT)
