"""Booking an appointment at the kiosk (issue 20), every branch, on the simulators and the
reference back end over real HTTP: book with the slip's QR code and the text message recorded,
the booking then checked in by the check-in service, move and cancel (asked once more), no free
time at a hall, the time taken meanwhile, a second booking for a booked service, a bad mobile
number, the printer out of paper (the code on screen), leaving half-way.

Halls (backend/handlers/booking.py HALLS): CS-MAIN takes every service; the district station
CS-TX books one place per slot and no Taiwan permit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from backend_client import models as mo
from backend_client import new_request_id
from devices.printer.status import PaperLevel
from flows.appointment import AppointmentFlow
from flows.appointment_booking import AppointmentBookingFlow, BookingState
from flows.engine import check_transition_table
from flows.journal import Phase, TxnStatus
from terminal.scenarios import identify


@pytest.fixture()
def no_paper(runtime) -> Iterator[None]:
    printer = runtime.simulators["printer"]
    printer.set_paper(PaperLevel.OUT)
    yield
    printer.set_paper(PaperLevel.PRESENT)


def start(pump, person: str, first_state: str = "service"):
    pump.start(AppointmentBookingFlow)
    return identify(pump, person, first_state)


def choose_until_review(pump, service: str = "PASSPORT", hall: str = "CS-MAIN", mobile: str | None = None):
    if pump.view.state == "service":
        pump.touch("service", service)
    view = pump.touch("hall", hall)
    assert view.state == "day", view
    day = view.data["days"][0]
    assert day["free_times"] > 0 and day["weekday_key"].startswith("booking.weekday.")
    view = pump.touch("day", day["value"])
    first = view.data["times"][0]
    view = pump.touch("time", first["value"])
    assert view.state == "mobile" and "skip" in view.actions
    view = pump.touch("mobile", mobile) if mobile else pump.touch("skip")
    assert view.state == "review"
    return view, first


def test_every_state_has_a_view_and_valid_targets():
    assert check_transition_table(AppointmentBookingFlow, BookingState) == []


def test_book_prints_the_code_as_qr_and_the_check_in_accepts_it(pump, runtime, next_receipt):
    view = start(pump, "non_local_hukou")
    assert next(s["value"] for s in view.data["services"]) == "PASSPORT"
    view, first = choose_until_review(pump, "HK_MACAU_PERMIT", mobile="138 1234 5678")
    assert view.data["mobile"] == "*******5678" and view.data["when"]["time"] == first["time"]
    receipt = next_receipt
    done = pump.touch("confirm")

    assert done.state == "booked" and done.finished and done.data["text_message"] is True
    code = done.data["booking"]["code"]
    slip = receipt()
    assert code in slip and "5678" in slip and "13812345678" not in slip
    assert done.data["booking"]["time"] == first["time"]
    txn = runtime.journal.get(pump.flow.done_txn_id)
    assert txn.status is TxnStatus.COMPLETED
    assert [(s.step, s.phase) for s in txn.steps] == [("book", Phase.BEFORE), ("book", Phase.AFTER),
                                                      ("print", Phase.BEFORE), ("print", Phase.AFTER)]
    # The booking is for a later day: the check-in knows the code and says it is not today.
    runtime.session.wipe("next citizen")
    pump.start(AppointmentFlow)
    assert pump.touch("code", code).error_key == "appointment.error.not_today"


def test_a_second_booking_for_the_same_service_is_refused_then_moved(pump, runtime):
    start(pump, "residence_permit_holder")
    choose_until_review(pump, "ENDORSEMENT")
    first = pump.touch("confirm").data["booking"]
    runtime.session.wipe("comes back")

    view = start(pump, "residence_permit_holder", "bookings")
    assert [b["code"] for b in view.data["bookings"]] == [first["code"]]
    pump.touch("new_booking")
    choose_until_review(pump, "ENDORSEMENT")
    refused = pump.touch("confirm")
    assert refused.state == "bookings" and refused.error_key == "booking.error.already_booked"

    view = pump.touch("move_booking", first["code"])
    assert view.state == "hall" and view.data["moving"]["code"] == first["code"]
    view = pump.touch("hall", "CS-TX")
    last_day = view.data["days"][-1]["value"]
    view = pump.touch("day", last_day)
    pump.touch("time", view.data["times"][-1]["value"])
    review = pump.touch("skip")
    assert review.data["moving"]["code"] == first["code"]
    moved = pump.touch("confirm")
    assert moved.state == "booked" and moved.data["booking"]["day"] == last_day
    assert moved.data["booking"]["hall"]["code"] == "CS-TX"
    person = pump.flow.id_number
    bookings = runtime.backend.list_appointment_slots(person).bookings
    assert [b.appointment_code for b in bookings] == [moved.data["booking"]["code"]]


def test_cancel_asks_once_more_then_cancels(pump, runtime):
    person = "taiwan_resident"
    start(pump, person)
    choose_until_review(pump, "TAIWAN_PERMIT")
    code = pump.touch("confirm").data["booking"]["code"]
    runtime.session.wipe("comes back")

    start(pump, person, "bookings")
    ask = pump.touch("cancel_booking", code)
    assert ask.state == "confirm_cancel" and ask.data["booking"]["code"] == code
    assert pump.touch("back").state == "bookings"  # changed her mind: nothing cancelled
    pump.touch("cancel_booking", code)
    done = pump.touch("confirm")
    assert done.state == "booking_cancelled" and done.finished and done.data["booking"]["code"] == code
    assert runtime.backend.list_appointment_slots(pump.flow.id_number).bookings == ()


def test_no_free_time_at_a_hall_offers_another_hall(pump):
    start(pump, "minor")
    pump.touch("service", "TAIWAN_PERMIT")
    none = pump.touch("hall", "CS-TX")
    assert none.state == "no_free_time" and none.actions == ("cancel", "back") and "counter_hint" in none.data
    back = pump.touch("back")
    assert back.state == "hall"
    assert pump.touch("hall", "CS-MAIN").state == "day"


def test_a_time_taken_meanwhile_shows_the_days_again(pump, runtime):
    start(pump, "expired_permit")
    pump.touch("service", "PASSPORT")
    view = pump.touch("hall", "CS-TX")
    day = view.data["days"][0]["value"]
    view = pump.touch("day", day)
    slot = view.data["times"][0]
    pump.touch("time", slot["value"])
    pump.touch("skip")
    # Someone else books the last place of that time at another kiosk.
    runtime.backend.book_appointment(_person_id("points_near_limit"), mo.AppointmentService.PASSPORT, "CS-TX",
                                     dt.datetime.fromisoformat(slot["value"]), new_request_id())
    refused = pump.touch("confirm")
    assert refused.state == "day" and refused.error_key == "booking.error.slot_taken"
    times = pump.touch("day", day).data["times"]
    assert slot["value"] not in {t["value"] for t in times}


def _person_id(key: str) -> str:
    from backend import seed
    return seed.person(key).id_number


def test_a_bad_mobile_number_is_said_and_can_be_skipped(pump):
    start(pump, "hk_resident")
    pump.touch("service", "OTHER")
    view = pump.touch("hall", "CS-MAIN")
    view = pump.touch("day", view.data["days"][0]["value"])
    pump.touch("time", view.data["times"][0]["value"])
    bad = pump.touch("mobile", "12345")
    assert bad.state == "mobile" and bad.error_key == "booking.error.bad_mobile"
    assert pump.touch("skip").data["mobile"] is None


def test_printer_out_of_paper_keeps_the_code_on_screen(pump, no_paper):
    start(pump, "macau_resident")
    choose_until_review(pump, "HK_MACAU_PERMIT", mobile="13912345678")
    done = pump.touch("confirm")
    assert done.state == "booked_not_printed" and done.finished
    assert done.data["booking"]["code"].startswith("YY-") and done.data["text_message"] is True
    assert done.data["receipt_printed"] is False and "counter_hint" in done.data


def test_leaving_at_the_review_books_nothing(pump, runtime):
    start(pump, "state_employee")
    choose_until_review(pump, "PASSPORT")
    assert pump.touch("cancel").state == "cancelled"
    assert runtime.backend.list_appointment_slots(_person_id("state_employee")).bookings == ()
