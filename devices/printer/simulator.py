"""A virtual receipt printer on a pty or a TCP port, drawing every receipt to a PNG.

It reads the ESC/POS stream the real driver sends, answers real-time status requests
(DLE EOT 1-4) from its state, and saves each receipt (split at the cut) under the data
folder, so a technician sees exactly what a citizen would take away. Its state is public so
tests and the simulation panel can pull the paper, open the cover or unplug the cable.

On a pty the driver opens a stable symlink (like udev's /dev/serial/by-id names): unplugging
closes the pty and removes the link, plugging in makes a new pty behind the same name, so
the driver reconnects exactly as it would to a real printer.
"""

from __future__ import annotations

import logging
import os
import select
import socket
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol

from devices.channels import PtyPair, open_pty
from devices.printer.escpos_render import EscposInterpreter, RenderedReceipt
from devices.printer.status import PaperLevel, PrinterState, status_reply

log = logging.getLogger(__name__)

# How often the reader threads look up from select() to see whether they should stop.
POLL_INTERVAL = 0.05
READ_BUFFER_SIZE = 4096
# A network printer serves one connection at a time; more wait in the listen queue.
LISTEN_BACKLOG = 4
# Longest a stopping thread is waited for.
STOP_TIMEOUT = 2.0
PTY_LINK_NAME = "printer.tty"


class Endpoint(Protocol):
    """Where the virtual printer's bytes come from and its replies go."""

    def start(self, on_data: Callable[[bytes], None]) -> None: ...
    def send(self, data: bytes) -> None: ...
    def stop(self) -> None: ...
    def describe(self) -> str: ...


class PtyEndpoint:
    """A pty whose slave path is published as a stable symlink `link_path`."""

    def __init__(self, link_path: Path) -> None:
        self.link_path = link_path
        self._pty: PtyPair | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_data: Callable[[bytes], None]) -> None:
        self._pty = open_pty()
        self.link_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.link_path.with_name(self.link_path.name + ".new")
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(self._pty.slave_path)
        temporary.replace(self.link_path)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(self._pty.master_fd, on_data),
                                         name="virtual-printer-pty", daemon=True)
        self._thread.start()

    def _run(self, master_fd: int, on_data: Callable[[bytes], None]) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([master_fd], [], [], POLL_INTERVAL)
            if not ready:
                continue
            try:
                data = os.read(master_fd, READ_BUFFER_SIZE)
            except OSError:
                return
            on_data(data)

    def send(self, data: bytes) -> None:
        if self._pty is not None:
            try:
                os.write(self._pty.master_fd, data)
            except OSError as exc:
                log.debug("virtual printer reply lost: %s", exc)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)
            self._thread = None
        if self.link_path.is_symlink():
            self.link_path.unlink()
        if self._pty is not None:
            self._pty.close()
            self._pty = None

    def describe(self) -> str:
        target = self._pty.slave_path if self._pty else "unplugged"
        return f"serial port {self.link_path} ({target})"


