"""Fixtures for the scanner tests: a simulated scanner on a real pty, the real driver on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.scanner.driver import SerialScanner
from devices.scanner.simulator import ScannerSimulator

# How long a test waits for a scan the simulator has already sent.
SCAN_TIMEOUT = 2.0


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[ScannerSimulator]:
    sim = ScannerSimulator(tmp_path / "scanner.tty")
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def scanner(simulator: ScannerSimulator) -> Iterator[SerialScanner]:
    device = SerialScanner(str(simulator.path), 9600)
    device.status()  # open the port before the test scans, as the kiosk does at start
    yield device
    device.close()


def texts(scanner: SerialScanner, count: int) -> list[str]:
    """The next `count` scans' texts (fails the test when one does not come)."""
    found = []
    for _ in range(count):
        scan = scanner.read_scan(SCAN_TIMEOUT)
        assert scan is not None, f"only {len(found)} of {count} scans arrived"
        found.append(scan.text)
    return found
