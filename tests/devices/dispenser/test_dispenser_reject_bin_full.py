"""Fault: the reject bin is full; a document left in the tray cannot be retracted."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.dispenser.contract import MSG_REJECT_BIN_FULL, DispenserError, Fault, Location
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import PASSPORT_IN_SLOT_1


def test_a_full_reject_bin_refuses_retract_and_marks_the_device_unusable(
        driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    driver.dispense(1, PASSPORT_IN_SLOT_1)
    simulator.fill_reject_bin()
    status = driver.module_status()
    assert status.sensors.reject_bin_full and status.reject_count == status.reject_capacity
    assert driver.status() is DeviceStatus.ERROR and driver.last_detail == "reject bin full"
    with pytest.raises(DispenserError) as caught:
        driver.retract()
    assert (caught.value.fault, caught.value.message_key) == (Fault.REJECT_BIN_FULL, MSG_REJECT_BIN_FULL)
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.TRAY  # still there, for the citizen
    simulator.empty_reject_bin()
    assert driver.retract() == PASSPORT_IN_SLOT_1
