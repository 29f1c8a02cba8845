"""The ESC/POS receipt printer driver: python-escpos Serial, Usb, Network (raw TCP 9100) or File.

python-escpos opens the connection and writes; this module adds what a kiosk needs on top:

- a real-time status check (DLE EOT 1-4, one round trip) before every print, so paper out,
  an open cover or an offline printer is reported before a citizen waits for a receipt;
- a lazy connection: nothing is opened until the first call; any I/O failure closes it,
  reports DISCONNECTED and the next call opens it again (a printer blip never needs a
  kiosk restart);
- one exception, `PrinterError`, with a message key for the screen.

python-escpos's own `query_status` reads up to 16 bytes, so on a serial line it always
waits for the whole timeout; each link here reads exactly the four reply bytes instead.
File connections (a parallel port, /dev/usb/lp0, a capture file) are write-only: their
status is READY whenever the file opens.
"""

from __future__ import annotations

import logging
import socket
import termios
import threading
import time
from pathlib import Path
from typing import Any, Callable, Mapping, NoReturn

from serial.tools import list_ports

from core.config import PROJECT_ROOT
from core.schema import ConfigError
from devices.base import DeviceStatus, StatusLog
from devices.factory import DeviceContext
from devices.printer.contract import MESSAGE_FOR_STATUS, MSG_FAULT, MSG_OFFLINE, PrinterError
from devices.printer.encoder import PaperLayout, UnknownProfile, encode_receipt, profile_width_dots
from devices.printer.escpos_lib import Escpos, EscposLibraryError
from devices.printer.receipt import Receipt
from devices.printer.status import (
    ALL_STATUS_REQUESTS,
    STATUS_KINDS,
    PrinterState,
    StatusReplyError,
    parse_status_replies,
)
from devices.usb_ports import PortLister, resolve_port

log = logging.getLogger(__name__)

# Printers answer DLE EOT within milliseconds; half a second also covers a slow USB-serial
# adapter. No answer in that time means the printer is not there.
STATUS_REPLY_TIMEOUT = 0.5
# Opening a TCP connection to a printer on the hall's LAN.
NETWORK_CONNECT_TIMEOUT = 3.0
# A write may block while the printer's buffer is full (flow control, a long job); after
# this long the printer counts as gone.
WRITE_TIMEOUT = 10.0
# The same for USB transfers, in the milliseconds pyusb takes.
USB_TRANSFER_TIMEOUT_MS = 10_000
# Reading leftover bytes from a USB printer before a status request: stop as soon as it is quiet.
DRAIN_TIMEOUT = 0.001

# What python-escpos and its transports raise when a connection fails: pyserial's
# SerialException, socket errors, pyusb's USBError (all OSError), termios.error from
# flushing a hung-up tty, escpos' DeviceNotFoundError.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (OSError, termios.error, EscposLibraryError)


class LinkDown(Exception):
    """The connection to the printer failed; the detail says how, for the technician."""


class EscposLink:
    """A python-escpos printer object that opens lazily, writes, and reads status replies.

    Subclasses know how to read from their transport with a deadline (`read`) and how to
    throw away stale bytes before a request (`discard_input`).
    """

    reads_status = True

    def __init__(self, make: Callable[[], Escpos], description: str) -> None:
        self._make = make
        self.description = description
        self._printer: Escpos | None = None

    @property
    def is_open(self) -> bool:
        return self._printer is not None

    def open(self) -> None:
        try:
            printer = self._make()  # a serial printer named by USB identity is looked up here
        except TRANSPORT_ERRORS as exc:
            raise LinkDown(f"cannot open {self.description}: {_one_line(exc)}") from None
        try:
            printer.open()
            self._after_open(printer)
        except TRANSPORT_ERRORS as exc:
            self._discard(printer)
            raise LinkDown(f"cannot open {self.description}: {_one_line(exc)}") from None
        self._printer = printer

    def write(self, data: bytes) -> None:
        try:
            self._connected()._raw(data)
        except TRANSPORT_ERRORS as exc:
            raise LinkDown(f"writing to {self.description} failed: {_one_line(exc)}") from None

    def read(self, count: int, timeout: float) -> bytes:
        """Up to `count` bytes, returning early when they are all there (raises LinkDown)."""
        try:
            return self._read(self._connected(), count, timeout)
        except TRANSPORT_ERRORS as exc:
            raise LinkDown(f"reading from {self.description} failed: {_one_line(exc)}") from None

    def discard_input(self) -> None:
        try:
            self._discard_input(self._connected())
        except TRANSPORT_ERRORS as exc:
            raise LinkDown(f"{self.description} failed: {_one_line(exc)}") from None

    def close(self) -> None:
        printer, self._printer = self._printer, None
        if printer is not None:
            self._discard(printer)

    def _connected(self) -> Escpos:
        if self._printer is None:
            raise LinkDown(f"{self.description} is not open")
        return self._printer

    def _discard(self, printer: Escpos) -> None:
        """Close without letting a dead line raise (escpos' __del__ would close it again)."""
        device, printer.device = printer._device, False
        if device:
            try:
                self._close_device(device)
            except TRANSPORT_ERRORS as exc:
                log.debug("closing %s: %s", self.description, exc)

    def _after_open(self, printer: Escpos) -> None:
        """Transport settings python-escpos does not expose."""

    def _read(self, printer: Escpos, count: int, timeout: float) -> bytes:
        raise NotImplementedError

    def _discard_input(self, printer: Escpos) -> None:
        raise NotImplementedError

    def _close_device(self, device: Any) -> None:
        device.close()