class TcpEndpoint:
    """A raw TCP port like a network printer's 9100; one connection served at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port  # 0 = any free port, fixed at the first start so replugging keeps it
        self._server: socket.socket | None = None
        self._client: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_data: Callable[[bytes], None]) -> None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self.host, self.port))
        server.listen(LISTEN_BACKLOG)
        self.port = server.getsockname()[1]
        self._server = server
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(server, on_data),
                                        name="virtual-printer-tcp", daemon=True)
        self._thread.start()

    def _run(self, server: socket.socket, on_data: Callable[[bytes], None]) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([server], [], [], POLL_INTERVAL)
            if not ready:
                continue
            try:
                client, _ = server.accept()
            except OSError:
                return
            # Status replies are single bytes: without NODELAY, Nagle holds each one back
            # until the previous is acknowledged (40 ms of delayed ACK per request).
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._client = client
            self._serve(client, on_data)
            self._client = None
            client.close()

    def _serve(self, client: socket.socket, on_data: Callable[[bytes], None]) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([client], [], [], POLL_INTERVAL)
                if not ready:
                    continue
                data = client.recv(READ_BUFFER_SIZE)
            except (OSError, ValueError):  # ValueError: closed by stop() meanwhile
                return
            if not data:
                return
            on_data(data)

    def send(self, data: bytes) -> None:
        client = self._client
        if client is not None:
            try:
                client.sendall(data)
            except OSError as exc:
                log.debug("virtual printer reply lost: %s", exc)

    def stop(self) -> None:
        self._stop.set()
        for sock in (self._client, self._server):
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)
            self._thread = None
        if self._server is not None:
            self._server.close()
            self._server = None

    def describe(self) -> str:
        return f"TCP {self.host}:{self.port}"


@dataclass(frozen=True)
class PrintedReceipt:
    """A receipt the virtual printer drew: the PNG, and the transcript of its text and codes."""

    path: Path
    text: str


class VirtualPrinter:
    """An ESC/POS printer whose paper is a folder of PNGs."""

    kind = "printer"

    def __init__(self, endpoint: Endpoint, output_dir: Path, width_dots: int) -> None:
        self.endpoint = endpoint
        self.output_dir = output_dir
        self._state = PrinterState()
        self._plugged = False
        self.receipts: list[PrintedReceipt] = []
        self._receipt_added = threading.Condition()
        self._interpreter = EscposInterpreter(width_dots, on_receipt=self._save_receipt,
                                              on_status_request=self._answer_status, strict=False)

    # ---- what a technician or test changes

    @property
    def state(self) -> PrinterState:
        return self._state

    def set_paper(self, level: PaperLevel) -> None:
        self._set_state(paper=level)

    def set_cover_open(self, is_open: bool) -> None:
        self._set_state(cover_open=is_open)

    def set_cutter_error(self, failed: bool) -> None:
        self._set_state(cutter_error=failed)

    def _set_state(self, **changes: Any) -> None:
        state = replace(self._state, **changes)
        state = replace(state, online=not (state.cover_open or state.paper is PaperLevel.OUT
                                           or state.cutter_error))
        self._state = state
        # Offline printers keep answering status requests but put nothing on paper.
        self._interpreter.printing = state.online
        log.info("virtual printer: %s", state.describe())

    def start(self) -> None:
        """Power on and plug in."""
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.plug_in()

    def plug_in(self) -> None:
        if not self._plugged:
            self.endpoint.start(self._interpreter.feed)
            self._plugged = True

    def unplug(self) -> None:
        """Pull the cable: the driver's next read or write fails."""
        if self._plugged:
            self.endpoint.stop()
            self._plugged = False

    def stop(self) -> None:
        self.unplug()

    def describe(self) -> str:
        return f"{self.endpoint.describe()}; receipts drawn to {self.output_dir}"

    def wait_for_receipts(self, count: int, timeout: float) -> list[PrintedReceipt]:
        """Block until at least `count` receipts were drawn (or `timeout`); returns them all."""
        with self._receipt_added:
            self._receipt_added.wait_for(lambda: len(self.receipts) >= count, timeout)
            return list(self.receipts)

    # ---- the printer's side of the wire (called on the endpoint's thread)

    def _answer_status(self, kind: int) -> None:
        self.endpoint.send(bytes([status_reply(kind, self._state)]))

    def _save_receipt(self, receipt: RenderedReceipt) -> None:
        with self._receipt_added:
            path = self._new_receipt_path()
            receipt.image.save(path)
            self.receipts.append(PrintedReceipt(path, receipt.text))
            self._receipt_added.notify_all()
        log.info("virtual printer drew %s", path)

    def _new_receipt_path(self) -> Path:
        """receipt-<date>-<time>-<n>.png, never overwriting one (two simulators may share a folder)."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        number = len(self.receipts) + 1
        while True:
            path = self.output_dir / f"receipt-{stamp}-{number:04d}.png"
            try:
                path.open("xb").close()
                return path
            except FileExistsError:
                number += 1


def build(settings: Mapping[str, Any], context: Any):
    """Factory builder for `driver = "simulator"`: the real driver on a virtual printer."""
    from devices.printer.driver import EscposPrinter, EscposSerialLink, NetworkLink, paper_layout

    layout = paper_layout(settings)
    output_dir = Path(context.data_dir) / settings["simulator_output_folder"]
    if settings["simulator_transport"] == "tcp":
        endpoint: Endpoint = TcpEndpoint("127.0.0.1", settings["simulator_tcp_port"])
    else:
        endpoint = PtyEndpoint(Path(context.data_dir) / "printer" / PTY_LINK_NAME)
    simulator = VirtualPrinter(endpoint, output_dir, layout.width_dots)
    simulator.start()
    context.simulators["printer"] = simulator
    context.closers.append(simulator.stop)
    if isinstance(endpoint, TcpEndpoint):
        link = NetworkLink("127.0.0.1", endpoint.port)
    else:
        link = EscposSerialLink(str(endpoint.link_path), settings["baud"])
    printer = EscposPrinter(link, layout)
    context.closers.append(printer.close)
    return printer
