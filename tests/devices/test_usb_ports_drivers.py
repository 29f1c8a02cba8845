"""The permit, scanner and printer drivers keep their documented errors when a USB identity
names no device: the same "disconnected / cannot open" as a missing port, the reason in the detail."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.permit.contract import PermitError
from devices.permit.driver import SerialPermitDriver
from devices.printer.driver import EscposSerialLink, LinkDown
from devices.scanner.contract import ScannerError
from devices.scanner.driver import SerialScanner

from .test_usb_ports import Listing

NOTHING_PLUGGED = Listing()


def test_permit_module_not_plugged_in_is_disconnected() -> None:
    reader = SerialPermitDriver("usb:067b:2303", comports=NOTHING_PLUGGED)
    try:
        with pytest.raises(PermitError) as caught:
            reader.read_card()
        assert caught.value.message_key == "permit.disconnected"
        assert "no USB device 067b:2303 is plugged in" in caught.value.detail
        assert reader.status() is DeviceStatus.DISCONNECTED
    finally:
        reader.close()


def test_scanner_not_plugged_in_is_offline() -> None:
    scanner = SerialScanner("usb-path:1-1.3", 9600, comports=NOTHING_PLUGGED)
    try:
        assert scanner.status() is DeviceStatus.DISCONNECTED
        assert scanner.last_detail == "cannot open usb-path:1-1.3: no USB device on USB port 1-1.3 is plugged in"
        with pytest.raises(ScannerError):
            scanner.read_scan(0.01)
    finally:
        scanner.close()


def test_serial_printer_not_plugged_in_cannot_open() -> None:
    link = EscposSerialLink("usb:0416:5011", 9600, comports=NOTHING_PLUGGED)
    with pytest.raises(LinkDown, match="cannot open serial printer usb:0416:5011: "
                                       "no USB device 0416:5011 is plugged in"):
        link.open()
    assert not link.is_open
