"""Hot plug: every USB device configured by USB identity can be pulled out and put back while
the kiosk runs. While it is out, its driver says exactly what it says for a serial fault today
(the same message key and status as a port path that does not exist); when it is back under
another /dev/tty number, the same driver object finds it through the port listing
(pyserial's comports(), the seam in devices/usb_ports.py) and works again: no restart.

Each device is its simulator on a real pty, listed with USB ids while plugged in. The ID card
reader's replug is in idcard/test_idcard_usb_identity.py, the keyboard-mode scanner's in
scanner/test_keyboard_scanner.py and the HID reader's in idcard/test_idcard_hid.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.base import DeviceStatus
from devices.channels import open_pty
from devices.permit.contract import PermitError
from devices.permit.driver import SerialPermitDriver
from devices.permit.simulator import PermitCardSimulator
from devices.printer.contract import PrinterError
from devices.printer.driver import EscposPrinter, EscposSerialLink
from devices.printer.encoder import PaperLayout
from devices.printer.receipt import Receipt, Text
from devices.printer.simulator import PtyEndpoint, VirtualPrinter
from devices.scanner.contract import ScannerError
from devices.scanner.driver import SerialScanner
from devices.scanner.simulator import ScannerSimulator

from .test_usb_ports import FakePort, Listing

MISSING_PATH = "/dev/ttyUSB-not-here"


def renumbered(plug: Callable[[], str], old_path: str) -> str:
    """Plug back in while the old number is still taken, so the device gets another one."""
    placeholder = open_pty()
    try:
        new_path = plug()
    finally:
        placeholder.close()
    assert new_path != old_path
    return new_path


def listed(listing: Listing, path: str, serial_number: str) -> None:
    listing.ports = [FakePort(os.path.realpath(path), serial_number=serial_number)]


# ---- the permit module -----------------------------------------------------------------------


@pytest.fixture
def permit_module(tmp_path: Path) -> Iterator[PermitCardSimulator]:
    simulator = PermitCardSimulator(tmp_path / "permit-cards.json")
    yield simulator
    simulator.stop()


def test_the_permit_module_unplugged_and_replugged(permit_module: PermitCardSimulator) -> None:
    listing = Listing()
    first = permit_module.start()
    listed(listing, first, "PERMIT-1")
    driver = SerialPermitDriver("usb:10c4:ea60:PERMIT-1", comports=listing)
    serial_fault = SerialPermitDriver(MISSING_PATH)
    try:
        assert driver.status() is DeviceStatus.NO_CARD  # connected, nothing in the slot

        permit_module.stop()
        listing.ports = []
        with pytest.raises(PermitError) as unplugged:
            driver.read_card()
        with pytest.raises(PermitError) as missing:
            serial_fault.read_card()
        assert unplugged.value.message_key == missing.value.message_key == "permit.disconnected"
        assert driver.status() is serial_fault.status() is DeviceStatus.DISCONNECTED

        listed(listing, renumbered(permit_module.start, first), "PERMIT-1")
        assert driver.status() is DeviceStatus.NO_CARD
        permit_module.insert_card("C12345678")
        assert driver.read_card().permit_number == "C12345678"
    finally:
        driver.close()
        serial_fault.close()


# ---- the serial scanner ----------------------------------------------------------------------


def test_the_serial_scanner_unplugged_and_replugged(tmp_path: Path) -> None:
    listing = Listing()
    simulator = ScannerSimulator(tmp_path / "scanner.tty")
    simulator.start()
    listed(listing, str(simulator.path), "SCAN-1")
    scanner = SerialScanner("usb:10c4:ea60:SCAN-1", 9600, comports=listing)
    serial_fault = SerialScanner(MISSING_PATH, 9600)
    try:
        assert scanner.status() is DeviceStatus.READY
        first = os.path.realpath(simulator.path)

        simulator.unplug()
        listing.ports = []
        with pytest.raises(ScannerError) as unplugged:
            scanner.read_scan(0.2)
        with pytest.raises(ScannerError) as missing:
            serial_fault.read_scan(0.2)
        assert unplugged.value.message_key == missing.value.message_key == "scanner.offline"
        assert scanner.status() is serial_fault.status() is DeviceStatus.DISCONNECTED

        def plug() -> str:
            simulator.plug_in()
            return os.path.realpath(simulator.path)

        listed(listing, renumbered(plug, first), "SCAN-1")
        assert scanner.status() is DeviceStatus.READY
        simulator.scan("AFTER-REPLUG")
        scan = scanner.read_scan(2.0)
        assert scan is not None and scan.text == "AFTER-REPLUG"
    finally:
        scanner.close()
        serial_fault.close()
        simulator.stop()


# ---- the serial receipt printer --------------------------------------------------------------


def test_the_serial_printer_unplugged_and_replugged(tmp_path: Path) -> None:
    listing = Listing()
    endpoint = PtyEndpoint(tmp_path / "printer.tty")
    simulator = VirtualPrinter(endpoint, tmp_path / "receipts", 512)
    simulator.start()
    listed(listing, str(tmp_path / "printer.tty"), "PRN-1")
    layout = PaperLayout("TM-T88V", 512)
    printer = EscposPrinter(EscposSerialLink("usb:10c4:ea60:PRN-1", 115200, comports=listing), layout)
    serial_fault = EscposPrinter(EscposSerialLink(MISSING_PATH, 115200), layout)
    try:
        assert printer.status() is DeviceStatus.READY
        first = os.path.realpath(tmp_path / "printer.tty")

        simulator.unplug()
        listing.ports = []
        assert printer.status() is serial_fault.status() is DeviceStatus.DISCONNECTED
        with pytest.raises(PrinterError) as unplugged:
            printer.print_receipt(_receipt())
        with pytest.raises(PrinterError) as missing:
            serial_fault.print_receipt(_receipt())
        assert unplugged.value.message_key == missing.value.message_key

        def plug() -> str:
            simulator.plug_in()
            return os.path.realpath(tmp_path / "printer.tty")

        listed(listing, renumbered(plug, first), "PRN-1")
        assert printer.status() is DeviceStatus.READY
        printer.print_receipt(_receipt())
        assert len(simulator.wait_for_receipts(1, 5.0)) == 1
    finally:
        printer.close()
        serial_fault.close()
        simulator.stop()


def _receipt() -> Receipt:
    return Receipt().add(Text("after the replug"))
