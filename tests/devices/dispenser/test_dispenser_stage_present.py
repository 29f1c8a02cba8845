"""Dispensing in two steps (issue 13, "check before handing over"): STAGE brings the document past
the module's reader and holds it in the picker, behind the tray; only PRESENT moves it to the
tray. A document read as another one never reaches the tray: it is retracted from the picker."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.dispenser.contract import DispenserError, DocumentRead, Fault, Location, ReadSource, Whereabouts
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.protocol import Command
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import BAUD, FAST_TIMEOUTS, LOADED_IN_SLOT_4, PASSPORT_IN_SLOT_1, REALLY_IN_SLOT_4

PERMIT_IN_SLOT_2 = "C30000002"


@pytest.fixture
def comparing_again(simulator: DispenserSimulator):
    yield simulator
    simulator.stop_comparing(True)
    simulator.remove_reader(False)


def test_a_staged_document_is_held_in_the_picker_not_in_the_tray(driver: SerialDispenserDriver,
                                                                  simulator: DispenserSimulator) -> None:
    read = driver.stage(1, PASSPORT_IN_SLOT_1)
    assert read == DocumentRead(PASSPORT_IN_SLOT_1, ReadSource.OPTICAL)
    assert simulator.stock.tray is None and simulator.stock.picker == PASSPORT_IN_SLOT_1
    assert driver.where_is(PASSPORT_IN_SLOT_1) == Whereabouts(PASSPORT_IN_SLOT_1, Location.PICKER)
    sensors = driver.module_status().sensors
    assert sensors.picker_occupied and not sensors.tray_occupied
    driver.present(PASSPORT_IN_SLOT_1)
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.TRAY
    assert not driver.module_status().sensors.picker_occupied


def test_a_permit_is_read_by_its_chip(driver: SerialDispenserDriver) -> None:
    assert driver.stage(2, PERMIT_IN_SLOT_2) == DocumentRead(PERMIT_IN_SLOT_2, ReadSource.CHIP)


def test_another_document_held_is_retracted_from_the_picker_and_never_reaches_the_tray(
        driver: SerialDispenserDriver, comparing_again: DispenserSimulator) -> None:
    """GIVEN an adapter that does not compare and slot 4 holding another passport WHEN staged
    THEN the read names the other one; the host retracts it from the picker to the reject bin."""
    simulator = comparing_again
    simulator.stop_comparing()
    read = driver.stage(4, LOADED_IN_SLOT_4)
    assert read is not None and read.document_id == REALLY_IN_SLOT_4
    assert simulator.stock.tray is None
    assert driver.retract() == REALLY_IN_SLOT_4
    assert simulator.stock.tray is None and simulator.stock.picker is None
    assert driver.where_is(REALLY_IN_SLOT_4).location is Location.REJECT_BIN
    assert Command.PRESENT not in simulator.commands_seen


def test_dispense_refuses_to_present_a_document_read_as_another(
        driver: SerialDispenserDriver, comparing_again: DispenserSimulator) -> None:
    simulator = comparing_again
    simulator.stop_comparing()
    with pytest.raises(DispenserError) as caught:
        driver.dispense(4, LOADED_IN_SLOT_4)
    assert caught.value.fault is Fault.WRONG_DOCUMENT and caught.value.document_read == REALLY_IN_SLOT_4
    assert simulator.stock.tray is None and simulator.stock.picker == REALLY_IN_SLOT_4


def test_a_module_without_a_reader_stages_and_reads_nothing(
        driver: SerialDispenserDriver, comparing_again: DispenserSimulator) -> None:
    comparing_again.remove_reader()
    assert driver.stage(1, PASSPORT_IN_SLOT_1) is None
    driver.present(PASSPORT_IN_SLOT_1)
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.TRAY


def test_present_without_that_document_held_moves_nothing(driver: SerialDispenserDriver,
                                                          simulator: DispenserSimulator) -> None:
    with pytest.raises(DispenserError) as caught:
        driver.present(PASSPORT_IN_SLOT_1)
    assert caught.value.fault is Fault.NOTHING_HELD
    driver.stage(1, PASSPORT_IN_SLOT_1)
    with pytest.raises(DispenserError) as caught:
        driver.present(PERMIT_IN_SLOT_2)  # another document than the one held
    assert caught.value.fault is Fault.NOTHING_HELD
    assert simulator.stock.picker == PASSPORT_IN_SLOT_1 and simulator.stock.tray is None


def test_a_blocked_tray_refuses_the_stage_before_anything_is_picked(driver: SerialDispenserDriver,
                                                                     simulator: DispenserSimulator) -> None:
    simulator.block_tray()
    with pytest.raises(DispenserError) as caught:
        driver.stage(1, PASSPORT_IN_SLOT_1)
    assert caught.value.fault is Fault.TRAY_BLOCKED
    assert simulator.stock.physical(1) == PASSPORT_IN_SLOT_1 and simulator.stock.picker is None


def test_an_open_door_stops_present_with_the_document_still_held(driver: SerialDispenserDriver,
                                                                 simulator: DispenserSimulator) -> None:
    driver.stage(1, PASSPORT_IN_SLOT_1)
    simulator.set_door_open(True)
    with pytest.raises(DispenserError) as caught:
        driver.present(PASSPORT_IN_SLOT_1)
    assert caught.value.fault is Fault.DOOR_OPEN
    assert driver.status() is DeviceStatus.COVER_OPEN
    simulator.set_door_open(False)
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.PICKER


def test_a_document_this_kiosk_holds_is_busy_not_a_fault(driver: SerialDispenserDriver,
                                                         simulator: DispenserSimulator, state_file) -> None:
    """GIVEN a document staged by this driver WHEN the device manager asks status THEN BUSY (the
    check runs); a fresh driver (the kiosk restarted) sees the same picker as a fault to settle."""
    driver.stage(1, PASSPORT_IN_SLOT_1)
    assert driver.status() is DeviceStatus.BUSY
    restarted = SerialDispenserDriver(simulator.port, BAUD, timeouts=FAST_TIMEOUTS)
    try:
        assert restarted.status() is DeviceStatus.ERROR and "picker" in restarted.last_detail
    finally:
        restarted.close()
    driver.present(PASSPORT_IN_SLOT_1)
    assert driver.status() is DeviceStatus.READY
