"""The factory builds the scanner from [devices.scanner]: the serial driver, on a simulator by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.base import DeviceStatus
from devices.factory import DeviceContext, build_device
from devices.scanner.contract import ScannerError
from devices.scanner.driver import SerialScanner
from terminal.config import load_config

from .conftest import SCAN_TIMEOUT


@pytest.fixture
def settings() -> dict:
    return dict(load_config()["devices"]["scanner"])


def test_default_config_builds_the_serial_driver_on_a_simulated_scanner(settings, tmp_path: Path):
    context = DeviceContext(data_dir=tmp_path)
    scanner = build_device("scanner", settings, context)
    try:
        assert isinstance(scanner, SerialScanner)
        assert scanner.status() is DeviceStatus.READY
        context.simulators["scanner"].scan("SQ001")
        scan = scanner.read_scan(SCAN_TIMEOUT)
        assert scan is not None and scan.text == "SQ001"
    finally:
        context.close_all()
    assert not (tmp_path / "scanner" / "scanner.tty").exists()


def test_a_missing_port_is_disconnected_and_reads_raise(settings, tmp_path: Path):
    context = DeviceContext(data_dir=tmp_path)
    scanner = build_device("scanner", {**settings, "driver": "serial", "port": str(tmp_path / "ttyNONE")}, context)
    try:
        assert scanner.status() is DeviceStatus.DISCONNECTED
        with pytest.raises(ScannerError) as error:
            scanner.poll()
        assert error.value.message_key == "scanner.offline"
        assert "ttyNONE" in error.value.detail
    finally:
        context.close_all()
