"""Walk-in queue tickets (issue 20), every branch, on the simulators and the reference back end
over real HTTP: a ticket without a card with the people ahead and an estimate, the priority
groups behind the ID card (60 or older offered only by the card's birth date), the printer out
of paper before (nothing issued) and during the print (the number on screen), the same person
asking twice, leaving. The seeded day already has walk-in tickets (backend/seed.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from backend_client.models import ServiceKind, TransactionOutcome
from devices.printer.status import PaperLevel
from flows.engine import check_transition_table
from flows.journal import Phase, TxnStatus
from flows.queue_ticket import QueueState, QueueTicketFlow
from terminal.fleet import report_for
from terminal.scenarios import identify


@pytest.fixture()
def paper(runtime) -> Iterator[object]:
    printer = runtime.simulators["printer"]
    yield printer
    printer.set_paper(PaperLevel.PRESENT)


def test_every_state_has_a_view_and_valid_targets():
    assert check_transition_table(QueueTicketFlow, QueueState) == []


def test_a_ticket_without_a_card_says_the_people_ahead_and_the_wait(pump, runtime):
    view = pump.start(QueueTicketFlow)
    assert view.state == "choose" and set(view.actions) == {"cancel", "service", "priority"}
    assert [s["value"] for s in view.data["services"]][:2] == ["PASSPORT", "HK_MACAU_PERMIT"]
    done = pump.touch("service", "PASSPORT")
    assert done.state == "done" and done.finished
    assert done.data["ticket_number"].startswith("A") and done.data["waiting_ahead"] >= 4  # the seeded queue
    assert done.data["minutes"] == done.data["waiting_ahead"] * 8 // 2 and done.data["group_key"] is None
    assert str(done.data["waiting_ahead"]) in printed(runtime, done.data["ticket_number"])
    txn = runtime.journal.get(done.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED and txn.flow == "queue_ticket"
    assert [(s.step, s.phase) for s in txn.steps] == [("issue_ticket", Phase.BEFORE), ("issue_ticket", Phase.AFTER),
                                                      ("print", Phase.BEFORE), ("print", Phase.AFTER)]
    # The hall hears of it with the appointments (the counter queues), with no personal data.
    report = report_for(txn)
    assert (report.service, report.outcome) == (ServiceKind.APPOINTMENT, TransactionOutcome.COMPLETED)
    following = pump.start(QueueTicketFlow)
    assert following.state == "choose"
    second = pump.touch("service", "PASSPORT")
    assert second.data["waiting_ahead"] == done.data["waiting_ahead"] + 1


def printed(runtime, ticket_number: str) -> str:
    """The ticket's transcript (prints end on the printer's own time: look for it by number)."""
    printer = runtime.simulators["printer"]
    for _ in range(50):
        found = [r.text for r in printer.receipts if f"\n{ticket_number}\n" in r.text]
        if found:
            return found[-1]
        printer.wait_for_receipts(len(printer.receipts) + 1, 0.1)
    raise AssertionError(f"no ticket {ticket_number} came out of the printer")


def test_the_elderly_group_is_offered_by_the_birth_date_and_waits_behind_priority_only(pump, runtime):
    pump.start(QueueTicketFlow)
    pump.touch("priority")
    view = identify(pump, "long_term_id", "group")  # born 1956
    groups = {g["value"]: g for g in view.data["groups"]}
    assert groups["ELDERLY"]["enabled"] is True and set(groups) == {"ELDERLY", "DISABLED", "PREGNANT", "URGENT"}
    service = pump.touch("group", "ELDERLY")
    assert service.state == "service" and service.data["group_key"] == "queue.group.elderly"
    done = pump.touch("service", "PASSPORT")
    assert done.state == "done" and done.data["group_key"] == "queue.group.elderly"
    assert done.data["waiting_ahead"] == 2  # the seeded elderly and urgent passport tickets, not the others
    assert printed(runtime, done.data["ticket_number"])


def test_under_60_the_elderly_group_is_greyed_with_why_and_refused(pump):
    pump.start(QueueTicketFlow)
    pump.touch("priority")
    view = identify(pump, "non_local_hukou", "group")
    elderly = next(g for g in view.data["groups"] if g["value"] == "ELDERLY")
    assert elderly["enabled"] is False and elderly["reason_key"] == "queue.group_detail.under_60"
    assert pump.touch("group", "ELDERLY").error_key == "queue.error.not_elderly"
    declared = pump.touch("group", "PREGNANT")
    assert declared.state == "service"
    done = pump.touch("service", "ENDORSEMENT")
    assert done.state == "done" and done.data["group_note_key"] == "queue.group_note.pregnant"


def test_the_same_person_asking_again_gets_the_same_ticket(pump, runtime):
    def ask() -> str:
        pump.start(QueueTicketFlow)
        pump.touch("priority")
        identify(pump, "minority_name", "group")
        pump.touch("group", "DISABLED")
        return pump.touch("service", "OTHER").data["ticket_number"]
    first = ask()
    runtime.session.wipe("comes back")
    runtime.simulators["idcard"].remove_card()
    assert ask() == first


def test_printer_out_of_paper_issues_nothing(pump, runtime, paper):
    paper.set_paper(PaperLevel.OUT)
    pump.start(QueueTicketFlow)
    view = pump.touch("service", "TAIWAN_PERMIT")
    assert view.state == "no_paper" and view.finished and "counter_hint" in view.data
    assert "transaction" not in view.data
    paper.set_paper(PaperLevel.PRESENT)
    taken = pump.start(QueueTicketFlow) and pump.touch("service", "TAIWAN_PERMIT")
    assert taken.data["waiting_ahead"] == 0  # the queue was empty: no ticket was taken without paper


def test_paper_running_out_during_the_print_keeps_the_number_on_screen(pump, runtime, paper):
    pump.start(QueueTicketFlow)
    # The paper runs out once the number is taken, as the ticket starts printing.
    pump.flow.subscribe(lambda view: paper.set_paper(PaperLevel.OUT) if view.state == "printing" else None)
    view = pump.touch("service", "HK_MACAU_PERMIT")
    assert view.state == "done_not_printed" and view.finished
    assert view.data["ticket_number"].startswith("B") and view.data["receipt_printed"] is False
    assert runtime.journal.get(view.data["transaction"]).status is TxnStatus.COMPLETED


def test_leaving_before_the_service_takes_no_number(pump):
    pump.start(QueueTicketFlow)
    pump.touch("priority")
    identify(pump, "hk_resident", "group")
    assert pump.touch("cancel").state == "cancelled"


def test_age_counts_on_the_flows_day(runtime):
    flow = QueueTicketFlow(runtime.flow_context(), today=dt.date(2016, 11, 1))
    assert flow.today == dt.date(2016, 11, 1)
