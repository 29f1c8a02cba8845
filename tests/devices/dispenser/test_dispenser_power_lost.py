"""Fault: power fails mid-dispense, the document left in the picker; after the restart the
kiosk asks where it is, and the stock file says the same as the module would."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.base import DeviceStatus
from devices.dispenser.contract import DispenserError, Fault, Location
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.simulator import FAST_TIMING, DispenserSimulator
from tests.devices.dispenser.conftest import BAUD, FAST_TIMEOUTS, PASSPORT_IN_SLOT_1


def test_power_lost_mid_dispense_leaves_the_document_in_the_picker(
        driver: SerialDispenserDriver, simulator: DispenserSimulator, state_file: Path) -> None:
    simulator.lose_power_during_next_dispense()
    with pytest.raises(DispenserError) as caught:
        driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert caught.value.fault is Fault.SILENT
    simulator.stop()
    driver.close()

    restarted = DispenserSimulator(state_file, baud=BAUD, timing=FAST_TIMING)  # power back, kiosk restarted
    again = SerialDispenserDriver(restarted.start(), BAUD, timeouts=FAST_TIMEOUTS)
    try:
        assert again.where_is(PASSPORT_IN_SLOT_1).location is Location.PICKER
        assert again.module_status().sensors.picker_occupied
        assert again.status() is DeviceStatus.ERROR and again.last_detail == "document left in the picker"
        with pytest.raises(DispenserError) as blocked:
            again.dispense(2, "C30000002")  # nothing is dispensed past a document in the picker
        assert blocked.value.fault is Fault.PICKER_OCCUPIED
        assert again.retract() == PASSPORT_IN_SLOT_1
        assert again.where_is(PASSPORT_IN_SLOT_1).location is Location.REJECT_BIN
        again.dispense(2, "C30000002")
    finally:
        again.close()
        restarted.stop()


def test_power_restored_without_restart(driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    simulator.lose_power_during_next_dispense()
    with pytest.raises(DispenserError):
        driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert not simulator.powered
    simulator.restore_power()
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.PICKER
