"""The urgent path, the green channel (issue 20), every branch, on the simulators and the
reference back end over real HTTP: the information with the hall's 24-hour phone (read and
leave), a request marking the applications in progress and raising today's ticket to urgent with
the proof to bring printed, a request with no ticket yet, the printer out of paper, leaving.

Demo data: local_adult's AP-DEMO-0001 is UNDER_REVIEW (and carries the demo case JJ-DEMO-0001)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from backend_client import models as mo
from backend_client import new_request_id
from devices.printer.status import PaperLevel
from flows.engine import check_transition_table
from flows.journal import Phase, TxnStatus
from flows.urgent import UrgentFlow, UrgentState
from terminal.scenarios import identify

DAY = dt.date(2026, 12, 7)


@pytest.fixture()
def no_paper(runtime) -> Iterator[None]:
    printer = runtime.simulators["printer"]
    printer.set_paper(PaperLevel.OUT)
    yield
    printer.set_paper(PaperLevel.PRESENT)


def request_until_review(pump, person: str, reason: str = "FUNERAL", service: str = "PASSPORT",
                         travel: str = "tomorrow"):
    pump.start(UrgentFlow, today=DAY)
    pump.touch("request")
    view = identify(pump, person, "reason")
    assert [r["value"] for r in view.data["reasons"]] == ["FUNERAL", "RELATIVE_SERIOUSLY_ILL", "EMERGENCY_ABROAD",
                                                          "URGENT_BUSINESS"]
    pump.touch("reason", reason)
    pump.touch("service", service)
    return pump.touch("travel", travel)


def test_every_state_has_a_view_and_valid_targets():
    assert check_transition_table(UrgentFlow, UrgentState) == []


def test_the_information_names_the_cases_the_proofs_and_the_halls_phone(pump, runtime):
    view = pump.start(UrgentFlow)
    assert view.state == "info" and set(view.actions) == {"cancel", "request", "done"}
    assert view.data["phone"] == runtime.config["terminal"]["green_channel_phone"]
    proofs = {r["value"]: (r["proof_key"], r["relationship"]) for r in view.data["reasons"]}
    assert proofs["FUNERAL"] == ("urgent.proof.funeral", True)
    assert proofs["URGENT_BUSINESS"] == ("urgent.proof.urgent_business", False)
    done = pump.touch("done")
    assert done.state == "info_seen" and done.finished  # read and left: nothing asked of anyone


def test_a_request_marks_the_application_and_raises_the_ticket(pump, runtime, next_receipt):
    ticket = runtime.backend.issue_queue_ticket(mo.AppointmentService.PASSPORT, mo.QueuePriority.NONE,
                                                new_request_id(), _id("local_adult"))
    review = request_until_review(pump, "local_adult", "RELATIVE_SERIOUSLY_ILL", "PASSPORT", "tomorrow")
    assert review.state == "review" and review.data["proof_keys"] == [
        "urgent.proof.id_card", "urgent.proof.relative_seriously_ill", "urgent.proof.relationship"]
    receipt = next_receipt
    done = pump.touch("confirm")

    assert done.state == "done" and done.finished
    assert done.data["applications"] == ["AP-DEMO-0001"] and done.data["case_number"].startswith("JJ-")
    assert done.data["ticket_number"] == ticket.ticket_number  # the same ticket, now urgent
    assert done.data["waiting_ahead"] <= ticket.waiting_ahead
    slip = receipt()
    assert done.data["case_number"] in slip and ticket.ticket_number in slip and done.data["phone"] in slip
    txn = runtime.journal.get(done.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED
    assert [(s.step, s.phase) for s in txn.steps] == [("urgent_request", Phase.BEFORE), ("urgent_request", Phase.AFTER),
                                                      ("print", Phase.BEFORE), ("print", Phase.AFTER)]
    assert pump.flow.travel_date() == DAY + dt.timedelta(days=1)


def test_without_a_ticket_an_urgent_one_is_issued(pump):
    request_until_review(pump, "points_near_limit", "URGENT_BUSINESS", "TAIWAN_PERMIT", "not_sure")
    done = pump.touch("confirm")
    assert done.state == "done" and done.data["applications"] == []
    assert done.data["ticket_number"].startswith("C") and pump.flow.travel_date() is None


def test_printer_out_of_paper_keeps_the_numbers_on_screen(pump, no_paper):
    request_until_review(pump, "minor", "EMERGENCY_ABROAD", "HK_MACAU_PERMIT", "today")
    done = pump.touch("confirm")
    assert done.state == "done_not_printed" and done.data["receipt_printed"] is False
    assert done.data["case_number"] and done.data["ticket_number"] and "counter_hint" in done.data


def test_back_and_leaving_ask_nothing(pump):
    request_until_review(pump, "hk_resident")
    assert pump.touch("back").state == "travel"
    assert pump.touch("back").state == "service"
    assert pump.touch("cancel").state == "cancelled"


def _id(key: str) -> str:
    from backend import seed
    return seed.person(key).id_number
