"""A number the back end does not know for this citizen, or text that is no number at all:
the citizen is told so on the same screen and can scan or type again."""

from __future__ import annotations

from flows.progress import ProgressFlow
from flows.scenarios import identify
from flows.selftest import FlowDriver


def _to_number(driver: FlowDriver, person: str = "long_term_id") -> None:
    driver.start(ProgressFlow)
    identify(driver, person, "number")


def test_unknown_number_then_the_right_one(driver) -> None:
    _to_number(driver)
    view = driver.touch("number", "AP-20990101-000001")
    assert (view.state, view.error_key) == ("number", "progress.not_found")
    assert not view.finished
    assert driver.touch("number", "AP-DEMO-0002").state == "timeline"


def test_someone_elses_number_tells_nothing(driver) -> None:
    _to_number(driver)  # AP-DEMO-0001 is local_adult's
    view = driver.touch("number", "AP-DEMO-0001")
    assert (view.state, view.error_key) == ("number", "progress.not_found")
    assert "steps" not in view.data


def test_a_scanned_code_that_is_no_application_number(driver) -> None:
    _to_number(driver)
    driver.simulators["scanner"].scan("https://example.org/pay?order=1")
    view = driver.tick_until(lambda v: v.error_key is not None, "the scan")
    assert (view.state, view.error_key) == ("number", "progress.error.number_format")
    assert driver.touch("number", "").error_key == "progress.error.number_format"
