"""A code that is no appointment code, or one the back end does not know: the citizen is told
which, on the scan screen, and the next scan works."""

from __future__ import annotations

from flows.appointment import AppointmentFlow
from flows.journal import TxnStatus


def test_codes_that_are_not_appointments(pump, runtime) -> None:
    pump.start(AppointmentFlow)
    before = len(runtime.journal.transactions())
    for text in ("https://example.org/pay?id=PY-1", "请出示预约码", "A1"):
        runtime.simulators["scanner"].scan(text)
        view = pump.tick_until(lambda v: v.error_key is not None, "the scan")
        assert (view.state, view.error_key) == ("scan", "appointment.error.bad_code")
        pump.flow.error_key = None
    assert len(runtime.journal.transactions()) == before  # nothing was asked of the back end


def test_unknown_code_then_a_good_one(pump, runtime) -> None:
    pump.start(AppointmentFlow)
    runtime.simulators["scanner"].scan("YY-NOPE-99")
    view = pump.tick_until(lambda v: v.error_key is not None, "the scan")
    assert (view.state, view.error_key) == ("scan", "appointment.error.unknown_code")
    unknown = runtime.journal.transactions()[-1]
    assert unknown.status is TxnStatus.CANCELLED and unknown.summary == {"appointment": "YY-NOPE-99"}

    runtime.simulators["scanner"].scan("YY-DEMO-01")
    assert pump.tick_until_state("done").data["ticket_number"]


def test_codes_scanned_before_the_screen_are_ignored(pump, runtime) -> None:
    runtime.simulators["scanner"].scan("YY-DEMO-01")  # on the line before the screen opens
    pump.start(AppointmentFlow)
    for _ in range(10):
        assert pump.tick().state == "scan"
