"""ID card readers that plug in as USB HID devices: the same SAM frames, carried in HID reports.

Why a transport and not a driver: the reader's module speaks the protocol of
devices/idcard/protocol.py whatever carries it; a HID reader has a HID-to-UART bridge in
front of the module instead of a USB-serial one. So this module gives the driver a link with
the same face as SerialLink (`is_open`, `port()`, `io()`, `drop()`, `baudrate`), whose port is
a byte stream with pyserial's read/write/timeout, and the frame layer is untouched.

The reports follow the HID-to-UART bridges' convention (Silicon Labs CP2110, AN434): 64-byte
interrupt reports whose report ID (1-63) is the number of data bytes that follow, the rest
zero. Readers whose vendor framing differs need another `pack_reports`/`unpack_report`.

The reports travel through a small interface (`HidReports`): `HidapiReports` is the real one,
through the kept ctypes binding `hid` (python package hid, which loads the system's hidapi
library, libhidapi-hidraw0 on Debian, only when a HID reader is opened); the tests run
`SocketReports` over a socket pair against a simulated bridge (devices/idcard/hid_simulator.py).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from devices.serial_link import LINK_ERRORS
from devices.usb_ports import UsbIdentity, parse_port_spec

log = logging.getLogger(__name__)

REPORT_SIZE = 64  # bytes of an interrupt report on a full-speed HID device, the report ID included
MAX_REPORT_DATA = REPORT_SIZE - 1  # a report ID of 1-63 is the number of data bytes that follow
# One blocking wait for a report; the stream's own timeout bounds the whole read.
REPORT_WAIT_S = 0.05


class HidReports(Protocol):
    """One open HID device, report by report. Failures are OSError (the device went away)."""

    def write(self, report: bytes) -> None:
        ...

    def read(self, timeout_s: float) -> bytes | None:
        """The next input report, or None when none came within `timeout_s`."""
        ...

    def close(self) -> None:
        ...


def pack_reports(data: bytes) -> list[bytes]:
    """The output reports carrying `data`, in order."""
    reports = []
    for start in range(0, len(data), MAX_REPORT_DATA):
        chunk = data[start:start + MAX_REPORT_DATA]
        reports.append(bytes([len(chunk)]) + chunk + bytes(MAX_REPORT_DATA - len(chunk)))
    return reports


def unpack_report(report: bytes) -> bytes:
    """The data bytes of one input report; a report that is not a data report carries none."""
    if not report or not 1 <= report[0] <= min(MAX_REPORT_DATA, len(report) - 1):
        log.warning("HID reader: report %s is not a data report; ignored", report[:8].hex(" "))
        return b""
    return report[1:1 + report[0]]


class HidByteStream:
    """The reader's byte stream as the frame layer reads a serial port: `timeout`, `read(n)`,
    `write(data)`, `reset_input_buffer()`, `in_waiting`."""

    def __init__(self, reports: HidReports, timeout: float | None) -> None:
        self.timeout = timeout
        self._reports = reports
        self._pending = bytearray()

    @property
    def in_waiting(self) -> int:
        return len(self._pending)

    def write(self, data: bytes) -> int:
        for report in pack_reports(data):
            self._reports.write(report)
        return len(data)

    def read(self, size: int = 1) -> bytes:
        """Up to `size` bytes; returns early with fewer when `timeout` runs out, as pyserial does."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        while len(self._pending) < size:
            wait = REPORT_WAIT_S if deadline is None else min(REPORT_WAIT_S, deadline - time.monotonic())
            if wait <= 0:
                break
            report = self._reports.read(wait)
            if report is not None:
                self._pending += unpack_report(report)
        data = bytes(self._pending[:size])
        del self._pending[:size]
        return data

    def reset_input_buffer(self) -> None:
        """Forget what arrived and was not read (an abandoned answer's rest)."""
        while self._reports.read(0) is not None:
            pass
        self._pending.clear()

    def close(self) -> None:
        self._reports.close()


