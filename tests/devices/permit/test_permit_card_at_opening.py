"""Issue 14: after EJECT the card may lie at the slot's opening until the citizen takes it. A
module with the opening sensor says so in STATUS (a third byte); RETRACT pulls a forgotten card
back into the capture bin when the module has the mechanism. The real driver on the simulator's pty."""

from __future__ import annotations

from devices.base import DeviceStatus
from devices.permit.protocol import Command, SlotState


def test_an_ejected_card_waits_at_the_opening_until_taken(simulator, driver) -> None:
    simulator.hold_ejected_cards()
    assert driver.slot_state() == SlotState(card_present=True, at_opening=False)
    driver.eject()
    assert driver.status() is DeviceStatus.NO_CARD  # not in the slot any more ...
    assert driver.slot_state() == SlotState(card_present=False, at_opening=True)  # ... but not taken
    assert simulator.take_card() is True
    assert driver.slot_state() == SlotState(card_present=False, at_opening=False)


def test_by_default_the_simulated_citizen_takes_the_card_at_once(simulator, driver) -> None:
    driver.eject()
    assert driver.slot_state() == SlotState(card_present=False, at_opening=False)
    assert simulator.take_card() is False


def test_a_module_without_the_sensor_cannot_tell(simulator, driver) -> None:
    simulator.opening_sensor = False
    simulator.hold_ejected_cards()
    driver.eject()
    assert driver.slot_state() == SlotState(card_present=False, at_opening=None)


def test_a_forgotten_card_is_retracted_into_the_capture_bin(simulator, driver) -> None:
    simulator.hold_ejected_cards()
    driver.eject()
    assert driver.retract() is True
    assert simulator.captured == ["C12345678"]
    assert driver.slot_state() == SlotState(card_present=False, at_opening=False)
    assert driver.retract() is False  # nothing left at the opening
    assert list(simulator.commands_seen)[-3:] == [Command.RETRACT, Command.STATUS, Command.RETRACT]


def test_a_module_without_the_mechanism_leaves_the_card_for_staff(simulator, driver) -> None:
    simulator.can_retract = False
    simulator.hold_ejected_cards()
    driver.eject()
    assert driver.retract() is False
    assert driver.slot_state() == SlotState(card_present=False, at_opening=True)
    assert simulator.captured == []


def test_the_panels_remove_button_takes_the_card_from_the_opening(simulator, driver) -> None:
    simulator.hold_ejected_cards()
    driver.eject()
    simulator.remove_card()
    assert driver.slot_state() == SlotState(card_present=False, at_opening=False)
