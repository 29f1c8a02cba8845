"""Fault: the module stops answering; the driver says DISCONNECTED and recovers when it answers again."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.dispenser.contract import MSG_DISCONNECTED, MSG_TIMEOUT, DispenserError, Fault
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import PASSPORT_IN_SLOT_1


def test_a_silent_module_is_disconnected_then_back(driver: SerialDispenserDriver,
                                                   simulator: DispenserSimulator) -> None:
    simulator.go_silent()
    assert driver.status() is DeviceStatus.DISCONNECTED
    with pytest.raises(DispenserError) as caught:
        driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert (caught.value.fault, caught.value.message_key) == (Fault.SILENT, MSG_TIMEOUT)
    simulator.go_silent(False)
    assert driver.status() is DeviceStatus.READY
    assert driver.where_is(PASSPORT_IN_SLOT_1).slot == 1  # a silent module moved nothing


def test_an_unplugged_module_is_disconnected(driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    assert driver.status() is DeviceStatus.READY
    simulator.stop()
    assert driver.status() is DeviceStatus.DISCONNECTED
    with pytest.raises(DispenserError) as caught:
        driver.slots()
    assert caught.value.message_key in (MSG_DISCONNECTED, MSG_TIMEOUT)
