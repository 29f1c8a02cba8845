"""The progress query: identity, then the number scanned from the summary's QR code or typed,
then the timeline in plain words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.demo_cards import card_for
from flows.engine import Scanned, check_transition_table
from flows.progress import ProgressFlow, ProgressState
from flows.pump import FlowPump
from terminal.scenarios import identify


@pytest.fixture()
def scanner(runtime) -> Iterator[object]:
    simulated = runtime.simulators["scanner"]
    yield simulated
    simulated.plug_in()


def _to_number(pump: FlowPump, person: str) -> None:
    pump.start(ProgressFlow)
    identify(pump, person, "number")


def test_tables_cover_every_state() -> None:
    assert check_transition_table(ProgressFlow, ProgressState) == []


def test_scanned_number_shows_the_timeline(pump, scanner) -> None:
    _to_number(pump, "long_term_id")
    scanner.scan("AP-DEMO-0002")

    view = pump.tick_until_state("timeline")

    assert view.finished and pump.touches == 0  # card, face and scan: nothing to touch
    assert view.message_key == "progress.now.ready_for_collection"
    assert view.data["message_values"]["place"] == "长沙市出入境接待大厅 3号窗口"
    assert [s["status"] for s in view.data["steps"]] == [
        "ACCEPTED", "UNDER_REVIEW", "APPROVED", "IN_PRODUCTION", "READY_FOR_COLLECTION"]
    assert [s["message_key"] for s in view.data["steps"]][-1] == "progress.step.ready_for_collection"
    days = [s["day"] for s in view.data["steps"]]
    assert days == sorted(days)
    assert view.data["documents"] == ["form.document.hk_macau_permit"]


def test_typed_number_of_a_posted_document_gives_the_tracking_number(pump) -> None:
    _to_number(pump, "minority_name")
    view = pump.touch("number", " ap-demo-0003 ")
    assert (view.state, view.message_key) == ("timeline", "progress.now.posted")
    assert view.data["message_values"]["tracking"] == "SF1234567890"
    assert len(view.data["documents"]) == 2


def test_application_under_review_says_when_it_should_be_ready(pump) -> None:
    _to_number(pump, "local_adult")
    view = pump.send(Scanned("AP-DEMO-0001"))  # a scan the screen forwarded
    assert (view.state, view.message_key) == ("timeline", "progress.now.under_review")
    assert view.data["message_values"]["date"]


def test_scanner_offline_still_lets_the_number_be_typed(pump, scanner) -> None:
    _to_number(pump, "long_term_id")
    scanner.unplug()
    view = pump.tick_until(lambda v: v.error_key == "scanner.offline", "the scanner fault")
    assert view.state == "number" and view.actions == ("number",)
    assert pump.touch("number", "AP-DEMO-0002").state == "timeline"


def test_residence_permit_holder_is_refused(pump) -> None:
    pump.start(ProgressFlow)
    pump.simulators["idcard"].insert_card(card_for("taiwan_resident"))
    view = pump.tick_until(lambda v: v.finished, "a refusal")
    assert (view.state, view.error_key) == ("refused", "identity.kind_not_served")
