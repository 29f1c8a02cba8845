"""The serial QR/barcode scanner driver (pyserial): one line per scan, read lazily or in the background.

QueuedScanner holds what every scanner transport shares; SerialScanner is the serial one and
devices/scanner/keyboard_driver.py the USB-keyboard-mode one.

Two ways to use it, not mixed on one scanner:
- on demand: `poll()` takes what has arrived without waiting, `read_scan(timeout)` waits;
  the port is opened on the first call and reopened after any failure;
- in the background: `subscribe(callback)` starts a reader thread that delivers each scan
  to every subscriber and queues it for `poll`/`read_scan`; when the port fails, the thread
  reports DISCONNECTED and retries every RECONNECT_INTERVAL.
Scanned text is never logged: it may be an ID or permit number.
"""

from __future__ import annotations

import abc
import collections
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from serial.tools import list_ports

from devices.base import DeviceStatus, StatusLog
from devices.scanner.contract import MSG_OFFLINE, Scan, ScannerError
from devices.scanner.decoder import ScanLineDecoder
from devices.serial_link import LINK_ERRORS, SerialLink
from devices.usb_ports import PortLister

log = logging.getLogger(__name__)

# How long one blocking read waits before the caller (or the background thread) looks up again.
READ_SLICE = 0.05
# Between attempts to reopen a failed port in background mode.
RECONNECT_INTERVAL = 1.0
# Scans kept for poll()/read_scan(); older ones are dropped first (nobody was asking for them).
MAX_QUEUED_SCANS = 16
READ_CHUNK = 4096


class QueuedScanner(abc.ABC):
    """What every scanner transport shares (devices.scanner.contract.CodeScanner): the queue of
    scans, subscribers, the status and the background reader. A transport implements `_pump`
    (read what arrived, deliver the scans, raise ScannerError when the device is gone) and
    `_drop` (forget the open device so the next `_pump` looks for it again)."""

    kind = "scanner"

    def __init__(self, port: str, name: str = "scanner") -> None:
        self.port = port  # what the configuration names, for logs and the thread's name
        self._port_lock = threading.Lock()
        self._scans: collections.deque[Scan] = collections.deque(maxlen=MAX_QUEUED_SCANS)
        self._changed = threading.Condition()
        self._subscribers: list[Callable[[Scan], None]] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._status = DeviceStatus.DISCONNECTED
        self._status_log = StatusLog(name, log)
        self.last_detail = ""

    # ---- the contract

    def status(self) -> DeviceStatus:
        if not self._background:
            try:
                self._pump(0)  # opens the port, notices a hang-up, queues what was scanned
            except ScannerError:
                pass
        return self._status

    def poll(self) -> Scan | None:
        if not self._background:
            self._pump(0)
        return self._take()

    def read_scan(self, timeout: float) -> Scan | None:
        deadline = time.monotonic() + timeout
        while True:
            scan = self._take()
            remaining = deadline - time.monotonic()
            if scan is not None or remaining <= 0:
                return scan
            if self._background:
                if self._status is DeviceStatus.DISCONNECTED:
                    raise ScannerError(MSG_OFFLINE, self.last_detail)
                with self._changed:
                    self._changed.wait(remaining)
            else:
                self._pump(min(remaining, READ_SLICE))

    def discard_pending(self) -> None:
        with self._changed:
            self._scans.clear()

    def subscribe(self, callback: Callable[[Scan], None]) -> Callable[[], None]:
        with self._changed:
            self._subscribers.append(callback)
        self._start_background()

        def unsubscribe() -> None:
            with self._changed:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(READ_SLICE * 10)
            self._thread = None
        with self._port_lock:
            self._drop()

    # ---- reading

    @property
    def _background(self) -> bool:
        return self._thread is not None

    def _take(self) -> Scan | None:
        with self._changed:
            return self._scans.popleft() if self._scans else None

    @abc.abstractmethod
    def _pump(self, wait: float) -> None:
        """Read what arrived (waiting up to `wait`) and `_deliver` each scan; ScannerError when gone."""

    @abc.abstractmethod
    def _drop(self) -> None:
        """Close the device (called with the port lock held); the next `_pump` opens it again."""

    def _deliver(self, scan: Scan) -> None:
        with self._changed:
            self._scans.append(scan)
            subscribers = list(self._subscribers)
            self._changed.notify_all()
        for callback in subscribers:
            try:
                callback(scan)
            except Exception:  # one broken subscriber must not stop the scanner for the others
                log.exception("scanner subscriber failed")

    def _lose_port(self, detail: str) -> NoReturn:
        """The device is gone: close it, say so once, raise scanner.offline (port lock held)."""
        self._drop()
        self._set_status(DeviceStatus.DISCONNECTED, detail)
        raise ScannerError(MSG_OFFLINE, detail)

    def _set_status(self, status: DeviceStatus, detail: str) -> None:
        with self._changed:
            self._status = status
            self.last_detail = detail
            self._changed.notify_all()
        self._status_log.update(status, detail)

    # ---- background mode

    def _start_background(self) -> None:
        with self._port_lock:
            if self._thread is not None:
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=f"scanner-{self.port}", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._pump(READ_SLICE)
            except ScannerError:
                self._stop.wait(RECONNECT_INTERVAL)


class SerialScanner(QueuedScanner):
    """A scanner on a serial port, one line per scan."""

    def __init__(self, port: str, baud: int, name: str = "scanner",
                 comports: PortLister = list_ports.comports) -> None:
        super().__init__(port, name)  # a path or a USB identity (devices/usb_ports.py), looked up at every open
        self.baud = baud
        self._link = SerialLink(port, baud, timeout=READ_SLICE, comports=comports)
        self._decoder = ScanLineDecoder()

    def _pump(self, wait: float) -> None:
        """Read what the port has (waiting up to `wait` for the first byte); queue the scans."""
        with self._port_lock:
            self._open()
            try:
                with self._link.io() as port:  # an I/O failure drops the link; the next call reopens it
                    port.timeout = wait
                    data = port.read(1)
                    if data:
                        data += port.read(min(port.in_waiting, READ_CHUNK))
            except LINK_ERRORS as exc:
                self._lose_port(f"reading {self.port} failed: {exc}")
            if data:
                scans = self._decoder.feed(data)
            else:
                self._decoder.expire()
                scans = []
        for scan in scans:
            log.info("%s: scan of %d characters (%s)", self.port, len(scan.text), scan.encoding)
            self._deliver(scan)

    def _drop(self) -> None:
        self._link.drop()

    def _open(self) -> None:
        """Open the port unless it is open (called with the port lock held)."""
        if self._link.is_open:
            return
        try:
            self._link.port()
        except LINK_ERRORS as exc:
            self._lose_port(f"cannot open {self.port}: {exc}")
        self._set_status(DeviceStatus.READY, f"open on {self._link.path}")


def build(settings: Mapping[str, Any], context: Any) -> SerialScanner:
    """Factory builder for `driver = "serial"`."""
    scanner = SerialScanner(settings["port"], settings["baud"])
    context.closers.append(scanner.close)
    return scanner
