"""Appointments booked at the kiosk (issue 20): the halls, their free times, book, cancel, move.

A hall takes bookings on working days (Monday to Friday; the reference back end knows no public
holidays) in half-hour slots, morning and afternoon, with a number of places per slot and
service (HALLS). Free places = places minus the bookings still BOOKED or CHECKED_IN in that slot.
Bookings open for the next BOOKING_WORKING_DAYS working days after today: today's visit is a
walk-in ticket (IssueQueueTicket).

One booking per person and service still to come: a second is refused (ALREADY_BOOKED) unless it
moves the first (replacesAppointmentCode: the old one cancelled in the same transaction). A
booking with a mobile number is subscribed to the appointment's text-message notice, whose text is
recorded at once (backend/handlers/notices.py; nothing is sent).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

from backend import messages as m
from backend.faults import InvalidInput, NotEligible, NotFound
from backend.handlers import notices
from backend.handlers.common import CallEnv, find_person, require_valid_id_number
from backend.timeutil import hall_day, hall_moment, iso, parse

BOOKING_WORKING_DAYS = 5
SLOT_MINUTES = 30
# Slot starts, hall time: 09:00-11:30 and 14:00-16:30 (the last slot ends at 17:00).
SLOT_STARTS = tuple(dt.time(h, mi) for h in (9, 10, 11, 14, 15, 16) for mi in (0, 30))
# Bookings that hold a place (a counter's booking made before the status column is NULL).
HOLDING = "(status IS NULL OR status IN ('BOOKED', 'CHECKED_IN'))"


@dataclass(frozen=True)
class Hall:
    code: str
    name: str
    name_en: str
    address: str
    places: dict[str, int]  # service -> places per slot (0: the hall does not book it)


# The demo city's halls. The district station books few places and no Taiwan permit: the
# "no free time" branch at the kiosk.
HALLS: tuple[Hall, ...] = (
    Hall("CS-MAIN", "长沙市出入境接待大厅", "Changsha Exit-Entry Service Hall", "长沙市芙蓉区五一大道100号",
         {"PASSPORT": 3, "HK_MACAU_PERMIT": 3, "TAIWAN_PERMIT": 2, "ENDORSEMENT": 2, "OTHER": 1}),
    Hall("CS-TX", "天心区出入境服务站", "Tianxin District Exit-Entry Station", "长沙市天心区书院路9号",
         {"PASSPORT": 1, "HK_MACAU_PERMIT": 1, "TAIWAN_PERMIT": 0, "ENDORSEMENT": 1, "OTHER": 0}),
)
_HALLS = {hall.code: hall for hall in HALLS}


def working_days_after(today: dt.date, count: int) -> list[dt.date]:
    days, day = [], today
    while len(days) < count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def slot_starts(today: dt.date) -> list[dt.datetime]:
    """Every slot start (UTC) open for booking on `today`, in order."""
    return [hall_moment(day, at) for day in working_days_after(today, BOOKING_WORKING_DAYS) for at in SLOT_STARTS]


def hall_of(code: str, field: str = "hallCode") -> Hall:
    hall = _HALLS.get(code)
    if hall is None:
        raise InvalidInput(field, "is not a hall taking bookings")
    return hall


def taken(db: sqlite3.Connection, hall_code: str, service: str, start: dt.datetime) -> int:
    return db.execute(f"SELECT COUNT(*) FROM appointments WHERE hall_code = ? AND service = ? AND starts_at = ? "
                      f"AND {HOLDING}", (hall_code, service, iso(start))).fetchone()[0]


def list_slots(env: CallEnv, req: Any) -> m.AppointmentSlots:
    require_valid_id_number(req.idNumber)
    halls = [m.AppointmentHall(hallCode=h.code, name=h.name, nameEn=h.name_en, address=h.address) for h in HALLS]
    slots = []
    if req.service and req.hallCode:
        hall = hall_of(req.hallCode)
        places = hall.places.get(req.service, 0)
        for start in slot_starts(env.today) if places else ():
            free = places - taken(env.db, hall.code, req.service, start)
            if free > 0:
                slots.append(m.AppointmentSlot(start=start, end=start + dt.timedelta(minutes=SLOT_MINUTES),
                                               freePlaces=free))
    return m.AppointmentSlots(hall=halls, slot=slots, booking=upcoming(env, req.idNumber))


def upcoming(env: CallEnv, id_number: str) -> list[m.AppointmentBooking]:
    """This person's bookings from today on that can still be changed (booked, not checked in)."""
    rows = env.db.execute(f"SELECT * FROM appointments WHERE id_number = ? AND starts_at >= ? AND {HOLDING} "
                          "AND checked_in_at IS NULL ORDER BY starts_at",
                          (id_number, iso(hall_moment(env.today, dt.time(0, 0))))).fetchall()
    return [booking_of(row) for row in rows]


