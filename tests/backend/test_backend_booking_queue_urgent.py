"""Booking, walk-in tickets and urgent handling on the reference back end (issue 20), over real
HTTP with every request and answer checked against the shipped XSD: free times over the next
working days, a full slot, a double booking, move and cancel, the booking's text message
recorded, tickets numbered in the check-in's series with people ahead, the elderly queue
checked, urgent handling marking applications and raising the ticket."""

from __future__ import annotations

import datetime as dt

import pytest

from backend import seed
from backend.handlers import booking
from backend.timeutil import HALL_TIMEZONE, hall_day
from backend_client import errors as e
from backend_client import models as mo
from backend_client import new_request_id

local = seed.person("local_adult")
minority = seed.person("minority_name")
elderly = seed.person("long_term_id")
young = seed.person("non_local_hukou")
driver = seed.person("points_near_limit")
PASSPORT, HK_MACAU = mo.AppointmentService.PASSPORT, mo.AppointmentService.HK_MACAU_PERMIT


def refusal(call) -> mo.NotEligibleReason:
    with pytest.raises(e.NotEligibleError) as caught:
        call()
    return caught.value.reason


def today() -> dt.date:
    return hall_day(dt.datetime.now(dt.UTC))


def test_working_days_skip_weekends():
    friday = dt.date(2026, 12, 4)
    assert booking.working_days_after(friday, 3) == [dt.date(2026, 12, 7), dt.date(2026, 12, 8), dt.date(2026, 12, 9)]


def test_halls_and_free_times_of_the_next_working_days(client):
    answer = client.list_appointment_slots(minority.id_number, PASSPORT, "CS-MAIN")
    assert [h.hall_code for h in answer.halls] == ["CS-MAIN", "CS-TX"]
    days = {slot.start.astimezone(HALL_TIMEZONE).date() for slot in answer.slots}
    assert days == set(booking.working_days_after(today(), booking.BOOKING_WORKING_DAYS))
    assert all(d.weekday() < 5 and d > today() for d in days)
    first = answer.slots[0]
    assert first.start.astimezone(HALL_TIMEZONE).time() == dt.time(9, 0) and first.free_places == 3
    assert first.end - first.start == dt.timedelta(minutes=30)
    # Without a service and a hall: the halls and the bookings only.
    assert client.list_appointment_slots(minority.id_number).slots == ()


def test_a_hall_not_booking_a_service_has_no_free_time(client):
    assert client.list_appointment_slots(local.id_number, mo.AppointmentService.TAIWAN_PERMIT, "CS-TX").slots == ()


def test_book_records_the_text_message_and_lists_the_booking(client, server):
    start = client.list_appointment_slots(young.id_number, HK_MACAU, "CS-MAIN").slots[2].start
    made = client.book_appointment(young.id_number, HK_MACAU, "CS-MAIN", start, new_request_id(), mobile="13812345678")
    assert made.status is mo.BookingStatus.BOOKED and made.start == start and made.text_message_recorded is True
    assert made.appointment_code.startswith("YY-")
    listed = client.list_appointment_slots(young.id_number)
    assert [b.appointment_code for b in listed.bookings] == [made.appointment_code]
    db = server.backend.store.connection()
    [text] = db.execute("SELECT m.mobile, m.milestone, m.text FROM notice_messages m JOIN notice_subscriptions s "
                        "USING (subscription_number) WHERE s.appointment_code = ?", (made.appointment_code,)).fetchall()
    assert (text["mobile"], text["milestone"]) == ("13812345678", "APPOINTMENT_REMINDER")
    assert made.appointment_code in text["text"]
    # A second booking of the same service is refused while the first is to come.
    other = client.list_appointment_slots(young.id_number, HK_MACAU, "CS-MAIN").slots[5].start
    assert refusal(lambda: client.book_appointment(young.id_number, HK_MACAU, "CS-MAIN", other,
                                                   new_request_id())) is mo.NotEligibleReason.ALREADY_BOOKED
    # Moving it: the old one cancelled, the new one booked, one booking still.
    moved = client.book_appointment(young.id_number, HK_MACAU, "CS-MAIN", other, new_request_id(),
                                    replaces_code=made.appointment_code)
    assert moved.start == other and moved.appointment_code != made.appointment_code
    assert [b.appointment_code for b in client.list_appointment_slots(young.id_number).bookings] == \
        [moved.appointment_code]
    cancelled = client.cancel_appointment(young.id_number, moved.appointment_code, new_request_id())
    assert cancelled.status is mo.BookingStatus.CANCELLED
    assert client.list_appointment_slots(young.id_number).bookings == ()
    with pytest.raises(e.NotFoundError):  # a cancelled booking cannot be checked in nor cancelled again
        client.check_in_appointment(moved.appointment_code, new_request_id())


