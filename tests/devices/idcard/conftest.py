"""Fixtures for the ID card reader tests: a simulated SAM module on a real pty, the real driver on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.idcard.driver import SerialIdCardReader, Timeouts
from devices.idcard.simulator import IdCardSimulator

# Short waits keep fault tests fast; still far above the simulator's line time for quick frames.
FAST_TIMEOUTS = Timeouts(answer_s=0.3, card_read_s=0.6, frame_margin_s=0.05)


@pytest.fixture
def simulator() -> Iterator[IdCardSimulator]:
    sim = IdCardSimulator()
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def reader(simulator: IdCardSimulator) -> Iterator[SerialIdCardReader]:
    device = SerialIdCardReader(simulator.path, timeouts=FAST_TIMEOUTS)
    yield device
    device.close()
