"""Fixtures for the dispenser tests: the simulated module on a real pty, the real driver on it.

The simulator starts with its demo stock (devices/dispenser/stock.py DEMO_STOCK): slots 1-5
loaded, slot 4 holding another document than it was loaded with.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.dispenser.driver import SerialDispenserDriver, Timeouts
from devices.dispenser.simulator import FAST_TIMING, DispenserSimulator

BAUD = 38400
# Short waits keep fault tests fast; still far above the simulator's wire and mechanism time.
FAST_TIMEOUTS = Timeouts(status=0.3, load=0.5, dispense=0.8, retract=0.8)
# A demo document that is where its slot says (slot 1), and the mis-slotted one (slot 4).
PASSPORT_IN_SLOT_1 = "E61234501"
LOADED_IN_SLOT_4 = "E61234504"
REALLY_IN_SLOT_4 = "E61234505"


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "dispenser-stock.json"


@pytest.fixture
def simulator(state_file: Path) -> Iterator[DispenserSimulator]:
    sim = DispenserSimulator(state_file, baud=BAUD, timing=FAST_TIMING)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def driver(simulator: DispenserSimulator) -> Iterator[SerialDispenserDriver]:
    device = SerialDispenserDriver(simulator.port, BAUD, timeouts=FAST_TIMEOUTS, take_poll_s=0.01)
    yield device
    device.close()
