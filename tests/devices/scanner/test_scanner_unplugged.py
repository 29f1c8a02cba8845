"""A scanner pulled out and plugged back in: scanner.offline while out, scans again after."""

from __future__ import annotations

import time

import pytest

from devices.base import DeviceStatus
from devices.scanner.contract import ScannerError
from devices.scanner.driver import RECONNECT_INTERVAL

from .conftest import SCAN_TIMEOUT, texts


def test_on_demand_reads_raise_while_unplugged_and_reconnect_after(scanner, simulator):
    simulator.unplug()
    with pytest.raises(ScannerError) as error:
        scanner.read_scan(0.2)
    assert error.value.message_key == "scanner.offline"
    assert scanner.status() is DeviceStatus.DISCONNECTED

    simulator.plug_in()
    assert scanner.status() is DeviceStatus.READY
    simulator.scan("BACK")
    assert texts(scanner, 1) == ["BACK"]


def wait_for_status(scanner, wanted: DeviceStatus, timeout: float) -> DeviceStatus:
    deadline = time.monotonic() + timeout
    while scanner.status() is not wanted and time.monotonic() < deadline:
        time.sleep(0.02)
    return scanner.status()


def test_background_reader_reports_and_retries(scanner, simulator):
    seen = []
    scanner.subscribe(seen.append)
    simulator.unplug()
    assert wait_for_status(scanner, DeviceStatus.DISCONNECTED, SCAN_TIMEOUT) is DeviceStatus.DISCONNECTED
    with pytest.raises(ScannerError):
        scanner.read_scan(0.1)

    simulator.plug_in()
    assert wait_for_status(scanner, DeviceStatus.READY, RECONNECT_INTERVAL + SCAN_TIMEOUT) is DeviceStatus.READY
    simulator.scan("AGAIN")
    assert texts(scanner, 1) == ["AGAIN"]
    assert [scan.text for scan in seen] == ["AGAIN"]
