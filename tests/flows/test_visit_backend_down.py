"""The back end stops answering while a booking is made, a ticket issued or an urgent request
sent (issue 20): each screen says so and offers to try again; trying again with the back end
back makes one booking, one ticket, one urgent case (the same request id), never two."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.appointment_booking import AppointmentBookingFlow
from flows.journal import Phase
from flows.queue_ticket import QueueTicketFlow
from flows.urgent import UrgentFlow
from terminal.runtime import Runtime
from terminal.scenarios import identify


@pytest.fixture(scope="module")
def runtime(runtime_factory, proxied_backend) -> Iterator[Runtime]:
    with runtime_factory.running("kiosk", proxied_backend.kiosk_settings) as started:
        yield started


@pytest.fixture(autouse=True)
def backend_answers(proxied_backend) -> Iterator[None]:
    proxied_backend.proxy.mode = "forward"
    yield
    proxied_backend.proxy.mode = "forward"


def request_ids(runtime: Runtime, txn_id: str, step: str) -> list[str]:
    return [s.request_id for s in runtime.journal.get(txn_id).steps if s.step == step and s.phase is Phase.BEFORE]


def test_a_booking_whose_answer_is_lost_is_made_once(pump, runtime, proxied_backend):
    pump.start(AppointmentBookingFlow)
    identify(pump, "hk_resident", "service")
    pump.touch("service", "ENDORSEMENT")
    view = pump.touch("hall", "CS-MAIN")
    view = pump.touch("day", view.data["days"][0]["value"])
    pump.touch("time", view.data["times"][0]["value"])
    pump.touch("skip")
    proxied_backend.proxy.mode = "lose_answer"  # the booking is made, its answer never arrives

    failed = pump.touch("confirm")

    assert failed.state == "backend_failed" and failed.actions == ("cancel", "retry")
    proxied_backend.proxy.mode = "forward"
    booked = pump.touch("retry")
    assert booked.state == "booked"
    ids = request_ids(runtime, pump.flow.done_txn_id, "book")
    assert len(ids) == 2 and len(set(ids)) == 1
    bookings = runtime.backend.list_appointment_slots(pump.flow.id_number).bookings
    assert [b.appointment_code for b in bookings] == [booked.data["booking"]["code"]]


def test_the_slots_not_loading_can_be_tried_again(pump, proxied_backend):
    pump.start(AppointmentBookingFlow)
    identify(pump, "macau_resident", "service")
    pump.touch("service", "PASSPORT")
    proxied_backend.proxy.mode = "refuse"
    failed = pump.touch("hall", "CS-MAIN")
    assert failed.state == "backend_failed" and failed.error_key == "backend.unreachable"
    proxied_backend.proxy.mode = "forward"
    assert pump.touch("retry").state == "day"


def test_a_ticket_whose_answer_is_lost_is_issued_once(pump, runtime, proxied_backend):
    pump.start(QueueTicketFlow)
    proxied_backend.proxy.mode = "lose_answer"
    failed = pump.touch("service", "OTHER")
    assert failed.state == "backend_failed"
    proxied_backend.proxy.mode = "forward"
    done = pump.touch("retry")
    assert done.state == "done"
    assert len(set(request_ids(runtime, done.data["transaction"], "issue_ticket"))) == 1
    following = pump.start(QueueTicketFlow) and pump.touch("service", "OTHER")
    number = int(done.data["ticket_number"][1:])
    assert following.data["ticket_number"] == f"E{number + 1:03d}"  # the lost answer took no second number


def test_an_urgent_request_whose_answer_is_lost_is_filed_once(pump, runtime, proxied_backend):
    pump.start(UrgentFlow)
    pump.touch("request")
    identify(pump, "minority_name", "reason")
    pump.touch("reason", "FUNERAL")
    pump.touch("service", "OTHER")
    pump.touch("travel", "today")
    proxied_backend.proxy.mode = "lose_answer"
    assert pump.touch("confirm").state == "backend_failed"
    proxied_backend.proxy.mode = "forward"
    done = pump.touch("retry")
    assert done.state == "done"
    assert len(set(request_ids(runtime, done.data["transaction"], "urgent_request"))) == 1
