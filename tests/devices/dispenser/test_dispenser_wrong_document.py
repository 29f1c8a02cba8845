"""Fault: the picker reads another document than the one asked for; it goes back to its slot."""

from __future__ import annotations

import pytest

from devices.dispenser.contract import MSG_WRONG_DOCUMENT, DispenserError, Fault, Location
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import LOADED_IN_SLOT_4, PASSPORT_IN_SLOT_1, REALLY_IN_SLOT_4


def test_the_demo_stock_mis_slotted_document_is_refused(driver: SerialDispenserDriver) -> None:
    with pytest.raises(DispenserError) as caught:
        driver.dispense(4, LOADED_IN_SLOT_4)
    assert (caught.value.fault, caught.value.message_key) == (Fault.WRONG_DOCUMENT, MSG_WRONG_DOCUMENT)
    assert caught.value.document_read == REALLY_IN_SLOT_4
    assert REALLY_IN_SLOT_4 not in str(caught.value)  # the log sees the number masked
    sensors = driver.module_status().sensors
    assert not sensors.tray_occupied and not sensors.picker_occupied  # put back, not handed out
    assert driver.where_is(LOADED_IN_SLOT_4).slot == 4


def test_a_document_swapped_into_a_slot_is_caught(driver: SerialDispenserDriver,
                                                  simulator: DispenserSimulator) -> None:
    simulator.put_wrong_document(1, "E99999999")
    with pytest.raises(DispenserError) as caught:
        driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert caught.value.document_read == "E99999999"
    assert simulator.stock.physical(1) == "E99999999"
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.SLOT
