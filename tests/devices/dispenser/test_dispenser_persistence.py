"""The simulated module's stock survives a restart, as a real module's slots and NVRAM do."""

from __future__ import annotations

from pathlib import Path

from devices.dispenser.contract import Location
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.simulator import FAST_TIMING, DispenserSimulator
from devices.dispenser.stock import DEMO_STOCK, DispenserStock
from tests.devices.dispenser.conftest import BAUD, FAST_TIMEOUTS, PASSPORT_IN_SLOT_1


def _restart(state_file: Path) -> tuple[DispenserSimulator, SerialDispenserDriver]:
    simulator = DispenserSimulator(state_file, baud=BAUD, timing=FAST_TIMING)
    return simulator, SerialDispenserDriver(simulator.start(), BAUD, timeouts=FAST_TIMEOUTS)


def test_loads_dispenses_and_takes_survive_a_restart(state_file: Path) -> None:
    simulator, driver = _restart(state_file)
    driver.load(10, "E70000010")
    driver.dispense(1, PASSPORT_IN_SLOT_1)
    simulator.take_document()
    driver.close()
    simulator.stop()

    simulator, driver = _restart(state_file)
    try:
        assert driver.where_is("E70000010").slot == 10
        assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.TAKEN
        assert driver.slots()[0].document_id is None
    finally:
        driver.close()
        simulator.stop()


def test_a_store_of_another_version_is_reseeded(state_file: Path) -> None:
    state_file.write_text('{"version": 0}', encoding="utf-8")
    stock = DispenserStock(state_file)
    assert [s.document_id for s in stock.slots()[:len(DEMO_STOCK)]] == [d.document_id for d in DEMO_STOCK]
