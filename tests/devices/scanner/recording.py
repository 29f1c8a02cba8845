"""Recorded key event streams (evtest's text format) replayed to the keyboard-mode scanner driver.

The recordings in recordings/*.evtest are written in the format `evtest /dev/input/eventN`
prints, so a technician's capture of a real scanner can be dropped in beside them. They are
turned back into struct input_event bytes and written into a pipe: the driver reads them as
it reads a device node (devices/scanner/input_devices.py RawEventSource). Closing the pipe is
the device being unplugged.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from devices.scanner.input_devices import BUS_USB, InputDeviceInfo, RawEventSource
from devices.scanner.keyboard import EV_SYN, KeyEvent

RECORDINGS = Path(__file__).parent / "recordings"
EVENT_LINE = re.compile(r"Event: time (\d+\.\d+), type (\d+) \(\w+\), code (\d+) \(\w+\), value ([-0-9a-f]+)")
SYN_LINE = re.compile(r"Event: time (\d+\.\d+), -+ SYN_REPORT -+")
EV_MSC = 0x04  # evtest prints MSC_SCAN values in hexadecimal


def load(name: str) -> list[KeyEvent]:
    events = []
    for line in (RECORDINGS / name).read_text(encoding="utf-8").splitlines():
        if match := EVENT_LINE.fullmatch(line):
            type_, code = int(match[2]), int(match[3])
            value = int(match[4], 16) if type_ == EV_MSC else int(match[4])
            events.append(KeyEvent(float(match[1]), type_, code, value))
        elif match := SYN_LINE.fullmatch(line):
            events.append(KeyEvent(float(match[1]), EV_SYN, 0, 0))
        elif line and not line.startswith("#"):
            raise ValueError(f"{name}: not an evtest line: {line!r}")
    return events


def as_bytes(events: list[KeyEvent]) -> bytes:
    return b"".join(event.pack() for event in events)


def scanner_device(path: str = "/dev/input/event5", name: str = "Netum Scanner", uniq: str = "",
                   vendor: int = 0x0483, product: int = 0x5750, letters: bool = True) -> InputDeviceInfo:
    return InputDeviceInfo(path, name, BUS_USB, vendor, product, uniq, "usb-0000:00:14.0-1.2/input0", letters)


@dataclass
class FakeInputBus:
    """The input devices plugged in, each a pipe the test writes recorded bytes into.

    `devices` is what the driver's listing sees; `open` is its opener: it hands out the read end
    of the pipe of the device asked for. Unplugging closes the write end and removes the entry.
    """

    devices: list[InputDeviceInfo] = field(default_factory=list)
    writers: dict[str, int] = field(default_factory=dict)
    opened: list[str] = field(default_factory=list)
    _readers: dict[str, int] = field(default_factory=dict)

    def plug(self, device: InputDeviceInfo) -> None:
        read_end, write_end = os.pipe()
        self._readers[device.path] = read_end
        self.writers[device.path] = write_end
        self.devices.append(device)

    def unplug(self, path: str) -> None:
        os.close(self.writers.pop(path))
        self.devices = [device for device in self.devices if device.path != path]

    def send(self, path: str, data: bytes) -> None:
        os.write(self.writers[path], data)

    def listing(self) -> list[InputDeviceInfo]:
        return list(self.devices)

    def open(self, device: InputDeviceInfo) -> RawEventSource:
        if device.path not in self._readers:
            raise FileNotFoundError(2, f"{device.path}: No such file or directory")
        self.opened.append(device.path)
        return RawEventSource(self._readers.pop(device.path))

    def close(self) -> None:
        for fd in [*self.writers.values(), *self._readers.values()]:
            os.close(fd)
        self.writers.clear()
        self._readers.clear()
