"""A number the back end does not know for this citizen, or text that is no number at all:
the citizen is told so on the same screen and can scan or type again."""

from __future__ import annotations

from flows.progress import ProgressFlow
from flows.pump import FlowPump
from terminal.scenarios import identify


def _to_number(pump: FlowPump, person: str = "long_term_id") -> None:
    pump.start(ProgressFlow)
    identify(pump, person, "number")


def test_unknown_number_then_the_right_one(pump) -> None:
    _to_number(pump)
    view = pump.touch("number", "AP-20990101-000001")
    assert (view.state, view.error_key) == ("number", "progress.not_found")
    assert not view.finished
    assert pump.touch("number", "AP-DEMO-0002").state == "timeline"


def test_someone_elses_number_tells_nothing(pump) -> None:
    _to_number(pump)  # AP-DEMO-0001 is local_adult's
    view = pump.touch("number", "AP-DEMO-0001")
    assert (view.state, view.error_key) == ("number", "progress.not_found")
    assert "steps" not in view.data


def test_a_scanned_code_that_is_no_application_number(pump) -> None:
    _to_number(pump)
    pump.simulators["scanner"].scan("https://example.org/pay?order=1")
    view = pump.tick_until(lambda v: v.error_key is not None, "the scan")
    assert (view.state, view.error_key) == ("number", "progress.error.number_format")
    assert pump.touch("number", "").error_key == "progress.error.number_format"
