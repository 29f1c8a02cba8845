"""Serial ports named by what the device is, not by the number the kernel gave it this boot.

Why: /dev/ttyUSB0 and /dev/ttyUSB1 are handed out in the order USB adapters enumerate, so a
power cut, a replug or a hub reset can swap the ID card reader and the permit module, and the
kiosk then talks to the wrong device. A port setting may therefore be one of:

- a path, as before: `/dev/ttyUSB0`, `/dev/serial/by-id/...`, `/dev/kiosk-idcard`, a pty;
- `usb:VID:PID` or `usb:VID:PID:SERIAL`: the USB-serial device with that vendor and product id
  (4 hex digits each) and, when two identical readers are plugged in, that serial number;
- `usb-path:LOCATION`: the device on that physical USB port, as pyserial reports it in
  `ListPortInfo.location` (`1-1.2`, or `1-1.2:1.0` for one interface of a multi-port adapter),
  for identical devices that carry no serial number.

A spec is resolved to a device path through pyserial's `comports()` each time a port is opened
(SerialLink does it at every open and reopen), so a replug that renumbers the port is followed.
The listing is a parameter (`comports`) so tests hand in ListPortInfo-like records.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import serial
from serial.tools import list_ports

from core.schema import ConfigError, Field

USB_PREFIX = "usb:"
USB_PATH_PREFIX = "usb-path:"
# USB vendor and product ids: 16-bit numbers, written as udev and lsusb write them.
HEX_ID = re.compile(r"[0-9A-Fa-f]{4}")
# A serial number as a udev rule can quote it exactly: printable ASCII without blanks, quotes,
# backslashes or udev's glob characters (which would make the rule match more than one device).
SERIAL_NUMBER = re.compile(r"[!#-)+->@-Z^-~]+")
# pyserial's location of a USB device: bus-port[.port...], and ":config.interface" for one
# interface of a multi-interface adapter (Linux sysfs names: 1-1.2, 1-1.2:1.0).
LOCATION = re.compile(r"\d+-\d+(\.\d+)*(:\d+\.\d+)?")
# Configuration keys naming a serial port, per device kind, and the drivers that use them.
PORT_KEYS: Mapping[str, str] = {"idcard": "port", "permit": "port", "scanner": "port", "printer": "port",
                                "dispenser": "port",
                                "card_terminal": "port",
                                "fingerprint": "port"}
SERIAL_DRIVER = "serial"


class PortInfo(Protocol):
    """What is used of pyserial's ListPortInfo (tests pass records with these attributes)."""

    device: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    location: str | None
    description: str


PortLister = Callable[[], Iterable[PortInfo]]


class UsbPortError(serial.SerialException):
    """A USB identity that does not name exactly one plugged-in device.

    A SerialException (hence one of serial_link.LINK_ERRORS) on purpose: to a driver it is the
    same "cannot open the port" as a missing /dev/ttyUSB0, and the message is its reason.
    """


class NoUsbMatch(UsbPortError):
    pass


class SeveralUsbMatches(UsbPortError):
    pass


@dataclass(frozen=True)
class UsbIdentity:
    """`usb:VID:PID[:SERIAL]`: which device, wherever it is plugged in."""

    vid: int
    pid: int
    serial_number: str | None = None

    def matches(self, port: PortInfo) -> bool:
        return (port.vid == self.vid and port.pid == self.pid
                and (self.serial_number is None or port.serial_number == self.serial_number))

    def describe(self) -> str:
        """VID:PID[:SERIAL], as the technician wrote it (ids in lower case)."""
        ids = f"{self.vid:04x}:{self.pid:04x}"
        return f"{ids}:{self.serial_number}" if self.serial_number is not None else ids

    def __str__(self) -> str:
        return USB_PREFIX + self.describe()


@dataclass(frozen=True)
class UsbLocation:
    """`usb-path:LOCATION`: whatever USB-serial device is plugged into that physical port."""

    location: str

    def matches(self, port: PortInfo) -> bool:
        return port.vid is not None and port.location is not None and _same_place(self.location, port.location)

    def describe(self) -> str:
        return f"on USB port {self.location}"

    def __str__(self) -> str:
        return USB_PATH_PREFIX + self.location


UsbSpec = UsbIdentity | UsbLocation


def parse_port_spec(spec: str) -> str | UsbSpec:
    """A path (returned as it is) or a USB spec. Raises ValueError naming the part that is wrong."""
    if spec.startswith(USB_PREFIX):
        return _parse_identity(spec[len(USB_PREFIX):])
    if spec.startswith(USB_PATH_PREFIX):
        return _parse_location(spec[len(USB_PATH_PREFIX):])
    return spec


def _parse_identity(text: str) -> UsbIdentity:
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise ValueError(f"'usb:{text}' needs a vendor and a product id: usb:VID:PID or usb:VID:PID:SERIAL")
    vid, pid = (_hex_id(part, name) for part, name in zip(parts, ("vendor id (VID)", "product id (PID)")))
    if len(parts) == 2:
        return UsbIdentity(vid, pid)
    serial_number = parts[2]
    if not SERIAL_NUMBER.fullmatch(serial_number):
        raise ValueError(f"serial number {serial_number!r} must be printable characters without blanks, "
                         "quotes, backslashes or * ? [ ]")
    return UsbIdentity(vid, pid, serial_number)


