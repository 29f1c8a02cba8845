"""A document handed out through the simulator over a pty: taken, or left and retracted."""

from __future__ import annotations

from devices.base import DeviceStatus
from devices.dispenser.contract import DocumentDispenser, Location, Slot, TakeOutcome, Whereabouts
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import PASSPORT_IN_SLOT_1


def test_the_driver_fulfils_the_contract(driver: SerialDispenserDriver) -> None:
    assert isinstance(driver, DocumentDispenser)
    assert driver.status() is DeviceStatus.READY


def test_demo_stock_is_in_the_slots(driver: SerialDispenserDriver) -> None:
    slots = driver.slots()
    assert len(slots) == 12
    assert slots[0] == Slot(1, PASSPORT_IN_SLOT_1)
    assert [s.number for s in slots if s.document_id] == [1, 2, 3, 4, 5]


def test_a_document_taken_from_the_tray(driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    simulator.take_after(0.05)
    driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert driver.where_is(PASSPORT_IN_SLOT_1) == Whereabouts(PASSPORT_IN_SLOT_1, Location.TRAY)
    assert driver.slots()[0] == Slot(1, None)
    assert driver.wait_taken(2.0) is TakeOutcome.TAKEN
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.TAKEN


def test_a_document_left_in_the_tray_is_retracted_to_the_reject_bin(
        driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    simulator.leave_document()
    driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert driver.wait_taken(0.1) is TakeOutcome.NOT_TAKEN
    assert driver.retract() == PASSPORT_IN_SLOT_1
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.REJECT_BIN
    status = driver.module_status()
    assert status.reject_count == 1 and not status.sensors.tray_occupied


def test_the_mechanics_take_the_modelled_time(state_file) -> None:
    """GIVEN the default timing (pick 0.8 + read 0.2 + deliver 0.6 s) WHEN a document is dispensed
    THEN it takes at least that long: the clock the tests shorten is the one the demo runs on."""
    import time

    from devices.dispenser.simulator import SimulatorTiming

    timing = SimulatorTiming(pick=0.1, read=0.05, deliver=0.1)
    sim = DispenserSimulator(state_file, timing=timing)
    driver = SerialDispenserDriver(sim.start(), 38400)
    try:
        started = time.monotonic()
        driver.dispense(1, PASSPORT_IN_SLOT_1)
        assert time.monotonic() - started >= 0.25
    finally:
        driver.close()
        sim.stop()


def test_load_then_dispense_a_new_document(driver: SerialDispenserDriver, simulator: DispenserSimulator) -> None:
    driver.load(8, "E70000008")
    assert driver.where_is("E70000008") == Whereabouts("E70000008", Location.SLOT, 8)
    driver.dispense(8, "E70000008")
    simulator.take_document()
    assert driver.wait_taken(0.5) is TakeOutcome.TAKEN


def test_unload_gives_the_document_back_to_staff(driver: SerialDispenserDriver) -> None:
    assert driver.unload(1) == PASSPORT_IN_SLOT_1
    assert driver.slots()[0].document_id is None
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.UNKNOWN
