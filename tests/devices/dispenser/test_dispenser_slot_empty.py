"""Fault: the slot's record says loaded, but its sensor finds nothing to pick."""

from __future__ import annotations

import pytest

from devices.dispenser.contract import MSG_SLOT_EMPTY, DispenserError, Fault
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import PASSPORT_IN_SLOT_1


def test_an_empty_slot_is_refused_and_nothing_reaches_the_tray(
        driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    simulator.empty_slot(1)
    with pytest.raises(DispenserError) as caught:
        driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert (caught.value.fault, caught.value.message_key) == (Fault.SLOT_EMPTY, MSG_SLOT_EMPTY)
    sensors = driver.module_status().sensors
    assert not sensors.tray_occupied and not sensors.picker_occupied


def test_a_never_loaded_slot_is_empty_too(driver: SerialDispenserDriver) -> None:
    with pytest.raises(DispenserError) as caught:
        driver.dispense(9, "E00000009")
    assert caught.value.fault is Fault.SLOT_EMPTY


def test_a_slot_beyond_the_module_is_a_bad_parameter(driver: SerialDispenserDriver) -> None:
    with pytest.raises(DispenserError) as caught:
        driver.dispense(40, PASSPORT_IN_SLOT_1)
    assert caught.value.fault is Fault.BAD_PARAMETER
