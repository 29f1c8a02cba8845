"""Appointment check-in: scan the appointment's QR code, take the printed queue ticket."""

from __future__ import annotations

from flows.appointment import AppointmentFlow, AppointmentState
from flows.engine import check_transition_table
from flows.journal import Phase, TxnStatus
from flows.progress import ProgressFlow
from terminal.scenarios import identify


def test_tables_cover_every_state() -> None:
    assert check_transition_table(AppointmentFlow, AppointmentState) == []


def test_scanned_appointment_gets_a_printed_ticket(pump, runtime, next_receipt) -> None:
    pump.start(AppointmentFlow)
    runtime.simulators["scanner"].scan("YY-DEMO-01")

    view = pump.tick_until_state("done")

    assert pump.touches == 0
    ticket = view.data["ticket_number"]
    assert ticket.startswith("A")  # the passport queue
    assert view.data["service_key"] == "appointment.service.passport"
    assert view.data["appointment_start"] == "14:00"
    receipt = next_receipt()
    assert ticket in receipt and "YY-DEMO-01" in receipt
    record = runtime.journal.transactions()[-1]
    assert record.status is TxnStatus.COMPLETED
    assert [(s.step, s.phase) for s in record.steps] == [
        ("check_in", Phase.BEFORE), ("check_in", Phase.AFTER), ("print", Phase.BEFORE), ("print", Phase.AFTER)]


def test_checking_in_twice_gives_the_same_ticket(pump) -> None:
    pump.start(AppointmentFlow)
    first = pump.touch("code", "yy-demo-03")  # typed, in lower case
    pump.start(AppointmentFlow)
    second = pump.touch("code", "YY-DEMO-03")
    assert first.state == second.state == "done"
    assert first.data["ticket_number"] == second.data["ticket_number"]
    assert first.data["ticket_number"].startswith("D")  # the endorsement queue


def test_appointment_of_another_day_is_refused_with_the_reason(pump) -> None:
    pump.start(AppointmentFlow)
    view = pump.touch("code", "YY-DEMO-02")  # tomorrow
    assert (view.state, view.error_key) == ("scan", "appointment.error.not_today")


def test_verified_citizen_cannot_check_in_someone_elses_appointment(pump, runtime) -> None:
    pump.start(ProgressFlow)  # an earlier service of this visit verified local_adult
    identify(pump, "local_adult", "number")

    pump.start(AppointmentFlow)
    view = pump.touch("code", "YY-DEMO-03")  # long_term_id's appointment

    assert (view.state, view.error_key) == ("scan", "appointment.error.not_yours")
    assert pump.touch("code", "YY-DEMO-01").state == "done"  # her own
