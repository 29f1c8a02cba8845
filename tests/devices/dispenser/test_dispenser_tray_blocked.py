"""Fault: something already lies in the tray; nothing is dispensed on top of it."""

from __future__ import annotations

import pytest

from devices.dispenser.contract import MSG_TRAY_BLOCKED, DispenserError, Fault, Location
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import PASSPORT_IN_SLOT_1


def test_a_blocked_tray_refuses_the_dispense(driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    simulator.block_tray()
    with pytest.raises(DispenserError) as caught:
        driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert (caught.value.fault, caught.value.message_key) == (Fault.TRAY_BLOCKED, MSG_TRAY_BLOCKED)
    assert driver.where_is(PASSPORT_IN_SLOT_1).slot == 1


def test_the_foreign_object_can_be_retracted_unread(driver: SerialDispenserDriver,
                                                    simulator: DispenserSimulator) -> None:
    simulator.block_tray()
    assert driver.retract() is None
    driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.TRAY


def test_a_document_not_yet_taken_blocks_the_next_one(driver: SerialDispenserDriver) -> None:
    driver.dispense(1, PASSPORT_IN_SLOT_1)
    with pytest.raises(DispenserError) as caught:
        driver.dispense(2, "C30000002")
    assert caught.value.fault is Fault.TRAY_BLOCKED