def test_a_full_slot_is_refused_and_not_listed(client):
    slots = client.list_appointment_slots(local.id_number, PASSPORT, "CS-TX").slots
    start = slots[0].start
    assert slots[0].free_places == 1
    client.book_appointment(minority.id_number, PASSPORT, "CS-TX", start, new_request_id())
    assert refusal(lambda: client.book_appointment(driver.id_number, PASSPORT, "CS-TX", start,
                                                   new_request_id())) is mo.NotEligibleReason.SLOT_FULL
    assert start not in {s.start for s in client.list_appointment_slots(driver.id_number, PASSPORT, "CS-TX").slots}


def test_someone_elses_booking_cannot_be_cancelled(client):
    assert refusal(lambda: client.cancel_appointment(driver.id_number, "YY-DEMO-01", new_request_id())) \
        is mo.NotEligibleReason.IDENTITY_MISMATCH


def test_a_time_outside_the_booking_window_is_invalid(client):
    tomorrow_night = dt.datetime.combine(today() + dt.timedelta(days=1), dt.time(22, 0), HALL_TIMEZONE)
    with pytest.raises(e.InvalidInputError) as caught:
        client.book_appointment(driver.id_number, PASSPORT, "CS-MAIN", tomorrow_night, new_request_id())
    assert caught.value.field == "start"


def test_walk_in_tickets_count_the_people_ahead_and_share_the_check_in_series(client):
    first = client.issue_queue_ticket(mo.AppointmentService.OTHER, mo.QueuePriority.NONE, new_request_id())
    second = client.issue_queue_ticket(mo.AppointmentService.OTHER, mo.QueuePriority.NONE, new_request_id())
    assert (first.ticket_number, second.ticket_number) == ("E001", "E002")
    assert (first.waiting_ahead, second.waiting_ahead) == (0, 1)
    assert second.estimated_wait_minutes == 10  # one citizen ahead, 10 minutes, one counter
    # The seeded passport queue: four tickets already (one elderly, one urgent).
    passport = client.issue_queue_ticket(PASSPORT, mo.QueuePriority.NONE, new_request_id(), driver.id_number)
    assert passport.ticket_number.startswith("A") and passport.waiting_ahead >= 4
    assert client.issue_queue_ticket(PASSPORT, mo.QueuePriority.NONE, new_request_id(),
                                     driver.id_number) == passport  # same person, same day: same ticket


def test_the_elderly_queue_is_checked_on_the_id_number(client):
    ticket = client.issue_queue_ticket(mo.AppointmentService.ENDORSEMENT, mo.QueuePriority.ELDERLY,
                                       new_request_id(), elderly.id_number)
    assert ticket.priority is mo.QueuePriority.ELDERLY and ticket.waiting_ahead == 0  # no other priority ticket
    assert refusal(lambda: client.issue_queue_ticket(mo.AppointmentService.ENDORSEMENT, mo.QueuePriority.ELDERLY,
                                                     new_request_id(), young.id_number)) \
        is mo.NotEligibleReason.NOT_ELDERLY
    with pytest.raises(e.InvalidInputError):  # a priority needs the ID card
        client.issue_queue_ticket(PASSPORT, mo.QueuePriority.PREGNANT, new_request_id())


def test_urgent_handling_marks_applications_and_raises_the_ticket(client, server):
    normal = client.issue_queue_ticket(HK_MACAU, mo.QueuePriority.NONE, new_request_id(), local.id_number)
    case = client.request_urgent_handling(local.id_number, mo.UrgentReason.RELATIVE_SERIOUSLY_ILL, HK_MACAU,
                                          new_request_id(), travel_date=today() + dt.timedelta(days=2))
    assert case.case_number.startswith("JJ-") and case.application_numbers == ("AP-DEMO-0001",)
    assert case.ticket is not None and case.ticket.ticket_number == normal.ticket_number
    assert case.ticket.priority is mo.QueuePriority.URGENT and case.ticket.waiting_ahead <= normal.waiting_ahead
    db = server.backend.store.connection()
    marked = [r["case_number"] for r in db.execute(
        "SELECT case_number FROM urgent_applications WHERE application_number = 'AP-DEMO-0001'")]
    seeded = db.execute("SELECT * FROM urgent_cases WHERE case_number = 'JJ-DEMO-0001'").fetchone()
    assert marked == ["JJ-DEMO-0001", case.case_number]  # the demo case, then this one
    assert seeded["reason"] == "FUNERAL"  # the demo urgent case


def test_urgent_handling_without_a_ticket_issues_an_urgent_one(client):
    case = client.request_urgent_handling(driver.id_number, mo.UrgentReason.URGENT_BUSINESS,
                                          mo.AppointmentService.TAIWAN_PERMIT, new_request_id())
    assert case.application_numbers == () and case.ticket.priority is mo.QueuePriority.URGENT
    assert case.ticket.ticket_number.startswith("C")
