"""The QR scanner in USB keyboard mode (`[devices.scanner] driver = "evdev"`).

Most scanners leave the factory as a USB keyboard. Reading one as a keyboard through the
screen would let every scan type into whatever widget has focus; this driver instead opens
the scanner's input device, grabs it (no other reader gets its keys) and turns its key events
into scans (devices/scanner/keyboard.py). Used like the serial driver, through the same
QueuedScanner (on demand or in the background), with the same messages: while the scanner is
unplugged it reports DISCONNECTED and `scanner.offline`, and it looks for the device again at
the next call, so a replug under another /dev/input/eventN is followed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from core.schema import ConfigError
from devices.base import DeviceStatus
from devices.scanner.contract import Scan
from devices.scanner.driver import QueuedScanner
from devices.scanner.input_devices import (
    EventSource,
    InputDeviceInfo,
    InputDeviceSpec,
    InputLister,
    evdev_devices,
    find_input_device,
    open_evdev,
)
from devices.scanner.keyboard import KeyboardScanDecoder

log = logging.getLogger(__name__)

SCAN_ENCODING = "keyboard"  # Scan.encoding of a typed scan: keys on the US layout, no bytes decoded


class KeyboardScanner(QueuedScanner):
    """A keyboard-mode scanner read from its Linux input device."""

    def __init__(self, input_device: str, terminator: str = "enter", name: str = "scanner",
                 list_devices: InputLister = evdev_devices,
                 open_source: Callable[[InputDeviceInfo], EventSource] = open_evdev) -> None:
        super().__init__(input_device, name)
        self.spec = InputDeviceSpec.parse(input_device)
        self._list_devices = list_devices
        self._open_source = open_source
        self._decoder = KeyboardScanDecoder(terminator)
        self._source: EventSource | None = None
        self.device: InputDeviceInfo | None = None  # the device open now

    def describe(self) -> str:
        """For doctor: the transport and what it is open on."""
        where = f" on {self.device.path}" if self.device is not None else ""
        return f"evdev {self.spec}{where}"

    def _pump(self, wait: float) -> None:
        with self._port_lock:
            source = self._open()
            try:
                events = source.read(wait)
            except OSError as exc:
                self._decoder.reset()
                self._lose_port(f"reading {self.describe()} failed: {exc.strerror or exc}")
            texts = self._decoder.feed(events)
        for text in texts:
            log.info("%s: scan of %d characters (keyboard mode)", self.port, len(text))
            self._deliver(Scan(text, SCAN_ENCODING, time.monotonic()))

    def _open(self) -> EventSource:
        """The open device, looked up and grabbed when there is none (port lock held)."""
        if self._source is not None:
            return self._source
        try:
            device = find_input_device(self.spec, self._list_devices())
            self._source = self._open_source(device)
        except OSError as exc:
            self._lose_port(f"cannot open input device {self.spec}: {exc.strerror or exc}")
        self.device = device
        self._set_status(DeviceStatus.READY, f"grabbed {device.path} ('{device.name}')")
        return self._source

    def _drop(self) -> None:
        source, self._source, self.device = self._source, None, None
        if source is not None:
            try:
                source.close()
            except OSError as exc:
                log.debug("closing %s: %s", self.port, exc)


def build(settings: Mapping[str, Any], context: Any) -> KeyboardScanner:
    """Factory builder for `driver = "evdev"`: refuses to start without a usable input_device."""
    try:
        scanner = KeyboardScanner(settings["input_device"], settings["terminator"])
    except ValueError as exc:
        raise ConfigError("configuration", "devices.scanner.input_device", str(exc)) from None
    context.closers.append(scanner.close)
    return scanner