def booking_of(row: sqlite3.Row, text_recorded: bool | None = None) -> m.AppointmentBooking:
    start = parse(row["starts_at"])
    assert start is not None
    end = parse(row["ends_at"]) or start + dt.timedelta(minutes=SLOT_MINUTES)
    status = row["status"] or ("CHECKED_IN" if row["checked_in_at"] else "BOOKED")
    return m.AppointmentBooking(appointmentCode=row["appointment_code"], service=row["service"],
                                hallCode=row["hall_code"] or HALLS[0].code, start=start, end=end, status=status,
                                textMessageRecorded=text_recorded)


def book(env: CallEnv, req: Any) -> m.AppointmentBooking:
    require_valid_id_number(req.idNumber)
    find_person(env.db, req.idNumber)
    hall = hall_of(req.hallCode)
    start = req.start.astimezone(dt.UTC)
    if start not in slot_starts(env.today):
        raise InvalidInput("start", "is not a bookable time (the next working days' slots)")
    replaced = None
    if req.replacesAppointmentCode:
        replaced = _own_changeable(env, req.idNumber, req.replacesAppointmentCode)
    others = [b for b in upcoming(env, req.idNumber) if b.service == req.service
              and (replaced is None or b.appointmentCode != replaced["appointment_code"])]
    if others:
        raise NotEligible("ALREADY_BOOKED", f"already booked for this service: {others[0].appointmentCode}")
    if replaced is not None:  # frees its place first: moving within the same slot stays possible
        env.db.execute("UPDATE appointments SET status = 'CANCELLED' WHERE appointment_code = ?",
                       (replaced["appointment_code"],))
    if hall.places.get(req.service, 0) - taken(env.db, hall.code, req.service, start) <= 0:
        raise NotEligible("SLOT_FULL", "no free place left at this time")  # the transaction rolls back
    code = env.new_reference("YY")
    end = start + dt.timedelta(minutes=SLOT_MINUTES)
    env.db.execute("INSERT INTO appointments (appointment_code, id_number, service, starts_at, hall_code, ends_at, "
                   "status, mobile, booked_at) VALUES (?, ?, ?, ?, ?, ?, 'BOOKED', ?, ?)",
                   (code, req.idNumber, req.service, iso(start), hall.code, iso(end), req.mobile, iso(env.now)))
    row = env.db.execute("SELECT * FROM appointments WHERE appointment_code = ?", (code,)).fetchone()
    return booking_of(row, text_recorded=_text_the_booking(env, req, row) if req.mobile else None)


def _text_the_booking(env: CallEnv, req: Any, row: sqlite3.Row) -> bool:
    """The booking texted through the notices (backend/handlers/notices.py): the mobile number typed
    at the booking is the citizen's consent, the subscription is the appointment's reminder, and its
    text is recorded at once (never sent) with the other would-be texts the hall dashboard lists."""
    number = env.new_reference("TZ")
    env.db.execute("INSERT INTO notice_subscriptions (subscription_number, terminal_id, id_number, mobile, "
                   "application_number, appointment_code, milestones, created_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)",
                   (number, req.terminalId, req.idNumber, req.mobile, row["appointment_code"],
                    ",".join(notices.APPOINTMENT_MILESTONES), iso(env.now)))
    return sum(notices.record_milestone(env, row, milestone, only=number)
               for milestone in notices.APPOINTMENT_MILESTONES) > 0


def cancel(env: CallEnv, req: Any) -> m.AppointmentBooking:
    require_valid_id_number(req.idNumber)
    row = _own_changeable(env, req.idNumber, req.appointmentCode)
    env.db.execute("UPDATE appointments SET status = 'CANCELLED' WHERE appointment_code = ?",
                   (row["appointment_code"],))
    row = env.db.execute("SELECT * FROM appointments WHERE appointment_code = ?", (row["appointment_code"],)).fetchone()
    return booking_of(row)


def _own_changeable(env: CallEnv, id_number: str, code: str) -> sqlite3.Row:
    """The person's own booking that may still be cancelled or moved."""
    row = env.db.execute("SELECT * FROM appointments WHERE appointment_code = ?", (code.upper(),)).fetchone()
    if row is None or row["status"] == "CANCELLED":
        raise NotFound("APPOINTMENT", "no booking with this code")
    if row["id_number"] != id_number:
        raise NotEligible("IDENTITY_MISMATCH", "this booking is another person's")
    if row["checked_in_at"] is not None or row["status"] == "CHECKED_IN":
        raise NotEligible("ALREADY_CHECKED_IN", "checked in already: see the counter")
    starts = parse(row["starts_at"])
    assert starts is not None
    if hall_day(starts) < env.today:
        raise NotEligible("APPOINTMENT_NOT_TODAY", "the booking's day has passed")
    return row
