"""A simulated permit card module on a pty: the far side of the line the real driver opens.

It speaks docs/protocols/permit-card.md byte for byte, keeps its cards on disk (card_store),
takes as long as a module would (wire time at the configured baud plus chip and print
time), and has the controls a technician panel and the tests need: insert a demo card,
take it out, pull it out in the middle of the next write, fail the next write, fill the
chip, garble the next answers; leave ejected cards at the opening until taken (issue 14: by
default the simulated citizen takes an ejected card at once), and be a module without the
opening sensor or without the retract mechanism.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devices.channels import PtyPair, line_time, open_pty
from devices.permit.card_store import CardStore
from devices.permit.contract import PermitError
from devices.permit.driver import SerialPermitDriver, timeouts_from
from devices.permit.protocol import (
    FRAME_OVERHEAD,
    Command,
    Frame,
    FrameSplitter,
    Status,
    bad_frame_response,
    decode_record_id,
    decode_write,
    encode_card,
    encode_record,
    encode_response,
    encode_status_data,
)
from devices.permit.records import CHIP_CAPACITY, Endorsement

if TYPE_CHECKING:
    from devices.factory import DeviceContext

log = logging.getLogger(__name__)

# The protocol's limit on gaps inside a request (docs/protocols/permit-card.md, framing rules).
REQUEST_GAP_TIMEOUT = 0.05
# How often the serving thread wakes to check for a stop request or a stalled request.
POLL_SECONDS = 0.02
# Answers go out in chunks of this many bytes, each after its wire time, as a UART sends them.
RESPONSE_CHUNK = 64
STATE_FILE = Path("simulators") / "permit-cards.json"
# How many received commands the simulator remembers (a days-long run must not grow forever).
COMMAND_HISTORY = 64


@dataclass(frozen=True)
class SimulatorTiming:
    """Seconds the simulated module works on a command, on top of the wire time."""

    status: float = 0.005
    chip_read: float = 0.12
    chip_write: float = 0.35
    face_print: float = 0.9
    eject: float = 0.4


# For tests that need many writes: same behaviour, almost no waiting.
FAST_TIMING = SimulatorTiming(status=0.0, chip_read=0.002, chip_write=0.01, face_print=0.005, eject=0.002)


@dataclass
class _WriteFault:
    status: Status  # WRITE_FAILED, AUTH_FAILED or CARD_REMOVED
    commit: bool = False  # for CARD_REMOVED: whether the record reached the chip before the card left


class PermitCardSimulator:
    """The module side of the permit card protocol, serving one pty."""

    kind = "permit"

    def __init__(self, state_path: Path, baud: int = 115200, timing: SimulatorTiming = SimulatorTiming()) -> None:
        self.store = CardStore(state_path)
        self._baud = baud
        self._timing = timing
        self._lock = threading.Lock()
        self._write_fault: _WriteFault | None = None
        self._corrupt_answers = 0
        self._take_after_write = False
        # Issue 14: the card pushed out to the opening and not yet taken (its permit number).
        self._at_opening: str | None = None
        self._hold_ejected = False  # True: an ejected card waits at the opening until taken
        self.opening_sensor = True  # False: STATUS has no CARD_AT_OPENING byte (an older module)
        self.can_retract = True  # False: RETRACT is UNKNOWN_COMMAND (a module without the mechanism)
        self.captured: list[str] = []  # cards retracted into the capture bin, oldest first
        self._pty: PtyPair | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        # The latest commands received, oldest first (for tests and the technician panel).
        self.commands_seen: deque[Command | int] = deque(maxlen=COMMAND_HISTORY)

    # --- life cycle ------------------------------------------------------------------------

    def start(self) -> str:
        """Open the pty and serve it; return the port path the driver opens."""
        self._pty = open_pty()
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="permit-simulator", daemon=True)
        self._thread.start()
        log.info("permit card simulator listening on %s (%d baud, cards in %s)",
                 self._pty.slave_path, self._baud, self.store.path)
        return self._pty.slave_path

    @property
    def port(self) -> str:
        if self._pty is None:
            raise RuntimeError("simulator not started")
        return self._pty.slave_path

    def describe(self) -> str:
        inserted = self.store.inserted()
        return (f"permit card module on {self.port} ({self._baud} baud); card in slot: "
                f"{inserted.permit_number if inserted else 'none'}; cards kept in {self.store.path}")

    def stop(self) -> None:
        """Stop serving and close the pty: the driver sees the line go dead."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        if self._pty is not None:
            self._pty.close()
            self._pty = None

    # --- controls (technician panel, tests) --------------------------------------------------

    def insert_card(self, permit_number: str) -> None:
        with self._lock:
            self._at_opening = None  # a card at the opening was taken to insert this one
        self.store.insert(permit_number)

    def remove_card(self) -> None:
        """Take the card out: from the slot, or from the opening after an eject."""
        with self._lock:
            self._at_opening = None
        self.store.remove()

    def hold_ejected_cards(self, hold: bool = True) -> None:
        """Ejected cards stay at the opening (STATUS CARD_AT_OPENING = 1) until `take_card`."""
        with self._lock:
            self._hold_ejected = hold

    def take_card(self) -> bool:
        """The citizen takes the card waiting at the opening; False when none was there."""
        with self._lock:
            taken, self._at_opening = self._at_opening is not None, None
        return taken

    @property
    def card_at_opening(self) -> str | None:
        with self._lock:
            return self._at_opening

    def pull_card_during_next_write(self, committed: bool = False) -> None:
        """The citizen pulls the card out while the next write runs. `committed`: the chip
        transaction finished just before the card left (the module cannot tell the host)."""
        with self._lock:
            self._write_fault = _WriteFault(Status.CARD_REMOVED, committed)

    def fail_next_write(self, status: Status = Status.WRITE_FAILED) -> None:
        """The next write is refused by the chip (WRITE_FAILED) or by the card's keys (AUTH_FAILED)."""
        if status not in (Status.WRITE_FAILED, Status.AUTH_FAILED):
            raise ValueError("a write can fail with WRITE_FAILED or AUTH_FAILED")
        with self._lock:
            self._write_fault = _WriteFault(status)

    def take_card_after_next_write(self) -> None:
        """The next write succeeds, and the citizen takes the card before it can be read back."""
        with self._lock:
            self._take_after_write = True

    def fill_chip(self, leave_free: int = 0) -> None:
        """Fill the inserted card's chip up to `leave_free` records short of its 255: with
        none left, the next new write is CHIP_FULL."""
        card = self.store.inserted()
        if card is None:
            raise RuntimeError("no card in the slot")
        self.store.fill_chip(card.permit_number, leave_free)

    def corrupt_next_answers(self, count: int = 1) -> None:
        """Garble the CRC of the next `count` answers, as line noise would."""
        with self._lock:
            self._corrupt_answers = count

    # --- serving -----------------------------------------------------------------------------

    def _serve(self) -> None:
        assert self._pty is not None
        master = self._pty.master_fd
        splitter = FrameSplitter()
        last_byte_at = 0.0
        while not self._stop.is_set():
            readable, _, _ = select.select([master], [], [], POLL_SECONDS)
            now = time.monotonic()
            stalled = splitter.has_partial and now - last_byte_at > REQUEST_GAP_TIMEOUT
            if stalled and splitter.discard_partial() is not None:
                self._send(master, bad_frame_response())
            if not readable:
                continue
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            last_byte_at = now
            for item in splitter.feed(data):
                self._answer(master, item)

    def _answer(self, master: int, item: Frame | PermitError) -> None:
        if isinstance(item, PermitError):
            log.debug("permit simulator: bad request frame (%s)", item.detail)
            self._send(master, bad_frame_response())
            return
        time.sleep(line_time(FRAME_OVERHEAD + len(item.body), self._baud))  # the request's own wire time
        try:
            command: Command | int = Command(item.command)
        except ValueError:
            command = item.command
        self.commands_seen.append(command)
        status, data = self._execute(command, item.body)
        self._send(master, encode_response(item.seq, item.command, status, data))

    def _execute(self, command: Command | int, body: bytes) -> tuple[Status, bytes]:
        handlers = {
            Command.STATUS: self._status,
            Command.READ_CARD: self._read_card,
            Command.READ_RECORD: self._read_record,
            Command.WRITE_ENDORSEMENT: self._write,
            Command.EJECT: self._eject,
            Command.RETRACT: self._retract,
        }
        handler = handlers.get(command) if isinstance(command, Command) else None
        if handler is None:
            return Status.UNKNOWN_COMMAND, b""
        try:
            return handler(body)
        except PermitError as exc:
            log.debug("permit simulator: bad parameter (%s)", exc.detail)
            return Status.BAD_PARAMETER, b""

    def _status(self, body: bytes) -> tuple[Status, bytes]:
        time.sleep(self._timing.status)
        with self._lock:
            at_opening = (self._at_opening is not None) if self.opening_sensor else None
        return Status.OK, encode_status_data(self.store.inserted() is not None, at_opening)

    def _read_card(self, body: bytes) -> tuple[Status, bytes]:
        card = self.store.inserted()
        if card is None:
            return Status.NO_CARD, b""
        time.sleep(self._timing.chip_read)
        return Status.OK, encode_card(card)

    def _read_record(self, body: bytes) -> tuple[Status, bytes]:
        record_id = decode_record_id(body)
        card = self.store.inserted()
        if card is None:
            return Status.NO_CARD, b""
        time.sleep(self._timing.chip_read / 4)
        record = card.find_endorsement(record_id)
        return (Status.OK, encode_record(record)) if record else (Status.NOT_FOUND, b"")

    def _write(self, body: bytes) -> tuple[Status, bytes]:
        record, print_on_face = decode_write(body)
        card = self.store.inserted()
        if card is None:
            return Status.NO_CARD, b""
        existing = card.find_endorsement(record.record_id)
        if existing is not None:  # idempotent retry, or a clash of ids
            return (Status.OK, bytes((len(card.endorsements),))) if existing == record else (Status.BAD_PARAMETER, b"")
        if len(card.endorsements) >= CHIP_CAPACITY:
            return Status.CHIP_FULL, b""
        with self._lock:
            fault, self._write_fault = self._write_fault, None
        if fault is not None:
            return self._faulty_write(card.permit_number, record, fault)
        time.sleep(self._timing.chip_write)
        used = self.store.append_endorsement(card.permit_number, record)
        if print_on_face:
            time.sleep(self._timing.face_print)
            self.store.print_on_face(card.permit_number, record.record_id)
        with self._lock:
            take, self._take_after_write = self._take_after_write, False
        if take:
            self.store.remove()
        return Status.OK, bytes((used,))

    def _faulty_write(self, permit_number: str, record: Endorsement, fault: _WriteFault) -> tuple[Status, bytes]:
        if fault.status is Status.AUTH_FAILED:
            return Status.AUTH_FAILED, b""
        time.sleep(self._timing.chip_write / 2)
        if fault.status is Status.CARD_REMOVED:
            if fault.commit:
                self.store.append_endorsement(permit_number, record)
            self.store.remove()
        return fault.status, b""

    def _eject(self, body: bytes) -> tuple[Status, bytes]:
        if self.store.inserted() is None:
            return Status.NO_CARD, b""
        time.sleep(self._timing.eject)
        card = self.store.inserted()
        self.store.remove()
        with self._lock:
            self._at_opening = card.permit_number if self._hold_ejected and card is not None else None
        return Status.OK, b""

    def _retract(self, body: bytes) -> tuple[Status, bytes]:
        if not self.can_retract:
            return Status.UNKNOWN_COMMAND, b""
        with self._lock:
            card, self._at_opening = self._at_opening, None
        if card is None:
            return Status.NO_CARD, b""
        time.sleep(self._timing.eject)
        self.captured.append(card)
        log.info("permit simulator: card %s retracted into the capture bin", card[:2] + "***")
        return Status.OK, b""

    def _send(self, master: int, frame: bytes) -> None:
        with self._lock:
            corrupt = self._corrupt_answers > 0
            self._corrupt_answers -= 1 if corrupt else 0
        if corrupt:
            frame = frame[:-3] + bytes((frame[-3] ^ 0xFF,)) + frame[-2:]
        for start in range(0, len(frame), RESPONSE_CHUNK):
            chunk = frame[start:start + RESPONSE_CHUNK]
            time.sleep(line_time(len(chunk), self._baud))
            try:
                os.write(master, chunk)
            except OSError:
                return


def build(settings: Mapping[str, Any], context: DeviceContext) -> SerialPermitDriver:
    """Start the simulator on a pty and return the real driver connected to it."""
    simulator = PermitCardSimulator(context.data_dir / STATE_FILE, baud=settings["baud"])
    port = simulator.start()
    context.simulators["permit"] = simulator
    context.closers.append(simulator.stop)
    return SerialPermitDriver(port, settings["baud"], timeouts_from(settings))
