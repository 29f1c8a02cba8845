"""Fixtures for the fingerprint tests: the simulated module on a real pty, the real driver on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.fingerprint.driver import SerialFingerprintScanner, Timeouts
from devices.fingerprint.simulator import FAST_TIMING, FingerprintSimulator

# Short waits keep fault tests fast; the simulator answers in milliseconds with FAST_TIMING.
FAST_TIMEOUTS = Timeouts(command=0.4, upload_margin=0.5)
BAUD = 115200


@pytest.fixture
def simulator() -> Iterator[FingerprintSimulator]:
    # No wire time: the bytes are the same, the tests need not wait 3 s for each image.
    sim = FingerprintSimulator(BAUD, timing=FAST_TIMING, model_wire_time=False)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def driver(simulator: FingerprintSimulator) -> Iterator[SerialFingerprintScanner]:
    device = SerialFingerprintScanner(simulator.port, BAUD, timeouts=FAST_TIMEOUTS)
    yield device
    device.close()
