"""Fault: the service door is open; the mechanism stops and the device says COVER_OPEN."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.dispenser.contract import MSG_DOOR_OPEN, DispenserError, Fault
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import PASSPORT_IN_SLOT_1


def test_an_open_door_stops_dispense_and_retract(driver: SerialDispenserDriver,
                                                 simulator: DispenserSimulator) -> None:
    driver.dispense(1, PASSPORT_IN_SLOT_1)
    simulator.set_door_open(True)
    assert driver.status() is DeviceStatus.COVER_OPEN and driver.last_detail == "door open"
    for attempt in (lambda: driver.dispense(2, "C30000002"), driver.retract):
        with pytest.raises(DispenserError) as caught:
            attempt()
        assert (caught.value.fault, caught.value.message_key) == (Fault.DOOR_OPEN, MSG_DOOR_OPEN)
    simulator.set_door_open(False)
    assert driver.status() is DeviceStatus.READY
    assert driver.retract() == PASSPORT_IN_SLOT_1
