"""Serial ports named by USB identity: parsing, resolution, a replug that renumbers the port.

The port listing is pyserial's comports() in a hall; here it is a list of records with the
attributes pyserial's ListPortInfo has, and the "USB devices" are real ptys: the link opens
whatever path the listing gives, as it would open /dev/ttyUSB0.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.schema import ConfigError
from devices.channels import PtyPair, open_pty
from devices.serial_link import LINK_ERRORS, SerialLink
from devices.usb_ports import (
    NoUsbMatch,
    SeveralUsbMatches,
    UsbIdentity,
    UsbLocation,
    UsbPortError,
    parse_port_spec,
    resolve_port,
)
from terminal.config import load_config

READER_VID, READER_PID = 0x10C4, 0xEA60  # a CP210x bridge, as on many SAM readers
TIMEOUT = 0.2


@dataclass
class FakePort:
    """The attributes of pyserial's ListPortInfo the resolution reads."""

    device: str
    vid: int | None = READER_VID
    pid: int | None = READER_PID
    serial_number: str | None = None
    location: str | None = "1-1.2"
    description: str = "CP2102 USB to UART Bridge Controller"


class Listing:
    """What comports() answers now; tests change it as devices come and go."""

    def __init__(self, *ports: FakePort) -> None:
        self.ports = list(ports)

    def __call__(self) -> list[FakePort]:
        return list(self.ports)


