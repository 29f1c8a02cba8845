"""A card pulled away (or garbled on the line) while it is being read, in the endorsement flow.

The ID card: the simulated SAM module shows a pulled card in each way real modules do (the
answer stops half-way, it answers "read failed", it says nothing). The flow tells the citizen
and reads again when the card is back. The permit module's simulator has no "pulled mid-read"
control; a read answered with garbled frames and a slot that is still empty are what the
module's line can show, and the flow waits and reads again the same way.
"""

from __future__ import annotations

import pytest

from devices.idcard.simulator import RemovalMode
from flows.demo_cards import card_for
from flows.endorsement import DEVICE_FAULT_RETRY_SECONDS, EndorsementFlow
from flows.engine import CardInserted, Tick


@pytest.fixture(scope="module")
def money(money_kiosk_factory):
    # A module that says nothing is given up on quickly (the SILENT case).
    with money_kiosk_factory("pulled-read", {"devices": {"idcard": {"card_read_timeout_s": 0.5}}}) as kiosk:
        yield kiosk


@pytest.mark.parametrize("mode", list(RemovalMode))
def test_id_card_pulled_mid_read_is_read_again_when_back(money_driver, mode):
    pump = money_driver
    pump.start(EndorsementFlow)
    reader = pump.simulators["idcard"]
    reader.insert_card(card_for("long_term_id"))
    reader.pull_card_during_next_read(mode)
    view = pump.send(CardInserted("idcard"))
    assert view.state == "id_card"
    assert view.error_key in ("idcard.card_removed", "idcard.timeout", "idcard.read_failed")
    reader.insert_card(card_for("long_term_id"))
    view = pump.tick_until_state("insert_permit")
    assert view.error_key is None


def test_permit_slot_still_empty_keeps_waiting_quietly(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    pump.tick_until_state("insert_permit")
    view = pump.send(CardInserted("permit"))  # a sensor blip: nothing in the slot
    assert view.state == "insert_permit" and view.error_key is None
    for _ in range(5):
        view = pump.send(Tick())
    assert view.state == "insert_permit" and view.error_key is None
    pump.touch("cancel")


def test_permit_read_garbled_on_the_line_is_read_again(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    pump.tick_until_state("insert_permit")
    permit = pump.simulators["permit"]
    permit.insert_card("C12345678")
    permit.corrupt_next_answers(2)  # the pump asks once more itself; both answers garbled
    view = pump.send(CardInserted("permit"))
    assert view.state == "insert_permit" and view.error_key == "permit.bad_frame"
    pump.clock.advance(DEVICE_FAULT_RETRY_SECONDS)
    view = pump.tick_until_state("offer")
    assert view.error_key is None
    pump.touch("cancel")