def _hex_id(text: str, name: str) -> int:
    if not HEX_ID.fullmatch(text):
        raise ValueError(f"{name} {text!r} must be 4 hexadecimal digits, e.g. 10c4")
    return int(text, 16)


def _parse_location(text: str) -> UsbLocation:
    if not LOCATION.fullmatch(text):
        raise ValueError(f"USB port location {text!r} must look like 1-1.2 or 1-1.2:1.0 "
                         "(the location `devices list` shows)")
    return UsbLocation(text)


def _same_place(wanted: str, location: str) -> bool:
    """pyserial names single-interface devices 1-1.2 and multi-interface ones 1-1.2:1.0: the
    device parts must agree, and the interface parts when both sides have one."""
    wanted_device, _, wanted_interface = wanted.partition(":")
    device, _, interface = location.partition(":")
    return wanted_device == device and (not wanted_interface or not interface or wanted_interface == interface)


def resolve_port(spec: str, comports: PortLister = list_ports.comports) -> str:
    """The device path to open for `spec`: a path as it is, a USB spec as the one device it names.

    Raises NoUsbMatch or SeveralUsbMatches (UsbPortError) when a USB spec names no device or
    more than one, and ValueError for a spec that does not parse.
    """
    parsed = parse_port_spec(spec)
    if isinstance(parsed, str):
        return parsed
    return matching_port(parsed, comports()).device


def matching_port(spec: UsbSpec, ports: Iterable[PortInfo]) -> PortInfo:
    """The one port `spec` names among `ports`."""
    found = [port for port in ports if spec.matches(port)]
    if not found:
        raise NoUsbMatch(f"no USB device {spec.describe()} is plugged in")
    if len(found) > 1:
        listed = "; ".join(describe_port(port) for port in sorted(found, key=lambda p: p.device))
        raise SeveralUsbMatches(f"{len(found)} USB devices match {spec}: {listed}; add the serial number "
                                "(usb:VID:PID:SERIAL) or name the USB port (usb-path:LOCATION)")
    return found[0]


def describe_port(port: PortInfo) -> str:
    """One port as the technician needs it to write a spec: path, VID:PID, serial, location."""
    ids = f"{port.vid:04x}:{port.pid:04x}" if port.vid is not None and port.pid is not None else "-"
    return (f"{port.device}  {ids}  serial {port.serial_number or '-'}  location {port.location or '-'}  "
            f"{port.description}")


def usb_serial_ports(comports: PortLister = list_ports.comports) -> list[PortInfo]:
    """The USB-serial devices plugged in, by device path (ports with no USB ids are not USB)."""
    return sorted((port for port in comports() if port.vid is not None), key=lambda port: port.device)


@dataclass(frozen=True)
class PortField(Field):
    """A port setting: a string that is a path or a well-formed USB spec, checked when the
    configuration loads so a typo is named with its key there, not found at the first open."""

    def check(self, value: Any, source: str, key: str) -> None:
        super().check(value, source, key)
        try:
            parse_port_spec(value)
        except ValueError as exc:
            raise ConfigError(source, key, str(exc)) from None


PORT_HELP = ("a path (/dev/ttyUSB0, a /dev/serial/by-id/ name, a udev link such as /dev/kiosk-{kind}), "
             "or the USB device itself: usb:VID:PID, usb:VID:PID:SERIAL or usb-path:LOCATION "
             "(`python main.py devices list` shows them)")


def port_field(what: str, kind: str) -> PortField:
    """The schema entry of a port key: `what` says whose port it is and when it is used."""
    return PortField(str, f"{what}: {PORT_HELP.format(kind=kind)}")


# ---- the configuration's ports ------------------------------------------------------------------


@dataclass(frozen=True)
class ConfiguredPort:
    """A device whose driver opens a serial port, and the port spec configured for it."""

    kind: str
    key: str
    spec: str

    @property
    def setting(self) -> str:
        """The dotted configuration key, as error messages and fixes name it."""
        return f"devices.{self.kind}.{self.key}"


def configured_ports(devices: Mapping[str, Mapping[str, Any]]) -> list[ConfiguredPort]:
    """Ports the configuration really opens: devices on the serial driver with a port set
    (a simulator's port setting is not used, so it is not reported)."""
    return [ConfiguredPort(kind, key, devices[kind][key]) for kind, key in PORT_KEYS.items()
            if kind in devices and devices[kind].get("driver") == SERIAL_DRIVER and devices[kind].get(key)]


def configured_usb_ports(devices: Mapping[str, Mapping[str, Any]]) -> list[tuple[ConfiguredPort, UsbSpec]]:
    """The configured ports given as USB specs, parsed (the configuration was validated at load)."""
    found = []
    for configured in configured_ports(devices):
        parsed = parse_port_spec(configured.spec)
        if not isinstance(parsed, str):
            found.append((configured, parsed))
    return found


def users_of(port: PortInfo, configured: Sequence[ConfiguredPort]) -> list[str]:
    """The configured devices that open `port`: by USB spec, or by a path leading to it."""
    users = []
    for entry in configured:
        parsed = parse_port_spec(entry.spec)
        if isinstance(parsed, str):
            if os.path.realpath(parsed) == os.path.realpath(port.device):
                users.append(f"{entry.kind} ({entry.spec})")
        elif parsed.matches(port):
            users.append(f"{entry.kind} ({entry.spec})")
    return users