# ---- parsing ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "named"), [
    ("usb:10c4", "needs a vendor and a product id"),
    ("usb:", "needs a vendor and a product id"),
    ("usb:10g4:ea60", "vendor id (VID) '10g4'"),
    ("usb:10c4:ea6", "product id (PID) 'ea6'"),
    ("usb:0x10c4:ea60", "vendor id (VID) '0x10c4'"),
    ("usb:10c4:ea60:", "serial number ''"),
    ("usb:10c4:ea60:AB 12", "serial number 'AB 12'"),
    ("usb:10c4:ea60:AB*", "serial number 'AB*'"),
    ("usb-path:", "USB port location ''"),
    ("usb-path:front-left", "USB port location 'front-left'"),
    ("usb-path:1-1.2:1", "USB port location '1-1.2:1'"),
])
def test_a_bad_spec_names_the_part_that_is_wrong(spec: str, named: str) -> None:
    with pytest.raises(ValueError, match=named.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        parse_port_spec(spec)


@pytest.mark.parametrize(("spec", "parsed"), [
    ("/dev/ttyUSB0", "/dev/ttyUSB0"),
    ("/dev/serial/by-id/usb-Silicon_Labs_CP2102-if00-port0", "/dev/serial/by-id/usb-Silicon_Labs_CP2102-if00-port0"),
    ("", ""),
    ("usb:10C4:EA60", UsbIdentity(READER_VID, READER_PID)),
    ("usb:10c4:ea60:IDC-0001", UsbIdentity(READER_VID, READER_PID, "IDC-0001")),
    ("usb:0403:6001:A1:B2", UsbIdentity(0x0403, 0x6001, "A1:B2")),  # the serial is everything after PID
    ("usb-path:1-1.2", UsbLocation("1-1.2")),
    ("usb-path:3-2.4.1:1.0", UsbLocation("3-2.4.1:1.0")),
])
def test_paths_stay_paths_and_usb_specs_parse(spec: str, parsed: object) -> None:
    assert parse_port_spec(spec) == parsed


def test_a_bad_spec_in_the_configuration_names_its_key(tmp_path: Path) -> None:
    override = tmp_path / "terminal.toml"
    override.write_text('[devices.permit]\ndriver = "serial"\nport = "usb:067b:23o3"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config([override])
    assert caught.value.key == "devices.permit.port"
    assert "product id (PID) '23o3'" in caught.value.problem


def test_usb_specs_load_for_every_serial_port_key(tmp_path: Path) -> None:
    override = tmp_path / "terminal.toml"
    override.write_text('[devices.idcard]\nport = "usb:10c4:ea60:IDC1"\n[devices.permit]\nport = "usb-path:1-1.3"\n'
                        '[devices.scanner]\nport = "usb:05f9:4204"\n[devices.printer]\nport = "usb:0416:5011"\n',
                        encoding="utf-8")
    devices = load_config([override])["devices"]
    assert [devices[kind]["port"] for kind in ("idcard", "permit", "scanner", "printer")] == [
        "usb:10c4:ea60:IDC1", "usb-path:1-1.3", "usb:05f9:4204", "usb:0416:5011"]


# ---- resolution --------------------------------------------------------------------------------

def test_a_path_is_opened_as_it_is_without_looking_at_the_ports() -> None:
    def no_listing() -> list[FakePort]:
        raise AssertionError("a path needs no port listing")
    assert resolve_port("/dev/kiosk-idcard", no_listing) == "/dev/kiosk-idcard"


def test_an_identity_resolves_to_its_one_device() -> None:
    listing = Listing(FakePort("/dev/ttyS0", vid=None, pid=None, location=None, description="n/a"),
                      FakePort("/dev/ttyUSB0", vid=0x067B, pid=0x2303),
                      FakePort("/dev/ttyUSB1"))
    assert resolve_port("usb:10c4:ea60", listing) == "/dev/ttyUSB1"


def test_two_identical_readers_are_told_apart_by_serial_and_by_location() -> None:
    listing = Listing(FakePort("/dev/ttyUSB0", serial_number="IDC-A", location="1-1.2"),
                      FakePort("/dev/ttyUSB1", serial_number="IDC-B", location="1-1.4"))
    assert resolve_port("usb:10c4:ea60:IDC-B", listing) == "/dev/ttyUSB1"
    assert resolve_port("usb:10c4:ea60:IDC-A", listing) == "/dev/ttyUSB0"
    assert resolve_port("usb-path:1-1.4", listing) == "/dev/ttyUSB1"
    assert resolve_port("usb-path:1-1.2:1.0", listing) == "/dev/ttyUSB0"  # single-interface: pyserial says 1-1.2


def test_the_interfaces_of_one_multi_port_adapter_are_told_apart_by_location() -> None:
    listing = Listing(FakePort("/dev/ttyUSB0", vid=0x0403, pid=0x6011, location="1-1.3:1.0"),
                      FakePort("/dev/ttyUSB1", vid=0x0403, pid=0x6011, location="1-1.3:1.1"))
    assert resolve_port("usb-path:1-1.3:1.1", listing) == "/dev/ttyUSB1"
    with pytest.raises(SeveralUsbMatches):
        resolve_port("usb-path:1-1.3", listing)  # the adapter, not one of its ports


def test_no_match_says_which_device_is_missing() -> None:
    listing = Listing(FakePort("/dev/ttyUSB0", serial_number="IDC-A"))
    with pytest.raises(NoUsbMatch, match="^no USB device 10c4:ea60:IDC-B is plugged in$"):
        resolve_port("usb:10c4:ea60:IDC-B", listing)
    with pytest.raises(NoUsbMatch, match="^no USB device 067b:2303 is plugged in$"):
        resolve_port("usb:067b:2303", listing)
    with pytest.raises(NoUsbMatch, match="^no USB device on USB port 2-1 is plugged in$"):
        resolve_port("usb-path:2-1", listing)


def test_two_matches_are_listed_with_what_tells_them_apart() -> None:
    listing = Listing(FakePort("/dev/ttyUSB1", serial_number="IDC-B", location="1-1.4"),
                      FakePort("/dev/ttyUSB0", serial_number="IDC-A", location="1-1.2"))
    with pytest.raises(SeveralUsbMatches) as caught:
        resolve_port("usb:10c4:ea60", listing)
    message = str(caught.value)
    assert message.startswith("2 USB devices match usb:10c4:ea60: /dev/ttyUSB0  10c4:ea60  serial IDC-A  "
                              "location 1-1.2")
    assert "/dev/ttyUSB1  10c4:ea60  serial IDC-B  location 1-1.4" in message
    assert message.endswith("add the serial number (usb:VID:PID:SERIAL) or name the USB port (usb-path:LOCATION)")


def test_a_resolution_failure_is_a_link_error_like_a_missing_port() -> None:
    assert issubclass(UsbPortError, LINK_ERRORS)


# ---- a SerialLink following a device that comes back under another number ----------------------

class UsbDevice:
    """A USB-serial reader: a pty while plugged in, listed by the fake comports() with its ids."""

    def __init__(self, listing: Listing, serial_number: str, location: str) -> None:
        self.listing = listing
        self.serial_number = serial_number
        self.location = location
        self.pty: PtyPair | None = None

    def plug_in(self) -> str:
        """Plug in: a new pty, hence a new device path, as a replug can give ttyUSB1 for ttyUSB0."""
        self.pty = open_pty()
        self.listing.ports.append(FakePort(self.pty.slave_path, serial_number=self.serial_number,
                                           location=self.location))
        return self.pty.slave_path

    def unplug(self) -> None:
        self.listing.ports = [p for p in self.listing.ports if p.serial_number != self.serial_number]
        if self.pty is not None:
            self.pty.close()
            self.pty = None


@pytest.fixture
def listing() -> Listing:
    return Listing()


@pytest.fixture
def reader_a(listing: Listing) -> Iterator[UsbDevice]:
    device = UsbDevice(listing, "IDC-A", "1-1.2")
    yield device
    device.unplug()


@pytest.fixture
def reader_b(listing: Listing) -> Iterator[UsbDevice]:
    device = UsbDevice(listing, "IDC-B", "1-1.4")
    yield device
    device.unplug()


def talks(link: SerialLink, device: UsbDevice) -> bool:
    with link.io() as port:
        os.write(device.pty.master_fd, b"ping")
        heard = port.read(4)
        port.write(b"pong")
        port.flush()
    return heard == b"ping" and os.read(device.pty.master_fd, 4) == b"pong"


def test_a_replug_that_renumbers_the_port_is_followed(listing: Listing, reader_a: UsbDevice) -> None:
    first_path = reader_a.plug_in()
    link = SerialLink("usb:10c4:ea60:IDC-A", 9600, timeout=TIMEOUT, comports=listing)
    try:
        assert talks(link, reader_a)
        assert link.path == first_path

        reader_a.unplug()
        with pytest.raises(LINK_ERRORS), link.io() as port:
            port.read(1)
        assert not link.is_open
        with pytest.raises(NoUsbMatch):  # unplugged: nothing to open, nothing left open
            link.port()
        assert not link.is_open

        placeholder = open_pty()  # keeps the old number taken, so the replug gets another one
        try:
            second_path = reader_a.plug_in()
        finally:
            placeholder.close()
        assert second_path != first_path
        assert talks(link, reader_a)
        assert link.path == second_path
    finally:
        link.drop()


def test_two_identical_readers_open_the_right_pty(listing: Listing, reader_a: UsbDevice,
                                                   reader_b: UsbDevice) -> None:
    reader_b.plug_in()
    reader_a.plug_in()
    links = {spec: SerialLink(spec, 9600, timeout=TIMEOUT, comports=listing)
             for spec in ("usb:10c4:ea60:IDC-A", "usb-path:1-1.4")}
    try:
        assert talks(links["usb:10c4:ea60:IDC-A"], reader_a)
        assert talks(links["usb-path:1-1.4"], reader_b)
        ambiguous = SerialLink("usb:10c4:ea60", 9600, timeout=TIMEOUT, comports=listing)
        with pytest.raises(SeveralUsbMatches):
            ambiguous.port()
        assert not ambiguous.is_open
    finally:
        for link in links.values():
            link.drop()
