"""One self-opening serial line, shared by every driver of a serial device (ID card, permit, scanner).

Why: in a hall, devices disconnect and come back all the time (a USB cable knocked loose, a
reader power-cycled, a hub reset). A blip on one device must never cost the kiosk a restart,
and never reset the session of the citizen at the screen: the driver reports the device
DISCONNECTED and the next call simply opens the port again.

The pattern is python-escpos's self-opening `device` property (`if self._device is False:
self._device = None; self.open()`) and "reconnect on the next status" (driver ??= init; on any
error driver = undefined, status says disconnected):

- nothing is opened until the first `port()` (or `io()`);
- an I/O failure inside `with link.io() as port:` closes the port and lets the exception out
  unchanged, so the next use opens the port again;
- failures stay pyserial's own exceptions (LINK_ERRORS): each driver turns them into its own
  documented error (IdCardError, PermitError, ScannerError) with its own wording, at its boundary;
- the port may be named by USB identity (`usb:VID:PID[:SERIAL]`, `usb-path:LOCATION`,
  devices/usb_ports.py): it is looked up at every open, so a replug that renumbered the
  port (/dev/ttyUSB0 now /dev/ttyUSB1) is followed, and a device that is not plugged in (or
  is plugged in twice) is a UsbPortError, a SerialException like any port that will not open.

A SerialLink does no locking of its own: each driver already serializes its use of the line
(a command and its answer must not interleave with another's), and holds that lock around
every call here.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any

import serial
from serial.tools import list_ports

from devices.usb_ports import PortLister, resolve_port

try:
    from termios import error as _TermiosError  # pyserial's buffer resets raise it on a dead port
except ImportError:  # pragma: no cover - not on POSIX
    _TermiosError = OSError

log = logging.getLogger(__name__)

# What pyserial lets out when a line is gone or cannot be used:
# - serial.SerialException: a port that cannot be opened, or a read or write that failed
#   (it is an OSError subclass, named for clarity);
# - OSError: ioctls on a vanished device (in_waiting, modem lines) fail with EIO / ENXIO;
# - termios.error (not an OSError): tcflush / tcsetattr on a hung-up tty, e.g. reset_input_buffer;
# - ValueError: pyserial's answer to a port setting the port refuses: a baud rate the adapter
#   cannot do ("Failed to set custom baud rate", from a failed ioctl), "Invalid baud rate", a bad
#   byte size, parity, stop bits or timeout, at open or when a setting changes on the open port
#   (python-escpos treats it as "device not found" for the same reason).
LINK_ERRORS: tuple[type[Exception], ...] = (serial.SerialException, OSError, _TermiosError, ValueError)


def read_until(port: Any, count: int, deadline: float) -> bytes:
    """Up to `count` bytes from an open port, fewer when the monotonic `deadline` passes first
    (the frame readers of the permit, dispenser and fingerprint drivers tell short from whole)."""
    data = bytearray()
    while len(data) < count and time.monotonic() < deadline:
        data += port.read(count - len(data))
    return bytes(data)


class SerialLink:
    """A serial port that opens on first use and is dropped on any I/O error.

    `spec` names the port: a path (/dev/ttyUSB0, a /dev/serial/by-id/... link, a simulator's
    pty) or a USB identity (devices/usb_ports.py), resolved through `comports` at every open;
    `baudrate` and `timeout` are pyserial's, and `serial_kwargs` go to `serial.Serial` as they
    are (write_timeout, exclusive, ...).
    """

    def __init__(self, spec: str, baudrate: int, timeout: float | None, *,
                 comports: PortLister = list_ports.comports, **serial_kwargs: Any) -> None:
        self.spec = spec
        self.path = spec  # the device path opened last (the spec itself until a USB spec is resolved)
        self._comports = comports
        self._baudrate = baudrate
        self._timeout = timeout
        self._serial_kwargs = serial_kwargs
        self._port: serial.Serial | None = None

    @property
    def baudrate(self) -> int:
        """The rate the port runs at (or will be opened at)."""
        return self._baudrate

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def port(self) -> serial.Serial:
        """The open port, opened first if it is not.

        Raises one of LINK_ERRORS, as pyserial raised it, when the port cannot be opened
        (missing, held by another program, not a tty, a setting it refuses, a USB identity
        matching no device or several); nothing is left half-open and the next call tries again,
        looking the USB identity up afresh.
        """
        if self._port is None:
            self.path = resolve_port(self.spec, self._comports)
            self._port = serial.Serial(self.path, self._baudrate, timeout=self._timeout, **self._serial_kwargs)
        return self._port

    @contextlib.contextmanager
    def io(self) -> Iterator[serial.Serial]:
        """`with link.io() as port:` the open port (opened if needed). A LINK_ERRORS exception
        raised inside drops the link and goes on out unchanged; any other exception leaves the
        port open (a protocol error is not a dead line)."""
        port = self.port()
        try:
            yield port
        except LINK_ERRORS:
            self.drop()
            raise

    def set_baudrate(self, baudrate: int) -> None:
        """Run at `baudrate` from now on: at once on the open port, else from the next open.

        Raises one of LINK_ERRORS (the link is then dropped, and reopens at the new rate)
        when the open port refuses the change.
        """
        self._baudrate = baudrate
        if self._port is not None:
            with self.io() as port:
                port.baudrate = baudrate

    def drop(self) -> None:
        """Close the port if it is open, quietly: the line may be gone already. The next use reopens it."""
        port, self._port = self._port, None
        if port is None:
            return
        try:
            port.close()
        except LINK_ERRORS as exc:
            log.debug("closing %s: %s", self.path, exc)
