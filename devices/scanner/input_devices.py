"""Which Linux input device is the scanner, and reading its key events.

A keyboard-mode scanner is an input device among the kiosk's others (the touch screen, maybe
a real keyboard); its /dev/input/eventN number changes with every replug, so it is named by
what it is: `usb:VID:PID[:SERIAL]` (the serial is the device's `uniq`) or the name the device
gives itself ("Netum Scanner", as `devices list` shows it). Only devices that can type letters
count, so a scanner that also exposes a consumer-control node still matches once.

The event source is a small interface so the driver's logic runs on recorded event streams in
tests: EvdevSource reads a real device through python-evdev and grabs it (EVIOCGRAB), so the
scanned codes never reach the screen as typing; RawEventSource reads the same struct
input_event bytes from any file descriptor (a recording, a pipe). python-evdev is imported
only when a real device is listed or opened.
"""

from __future__ import annotations

import errno
import os
import select
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from devices.scanner.keyboard import INPUT_EVENT, KeyEvent, parse_input_events
from devices.usb_ports import USB_PREFIX, UsbIdentity, parse_port_spec

BUS_USB = 0x03  # input_id.bustype of USB devices (linux/input.h)
KEY_A = 30  # a device that can type "a" is a keyboard (scanners, keyboards), not a mouse or a button
READ_CHUNK = INPUT_EVENT.size * 256


@dataclass(frozen=True)
class InputDeviceInfo:
    """One input device as the kernel describes it."""

    path: str  # /dev/input/eventN
    name: str
    bus: int
    vendor: int
    product: int
    uniq: str  # the USB serial number when the device has one
    phys: str
    types_letters: bool

    def describe(self) -> str:
        return (f"{self.path}  {self.vendor:04x}:{self.product:04x}  serial {self.uniq or '-'}  "
                f"'{self.name}'  {self.phys or '-'}")


InputLister = Callable[[], Iterable[InputDeviceInfo]]


class InputDeviceError(OSError):
    """The configured input device is not there, or is not one device: "cannot open" to the driver."""


@dataclass(frozen=True)
class InputDeviceSpec:
    """`usb:VID:PID[:SERIAL]` or a device name."""

    usb: UsbIdentity | None = None
    name: str | None = None

    @classmethod
    def parse(cls, text: str) -> InputDeviceSpec:
        """Raises ValueError naming what is wrong (for the configuration check)."""
        if text.startswith(USB_PREFIX):
            parsed = parse_port_spec(text)
            assert isinstance(parsed, UsbIdentity)
            return cls(usb=parsed)
        if not text.strip():
            raise ValueError("is empty: give the scanner's input device name (as `devices list` shows it) "
                             "or usb:VID:PID[:SERIAL]")
        return cls(name=text)

    def matches(self, device: InputDeviceInfo) -> bool:
        if not device.types_letters:
            return False
        if self.usb is not None:
            return (device.bus == BUS_USB and device.vendor == self.usb.vid and device.product == self.usb.pid
                    and (self.usb.serial_number is None or device.uniq == self.usb.serial_number))
        return device.name == self.name

    def __str__(self) -> str:
        return str(self.usb) if self.usb is not None else f"'{self.name}'"


def find_input_device(spec: InputDeviceSpec, devices: Iterable[InputDeviceInfo]) -> InputDeviceInfo:
    """The one keyboard-capable device `spec` names."""
    found = sorted((device for device in devices if spec.matches(device)), key=lambda d: d.path)
    if not found:
        raise InputDeviceError(errno.ENODEV, f"no input device {spec} is plugged in")
    if len(found) > 1:
        listed = "; ".join(device.describe() for device in found)
        raise InputDeviceError(errno.EEXIST, f"{len(found)} input devices match {spec}: {listed}; "
                                             "name it by usb:VID:PID:SERIAL")
    return found[0]


class EventSource(Protocol):
    """An open input device: its events as they come."""

    def read(self, wait: float) -> list[KeyEvent]:
        """The events that arrived, waiting up to `wait` s for the first; OSError when the device is gone."""
        ...

    def close(self) -> None:
        ...


class RawEventSource:
    """struct input_event records from a file descriptor (a recorded stream, a pipe, an event node).
    The end of the stream is the device going away, as an unplugged node reports ENODEV."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._rest = b""

    def read(self, wait: float) -> list[KeyEvent]:
        ready, _, _ = select.select([self._fd], [], [], wait)
        if not ready:
            return []
        data = os.read(self._fd, READ_CHUNK)
        if not data:
            raise OSError(errno.ENODEV, "the input device went away")
        events, self._rest = parse_input_events(self._rest + data)
        return events

    def close(self) -> None:
        os.close(self._fd)


class EvdevSource:
    """A real input device through python-evdev, grabbed so nothing else receives its keys."""

    def __init__(self, path: str) -> None:
        import evdev  # the binding is needed only on a kiosk with a keyboard-mode scanner

        self._device = evdev.InputDevice(path)
        try:
            self._device.grab()
        except OSError:
            self._device.close()
            raise

    def read(self, wait: float) -> list[KeyEvent]:
        ready, _, _ = select.select([self._device.fd], [], [], wait)
        if not ready:
            return []
        try:
            return [KeyEvent(event.timestamp(), event.type, event.code, event.value) for event in self._device.read()]
        except BlockingIOError:
            return []

    def close(self) -> None:
        try:
            self._device.ungrab()
        except OSError:
            pass  # an unplugged device is ungrabbed already
        self._device.close()


def open_evdev(device: InputDeviceInfo) -> EventSource:
    return EvdevSource(device.path)


def evdev_devices() -> list[InputDeviceInfo]:
    """The input devices this user may open (python-evdev's listing of /dev/input)."""
    import evdev

    found = []
    for path in evdev.list_devices():
        try:
            device = evdev.InputDevice(path)
        except OSError:
            continue  # gone between listing and opening, or not ours to read
        try:
            keys = device.capabilities().get(evdev.ecodes.EV_KEY, [])
            info = device.info
            found.append(InputDeviceInfo(path, device.name, info.bustype, info.vendor, info.product,
                                         device.uniq or "", device.phys or "", KEY_A in keys))
        finally:
            device.close()
    return found