class EscposSerialLink(EscposLink):
    """A serial printer (RS-232, or USB-serial such as /dev/ttyUSB0 or /dev/ttyACM0).

    `port` may be a USB identity (devices/usb_ports.py): it is looked up at every open, so a
    replug that renumbers the port is followed, as SerialLink does for the other devices.
    """

    def __init__(self, port: str, baud: int, comports: PortLister = list_ports.comports) -> None:
        from escpos.printer import Serial

        super().__init__(lambda: Serial(devfile=resolve_port(port, comports), baudrate=baud,
                                        timeout=STATUS_REPLY_TIMEOUT),
                         f"serial printer {port}")

    def _after_open(self, printer: Escpos) -> None:
        printer.device.write_timeout = WRITE_TIMEOUT

    def _read(self, printer: Escpos, count: int, timeout: float) -> bytes:
        port = printer.device
        port.timeout = timeout
        return port.read(count)

    def _discard_input(self, printer: Escpos) -> None:
        printer.device.reset_input_buffer()


class NetworkLink(EscposLink):
    """A network printer on raw TCP (port 9100 by default)."""

    def __init__(self, host: str, port: int) -> None:
        from escpos.printer import Network

        super().__init__(lambda: Network(host=host, port=port, timeout=NETWORK_CONNECT_TIMEOUT),
                         f"network printer {host}:{port}")

    def _after_open(self, printer: Escpos) -> None:
        printer.device.settimeout(WRITE_TIMEOUT)
        # The 12-byte status request must not wait behind Nagle for the last job's ACK.
        printer.device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _read(self, printer: Escpos, count: int, timeout: float) -> bytes:
        sock: socket.socket = printer.device
        deadline = time.monotonic() + timeout
        received = b""
        try:
            while len(received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                sock.settimeout(remaining)
                chunk = sock.recv(count - len(received))
                if not chunk:
                    raise LinkDown(f"{self.description} closed the connection")
                received += chunk
        except TimeoutError:
            pass
        finally:
            sock.settimeout(WRITE_TIMEOUT)
        return received

    def _discard_input(self, printer: Escpos) -> None:
        sock: socket.socket = printer.device
        sock.setblocking(False)
        try:
            while True:
                if not sock.recv(256):
                    raise LinkDown(f"{self.description} closed the connection")
        except BlockingIOError:
            pass  # nothing (more) waiting
        finally:
            sock.settimeout(WRITE_TIMEOUT)

    def _close_device(self, device: socket.socket) -> None:
        try:
            device.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already reset by the printer
        device.close()


class UsbLink(EscposLink):
    """A printer speaking USB printer class, found by vendor and product id (needs libusb)."""

    def __init__(self, vendor_id: int, product_id: int, in_endpoint: int, out_endpoint: int) -> None:
        from escpos.printer import Usb

        super().__init__(
            lambda: Usb(idVendor=vendor_id, idProduct=product_id, timeout=USB_TRANSFER_TIMEOUT_MS,
                        in_ep=in_endpoint, out_ep=out_endpoint),
            f"USB printer {vendor_id:04x}:{product_id:04x}")

    def open(self) -> None:
        import usb.core

        try:
            super().open()
        except usb.core.NoBackendError:  # a ValueError, not an OSError
            raise LinkDown(f"cannot open {self.description}: libusb is not installed") from None

    def _read(self, printer: Escpos, count: int, timeout: float) -> bytes:
        import usb.core

        try:
            return bytes(printer.device.read(printer.in_ep, count, int(timeout * 1000)))
        except usb.core.USBTimeoutError:
            return b""

    def _discard_input(self, printer: Escpos) -> None:
        while self._read(printer, 64, DRAIN_TIMEOUT):
            pass

    def _close_device(self, device: Any) -> None:
        import usb.util

        usb.util.dispose_resources(device)


class FileLink(EscposLink):
    """A device file or capture file, written only (no status replies can be read)."""

    reads_status = False

    def __init__(self, path: Path) -> None:
        from escpos.printer import File

        super().__init__(lambda: File(devfile=str(path)), f"printer file {path}")


class EscposPrinter:
    """The receipt printer flows use (devices.printer.contract.ReceiptPrinter)."""

    kind = "printer"

    def __init__(self, link: EscposLink, layout: PaperLayout, name: str = "printer") -> None:
        self._link = link
        self.layout = layout
        self._lock = threading.Lock()
        self._status_log = StatusLog(name, log)
        self.last_state: PrinterState | None = None
        # Why the last status is what it is, in the technician's words.
        self.last_detail = ""

    @property
    def description(self) -> str:
        return self._link.description

    def status(self) -> DeviceStatus:
        with self._lock:
            try:
                return self._query_status()
            except PrinterError as exc:
                return exc.status

    def print_receipt(self, receipt: Receipt) -> None:
        job = encode_receipt(receipt, self.layout)
        with self._lock:
            status = self._query_status()
            if not status.usable:
                raise PrinterError(MESSAGE_FOR_STATUS[status], self.last_detail, status)
            try:
                self._link.write(job)
            except LinkDown as exc:
                self._lose_connection(str(exc))
        log.info("%s printed a receipt (%d bytes)", self.description, len(job))

    def close(self) -> None:
        with self._lock:
            self._link.close()

    def _query_status(self) -> DeviceStatus:
        """Connect if needed and ask; raises PrinterError (with its status) when that fails."""
        try:
            if not self._link.is_open:
                self._link.open()
            if not self._link.reads_status:
                return self._report(DeviceStatus.READY, "write-only connection")
            self._link.discard_input()
            self._link.write(ALL_STATUS_REQUESTS)
            replies = self._link.read(len(STATUS_KINDS), STATUS_REPLY_TIMEOUT)
        except LinkDown as exc:
            self._lose_connection(str(exc))
        if not replies:
            self._lose_connection(f"{self.description} did not answer a status request "
                                  f"within {STATUS_REPLY_TIMEOUT} s")
        try:
            state = parse_status_replies(replies)
        except StatusReplyError as exc:
            # A garbled reply usually means a wrong baud rate: reopen next time.
            log.debug("%s status replies: %s", self.description, replies.hex(" "))
            self._link.close()
            self._report(DeviceStatus.ERROR, str(exc))
            raise PrinterError(MSG_FAULT, str(exc), DeviceStatus.ERROR) from None
        self.last_state = state
        return self._report(state.device_status, state.describe())

    def _lose_connection(self, detail: str) -> NoReturn:
        """Close, report DISCONNECTED once, and raise; the next call reconnects."""
        self._link.close()
        self.last_state = None
        self._report(DeviceStatus.DISCONNECTED, detail)
        raise PrinterError(MSG_OFFLINE, detail, DeviceStatus.DISCONNECTED)

    def _report(self, status: DeviceStatus, detail: str) -> DeviceStatus:
        self.last_detail = detail
        self._status_log.update(status, detail)
        return status


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def paper_layout(settings: Mapping[str, Any]) -> PaperLayout:
    """The paper geometry from [devices.printer]: the profile's width unless one is set."""
    try:
        width = settings["paper_width_dots"] or profile_width_dots(settings["profile"])
        return PaperLayout(settings["profile"], width)
    except UnknownProfile as exc:
        raise ConfigError("configuration", "devices.printer.profile", str(exc)) from None


def resolve_path(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def build_serial(settings: Mapping[str, Any], context: DeviceContext) -> EscposPrinter:
    return _register(EscposPrinter(EscposSerialLink(settings["port"], settings["baud"]),
                                   paper_layout(settings)), context)


def build_usb(settings: Mapping[str, Any], context: DeviceContext) -> EscposPrinter:
    link = UsbLink(settings["usb_vendor_id"], settings["usb_product_id"],
                   settings["usb_in_endpoint"], settings["usb_out_endpoint"])
    return _register(EscposPrinter(link, paper_layout(settings)), context)


def build_network(settings: Mapping[str, Any], context: DeviceContext) -> EscposPrinter:
    link = NetworkLink(settings["host"], settings["tcp_port"])
    return _register(EscposPrinter(link, paper_layout(settings)), context)


def build_file(settings: Mapping[str, Any], context: DeviceContext) -> EscposPrinter:
    link = FileLink(resolve_path(settings["file_path"]))
    return _register(EscposPrinter(link, paper_layout(settings)), context)


def _register(printer: EscposPrinter, context: DeviceContext) -> EscposPrinter:
    context.closers.append(printer.close)
    return printer
