"""Fault: the picker jams mid-dispense; the document stays in the picker until a technician clears it."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.dispenser.contract import MSG_JAMMED, DispenserError, Fault, Location
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import PASSPORT_IN_SLOT_1


def test_a_jam_mid_dispense_leaves_the_document_in_the_picker(
        driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    simulator.jam_next_dispense()
    with pytest.raises(DispenserError) as caught:
        driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert (caught.value.fault, caught.value.message_key) == (Fault.JAMMED, MSG_JAMMED)
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.PICKER
    assert driver.status() is DeviceStatus.ERROR
    assert driver.last_detail == "picker jammed, document left in the picker"
    with pytest.raises(DispenserError) as retract:
        driver.retract()  # nothing moves while jammed
    assert retract.value.fault is Fault.JAMMED


def test_after_the_jam_is_cleared_the_document_goes_to_the_reject_bin(
        driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    simulator.jam_next_dispense()
    with pytest.raises(DispenserError):
        driver.dispense(1, PASSPORT_IN_SLOT_1)
    simulator.clear_jam()
    assert driver.status() is DeviceStatus.ERROR  # not usable while the document is in the picker
    assert driver.retract() == PASSPORT_IN_SLOT_1
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.REJECT_BIN
    assert driver.status() is DeviceStatus.READY


def test_a_jammed_picker_refuses_every_dispense(driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    simulator.jam_picker()
    with pytest.raises(DispenserError) as caught:
        driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert caught.value.fault is Fault.JAMMED
    assert driver.where_is(PASSPORT_IN_SLOT_1).slot == 1  # never left its slot
