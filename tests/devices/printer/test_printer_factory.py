"""The factory builds the printer from [devices.printer]; the simulator is the real driver on a virtual printer."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.schema import ConfigError
from devices.base import Device, DeviceStatus
from devices.factory import DeviceContext, build_device
from devices.printer.contract import ReceiptPrinter
from devices.printer.driver import EscposPrinter
from devices.printer.receipt import Receipt, Text
from terminal.config import load_config

from .conftest import DRAW_TIMEOUT


@pytest.fixture
def settings() -> dict:
    return dict(load_config()["devices"]["printer"])


def test_default_config_builds_the_serial_driver_on_a_virtual_printer(settings, tmp_path: Path):
    context = DeviceContext(data_dir=tmp_path)
    printer = build_device("printer", settings, context)
    try:
        assert isinstance(printer, EscposPrinter)
        assert isinstance(printer, ReceiptPrinter) and isinstance(printer, Device)
        assert printer.description == f"serial printer {tmp_path / 'printer' / 'printer.tty'}"
        printer.print_receipt(Receipt().add(Text("factory")))
        [drawn] = context.simulators["printer"].wait_for_receipts(1, DRAW_TIMEOUT)
        assert drawn.path.parent == tmp_path / "printer" / "receipts"
    finally:
        context.close_all()
    assert not (tmp_path / "printer" / "printer.tty").exists()


def test_simulator_on_tcp_builds_the_network_driver(settings, tmp_path: Path):
    context = DeviceContext(data_dir=tmp_path)
    printer = build_device("printer", {**settings, "simulator_transport": "tcp"}, context)
    try:
        assert printer.description.startswith("network printer 127.0.0.1:")
        assert printer.status() is DeviceStatus.READY
    finally:
        context.close_all()


def test_file_driver_writes_the_job_to_the_file(settings, tmp_path: Path):
    target = tmp_path / "capture.bin"
    context = DeviceContext(data_dir=tmp_path)
    printer = build_device("printer", {**settings, "driver": "file", "file_path": str(target)}, context)
    printer.print_receipt(Receipt().add(Text("to file")))
    context.close_all()
    assert target.read_bytes() == b"\x1b@to file\n\x1bd\x06\x1dV\x00"


def test_usb_driver_without_the_printer_is_disconnected(settings, tmp_path: Path):
    """Goes through pyusb and libusb for real: no such device on this machine."""
    context = DeviceContext(data_dir=tmp_path)
    printer = build_device("printer", {**settings, "driver": "usb", "usb_vendor_id": 0xFFFE,
                                       "usb_product_id": 0xFFFD}, context)
    try:
        assert printer.status() is DeviceStatus.DISCONNECTED
        assert "USB printer fffe:fffd" in printer.last_detail
    finally:
        context.close_all()


def test_unknown_profile_is_a_configuration_error_naming_the_key(settings, tmp_path: Path):
    with pytest.raises(ConfigError, match="devices.printer.profile"):
        build_device("printer", {**settings, "driver": "file", "profile": "NO-SUCH"}, DeviceContext(tmp_path))
