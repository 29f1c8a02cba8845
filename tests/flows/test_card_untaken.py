"""No automatic return while the permit card is untaken (issue 14): a service that gave the card
back ends with `awaiting_take` in its view while the module's STATUS says the card lies at the
slot's opening, asks again on each tick, and clears it once the card is taken; after `[flows]
take_alert_seconds` it says `take_overdue` and retracts the card when the module can.

The endorsement enquiry on the kiosk's simulators: the real driver asks the simulated module on
its pty; the simulated citizen leaves the card at the opening (`hold_ejected_cards`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.demo_cards import card_for
from flows.endorsement_enquiry import EndorsementEnquiryFlow
from flows.engine import CardInserted
from flows.take_watch import TAKE_ALERT_SECONDS

CARD = "C12345678"


@pytest.fixture()
def permit(runtime) -> Iterator[object]:
    simulator = runtime.simulators["permit"]
    simulator.hold_ejected_cards()
    yield simulator
    simulator.hold_ejected_cards(False)
    simulator.take_card()
    simulator.opening_sensor = simulator.can_retract = True
    simulator.captured.clear()


def enquire(pump, permit):
    pump.start(EndorsementEnquiryFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    pump.tick_until(lambda v: v.state == "insert_permit", "the permit to be asked for")
    permit.insert_card(CARD)
    view = pump.send(CardInserted("permit"))
    assert view.finished and view.data["take_card"] is True
    return view


def test_the_end_waits_for_the_card_then_lets_go(pump, permit):
    view = enquire(pump, permit)
    assert permit.card_at_opening == CARD
    assert view.data["awaiting_take"] == ("card",) and view.data["take_overdue"] is False
    assert pump.tick().data["awaiting_take"] == ("card",)  # still there: asked again, still waiting
    permit.take_card()
    view = pump.tick()
    assert view.finished and "awaiting_take" not in view.data
    assert pump.flow.awaiting_take == ()


def test_a_card_taken_at_once_is_not_waited_for(pump, permit):
    permit.hold_ejected_cards(False)
    view = enquire(pump, permit)
    assert "awaiting_take" not in view.data and pump.flow.awaiting_take == ()


def test_a_module_without_the_opening_sensor_is_not_waited_for(pump, permit):
    permit.opening_sensor = False
    view = enquire(pump, permit)
    assert "awaiting_take" not in view.data


def test_a_forgotten_card_is_retracted_after_the_limit(pump, permit):
    enquire(pump, permit)
    pump.clock.advance(TAKE_ALERT_SECONDS - 1)
    assert pump.tick().data["take_overdue"] is False
    pump.clock.advance(1)
    view = pump.tick()
    assert view.data["take_overdue"] is True and view.data["card_retracted"] is True
    assert view.data["awaiting_take"] == () and permit.captured == [CARD] and permit.card_at_opening is None


def test_a_card_the_module_cannot_retract_is_waited_for_past_the_limit(pump, permit):
    permit.can_retract = False
    enquire(pump, permit)
    pump.clock.advance(TAKE_ALERT_SECONDS)
    view = pump.tick()
    assert view.data["take_overdue"] is True and view.data["card_retracted"] is False
    assert view.data["awaiting_take"] == ("card",) and permit.captured == []
    permit.take_card()
    assert "awaiting_take" in pump.tick().data and pump.flow.awaiting_take == ()  # overdue stays said


def test_the_evaluation_after_finish_waits_for_the_card_too(pump, permit):
    """The citizen touched Finish with the card still at the opening: the evaluation step's end
    (skipped here) does not let the kiosk go home either, until the card is taken."""
    enquire(pump, permit)
    view = pump.finish()
    assert view is not None and view.flow == "evaluation" and not view.finished
    view = pump.touch("skip")
    assert view.finished and view.data["awaiting_take"] == ("card",)
    permit.take_card()
    assert "awaiting_take" not in pump.tick().data
