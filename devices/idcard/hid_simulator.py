"""A simulated HID ID card reader: a HID-to-UART bridge in front of the simulated SAM module.

What a HID reader is inside: the SAM module on a UART, and a bridge chip that turns the
host's output reports into UART bytes and the UART's bytes into input reports. This bridge
does the same: its HID side is one end of a SOCK_SEQPACKET socket pair (one message, one
report), its UART side is the IdCardSimulator's pty, opened like any serial device. The
driver under test holds the other socket end through hid_link.SocketReports, so the bytes
between driver and module are the real frames, carried in the real report layout.

State for tests and the technician: the reports exchanged (`from_host`, `to_host`), and
`unplug()`/`plug_in()`, which close the socket and make a new one as a USB replug does.
"""

from __future__ import annotations

import collections
import logging
import select
import socket
import threading

import serial

from devices.idcard.hid_link import REPORT_SIZE, SocketReports, pack_reports, unpack_report
from devices.idcard.simulator import IdCardSimulator
from devices.usb_ports import UsbIdentity, parse_port_spec

log = logging.getLogger(__name__)

SIMULATED_HID_ID = "usb:0483:5750"  # the identity the simulated reader answers to
POLL_S = 0.02
UART_CHUNK = 4096


class HidBridgeSimulator:
    """Reports on one side, the simulated module's UART on the other."""

    def __init__(self, module: IdCardSimulator, identity: str = SIMULATED_HID_ID) -> None:
        self.module = module
        parsed = parse_port_spec(identity)
        assert isinstance(parsed, UsbIdentity)
        self.identity = parsed
        self.from_host: collections.deque[bytes] = collections.deque(maxlen=200)
        self.to_host: collections.deque[bytes] = collections.deque(maxlen=200)
        self._host_end: socket.socket | None = None
        self._bridge_end: socket.socket | None = None
        self._uart: serial.Serial | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    # ---- the USB side

    def open_reports(self, identity: UsbIdentity) -> SocketReports:
        """HidLink's opener: the host's end of the plugged-in device, once per plug."""
        with self._lock:
            same_model = (identity.vid, identity.pid) == (self.identity.vid, self.identity.pid)
            if not same_model or identity.serial_number not in (None, self.identity.serial_number) \
                    or self._host_end is None:
                raise OSError(f"no HID device {identity.describe()} is plugged in")
            host_end, self._host_end = self._host_end, None  # one open at a time, as hidraw grants
        return SocketReports(host_end)

    def plug_in(self) -> None:
        with self._lock:
            self._host_end, self._bridge_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)

    def unplug(self) -> None:
        with self._lock:
            for end in (self._host_end, self._bridge_end):
                if end is not None:
                    end.close()
            self._host_end = self._bridge_end = None

    # ---- running

    def start(self) -> None:
        self._uart = serial.Serial(self.module.path, self.module.baud, timeout=0)
        self.plug_in()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="hid-bridge-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.unplug()
        if self._uart is not None:
            self._uart.close()
            self._uart = None

    def describe(self) -> str:
        return f"HID ID card reader {self.identity} (bridge to {self.module.path})"

    def _serve(self) -> None:
        assert self._uart is not None
        while not self._stopping.is_set():
            with self._lock:
                bridge = self._bridge_end
            sources = [self._uart.fileno()] + ([bridge.fileno()] if bridge is not None else [])
            try:
                ready, _, _ = select.select(sources, [], [], POLL_S)
            except (OSError, ValueError):
                continue  # the socket was closed by unplug() between the lock and the select
            if bridge is not None and bridge.fileno() in ready:
                self._from_host(bridge)
            if self._uart.fileno() in ready:
                self._to_host(bridge)

    def _from_host(self, bridge: socket.socket) -> None:
        try:
            report = bridge.recv(REPORT_SIZE)
        except OSError:
            return
        if report:
            self.from_host.append(report)
            assert self._uart is not None
            self._uart.write(unpack_report(report))

    def _to_host(self, bridge: socket.socket | None) -> None:
        assert self._uart is not None
        data = self._uart.read(UART_CHUNK)
        if not data or bridge is None:
            return  # unplugged: what the module says is lost, as on a real bridge
        for report in pack_reports(data):
            self.to_host.append(report)
            try:
                bridge.sendall(report)
            except OSError:
                return

