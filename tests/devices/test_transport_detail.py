"""The transport part of doctor's device line: driver, node, and the USB identity it came from."""

from __future__ import annotations

from devices.scanner.keyboard_driver import KeyboardScanner
from devices.transport import describe_transport

from .scanner.recording import FakeInputBus, scanner_device
from .test_usb_ports import FakePort, Listing

CH340 = Listing(FakePort("/dev/ttyUSB0", vid=0x1A86, pid=0x7523, serial_number=None))


def test_serial_by_path_and_by_usb_identity() -> None:
    assert describe_transport({"driver": "serial", "port": "/dev/ttyS1"}, comports=CH340) == "serial /dev/ttyS1"
    assert describe_transport({"driver": "serial", "port": "usb:1a86:7523"}, comports=CH340) == \
        "serial /dev/ttyUSB0 (usb:1a86:7523)"
    assert describe_transport({"driver": "serial", "port": "usb:10c4:ea60"}, comports=CH340) == \
        "serial usb:10c4:ea60 (not plugged in)"


def test_hid_evdev_and_the_others() -> None:
    assert describe_transport({"driver": "hid", "port": "usb:0483:5750"}) == "hid 0483:5750"
    assert describe_transport({"driver": "evdev", "input_device": "Scanner"}) == "evdev 'Scanner'"
    assert describe_transport({"driver": "simulator", "port": ""}) == "simulator"
    assert describe_transport({"driver": "opencv", "source": "0"}) == "opencv"


def test_an_open_keyboard_scanner_names_its_event_node() -> None:
    bus = FakeInputBus()
    bus.plug(scanner_device("/dev/input/event5"))
    scanner = KeyboardScanner("Netum Scanner", list_devices=bus.listing, open_source=bus.open)
    try:
        scanner.status()
        assert describe_transport({"driver": "evdev", "input_device": "Netum Scanner"}, scanner) == \
            "evdev 'Netum Scanner' on /dev/input/event5"
    finally:
        scanner.close()
        bus.close()