ReportsOpener = Callable[[UsbIdentity], HidReports]


class HidLink:
    """A HID reader that opens on first use and is dropped on any I/O error (SerialLink's face).

    `spec` is `usb:VID:PID[:SERIAL]`. HID has no line rate: `baudrate` is the module's UART rate
    behind the bridge, used for the frame layer's line-time waits.
    """

    def __init__(self, spec: str, baudrate: int, timeout: float | None,
                 open_reports: ReportsOpener | None = None) -> None:
        parsed = parse_port_spec(spec)
        if not isinstance(parsed, UsbIdentity):  # a setting's value is wrong, not a type: ValueError
            raise ValueError(f"a HID reader is named usb:VID:PID or usb:VID:PID:SERIAL, not {spec!r}")  # noqa: TRY004
        self.spec = spec
        self.identity = parsed
        self.path = f"hid {parsed.describe()}"
        self._baudrate = baudrate
        self._timeout = timeout
        self._open_reports = open_reports or HidapiReports
        self._stream: HidByteStream | None = None

    @property
    def baudrate(self) -> int:
        return self._baudrate

    @property
    def is_open(self) -> bool:
        return self._stream is not None

    def port(self) -> HidByteStream:
        if self._stream is None:
            self._stream = HidByteStream(self._open_reports(self.identity), self._timeout)
        return self._stream

    @contextlib.contextmanager
    def io(self) -> Iterator[HidByteStream]:
        stream = self.port()
        try:
            yield stream
        except LINK_ERRORS:
            self.drop()
            raise

    def set_baudrate(self, baudrate: int) -> None:
        """The module switched its UART; the bridge follows on its own (HID has no host-side rate)."""
        self._baudrate = baudrate

    def drop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()
            except OSError as exc:
                log.debug("closing %s: %s", self.path, exc)


class SocketReports:
    """Reports over a SOCK_SEQPACKET socket (one message, one report): the far end is a simulated
    bridge. The peer closing is the device unplugged."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def write(self, report: bytes) -> None:
        self._sock.sendall(report)

    def read(self, timeout_s: float) -> bytes | None:
        self._sock.settimeout(timeout_s if timeout_s > 0 else 0.0)  # 0: do not wait
        try:
            report = self._sock.recv(REPORT_SIZE)
        except (TimeoutError, BlockingIOError):
            return None
        if not report:
            raise OSError(errno.ENODEV, "the HID device went away")
        return report

    def close(self) -> None:
        self._sock.close()


class HidapiReports:
    """A HID device through hidapi (python package `hid`). The only lines no test machine can run:
    there is no USB bus there. hidapi's write wants the report ID first, as the reports carry it."""

    def __init__(self, identity: UsbIdentity) -> None:
        try:
            import hid  # ctypes: loads libhidapi-hidraw.so.0 (Debian libhidapi-hidraw0)
        except ImportError as exc:  # the package (exc.name == "hid") or, through ctypes, the library
            missing = "python package hid" if exc.name == "hid" else "library (Debian: libhidapi-hidraw0)"
            raise OSError(f"hidapi is not installed: the {missing}") from None
        try:
            self._device = hid.Device(identity.vid, identity.pid, identity.serial_number)
        except hid.HIDException as exc:
            raise OSError(f"no HID device {identity.describe()} could be opened: {exc}") from None
        self._error = hid.HIDException

    def write(self, report: bytes) -> None:
        try:
            self._device.write(report)
        except self._error as exc:
            raise OSError(errno.EIO, str(exc)) from None

    def read(self, timeout_s: float) -> bytes | None:
        try:
            report = self._device.read(REPORT_SIZE, int(timeout_s * 1000))
        except self._error as exc:
            raise OSError(errno.EIO, str(exc)) from None
        return report or None

    def close(self) -> None:
        self._device.close()
