"""A simulated document dispenser on a pty: the far side of the line the real driver opens.

It speaks docs/protocols/dispenser.md byte for byte, keeps its slots, picker, tray and reject
bin on disk (stock.py: documents survive a restart, and a power cut mid-dispense leaves the
document in the picker), takes as long as the mechanism would (SimulatorTiming: tests pass
FAST_TIMING), and has the controls the simulation panel and the tests need: the citizen takes
the document or leaves it, and every fault of the catalogue (jam, slot empty, wrong document,
tray blocked, door open, reject bin full, module silent, power lost mid-dispense).
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
from devices.dispenser.contract import DispenserError, DocumentRead, Location, ReadSource, mask_document_id
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.protocol import (
    FRAME_OVERHEAD,
    MAX_SLOTS,
    Command,
    ErrorCode,
    Frame,
    FrameSplitter,
    FrameType,
    bad_frame_response,
    decode_document_id,
    decode_slot,
    decode_slot_and_id,
    encode_document_id,
    encode_negative,
    encode_positive,
    encode_read,
    encode_slots,
    encode_status_data,
    encode_where,
)
from devices.dispenser.stock import DEFAULT_SLOT_COUNT, DispenserStock

if TYPE_CHECKING:
    from devices.factory import DeviceContext

log = logging.getLogger(__name__)

# The protocol's limit on gaps inside a request (docs/protocols/dispenser.md, framing rules).
REQUEST_GAP_TIMEOUT = 0.05
# How often the serving thread wakes to check for a stop request, a stalled request or a take.
POLL_SECONDS = 0.02
STATE_FILE = Path("simulators") / "dispenser-stock.json"
# How many received commands the simulator remembers (a days-long run must not grow forever).
COMMAND_HISTORY = 64


@dataclass(frozen=True)
class SimulatorTiming:
    """Seconds the mechanism takes, on top of the wire time (a CRT-591-class module's figures)."""

    status: float = 0.005
    load: float = 0.3  # the loader's reader checks the document in
    pick: float = 0.8  # slot -> picker
    read: float = 0.2  # the picker reads the document's barcode/MRZ
    deliver: float = 0.6  # picker -> tray
    retract: float = 1.0  # tray (or picker) -> reject bin


# For tests: same behaviour, almost no waiting.
FAST_TIMING = SimulatorTiming(status=0.0, load=0.001, pick=0.002, read=0.001, deliver=0.002, retract=0.002)


def read_source(document_id: str) -> ReadSource:
    """The simulated reader: a HK/Macau permit card (number series C) is read by its chip, a
    passport by its MRZ."""
    return ReadSource.CHIP if document_id.startswith("C") else ReadSource.OPTICAL


class DispenserSimulator:
    """The module side of the dispenser protocol, serving one pty at RS-485 `address`."""

    kind = "dispenser"

    def __init__(self, state_path: Path, baud: int = 38400, address: int = 0,
                 timing: SimulatorTiming = SimulatorTiming(), slot_count: int = DEFAULT_SLOT_COUNT) -> None:
        self.stock = DispenserStock(state_path, slot_count)
        self._baud = baud
        self._address = address
        self._timing = timing
        self._lock = threading.Lock()
        self._jam_next = False
        self._power_cut_next = False
        self._powered = True
        self._silent = False
        self._compares = True  # the module refuses a document other than the one asked for
        self._has_reader = True  # a reader at the picker reports what it read
        self._corrupt_answers = 0
        self._take_after: float | None = None  # a citizen who takes the document this long after it arrives
        self._take_due: float | None = None
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
        self._thread = threading.Thread(target=self._serve, name="dispenser-simulator", daemon=True)
        self._thread.start()
        log.info("dispenser simulator listening on %s (%d baud, stock in %s)",
                 self._pty.slave_path, self._baud, self.stock.path)
        return self._pty.slave_path

    @property
    def port(self) -> str:
        if self._pty is None:
            raise RuntimeError("simulator not started")
        return self._pty.slave_path

    def describe(self) -> str:
        loaded = sum(1 for s in self.stock.slots() if s.document_id)
        return (f"document dispenser on {self.port} ({self._baud} baud, address {self._address}); "
                f"{loaded} of {self.stock.slot_count} slots loaded; stock kept in {self.stock.path}")

    def stop(self) -> None:
        """Stop serving and close the pty: the driver sees the line go dead."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        if self._pty is not None:
            self._pty.close()
            self._pty = None

    # --- the citizen -------------------------------------------------------------------------

    def take_document(self) -> str | None:
        """The citizen takes what lies in the tray (the tray sensor sees it go)."""
        with self._lock:
            self._take_due = None
        taken = self.stock.take_from_tray()
        log.info("dispenser simulator: tray emptied by hand (%s)", mask_document_id(taken))
        return taken

    def take_after(self, seconds: float | None) -> None:
        """From now on the citizen takes each document `seconds` after it reaches the tray;
        None: they leave it there (the kiosk's wait runs out and it is retracted)."""
        with self._lock:
            self._take_after = seconds
            self._take_due = None if seconds is None or self.stock.tray is None else time.monotonic() + seconds

    def leave_document(self) -> None:
        """The citizen walks away: documents stay in the tray."""
        self.take_after(None)

    # --- faults (technician panel, tests) ----------------------------------------------------

    def jam_next_dispense(self) -> None:
        """The next dispense jams in the picker, the document stuck in it."""
        with self._lock:
            self._jam_next = True

    def jam_picker(self) -> None:
        """The picker jams now: nothing moves until `clear_jam`."""
        self.stock.set_flag("jammed", True)

    def clear_jam(self) -> None:
        """A technician frees the picker (a document in it stays there, for RETRACT)."""
        self.stock.set_flag("jammed", False)

    def empty_slot(self, slot: int) -> None:
        """The slot's document is gone though the module's record says loaded (taken out by hand)."""
        self.stock.set_physical(slot, None)

    def put_wrong_document(self, slot: int, document_id: str) -> None:
        """`document_id` lies in `slot` instead of the document the slot was loaded with."""
        self.stock.set_physical(slot, document_id)

    def block_tray(self) -> None:
        """Something (a citizen's own card, a leaflet) lies in the tray."""
        self.stock.set_flag("tray_foreign", True)

    def set_door_open(self, is_open: bool) -> None:
        self.stock.set_flag("door_open", is_open)

    def fill_reject_bin(self) -> None:
        self.stock.fill_reject_bin()

    def empty_reject_bin(self) -> list[str]:
        return self.stock.empty_reject_bin()

    def stop_comparing(self, compares: bool = False) -> None:
        """An adapter that reports what the picker read but does not compare it with the id asked
        for (the host's check is then the only one): until `stop_comparing(True)`."""
        with self._lock:
            self._compares = compares

    def remove_reader(self, removed: bool = True) -> None:
        """A module without a reader at the picker (STAGE answers no READ, and it cannot compare):
        until `remove_reader(False)`."""
        with self._lock:
            self._has_reader = not removed

    def go_silent(self, silent: bool = True) -> None:
        """The module stops answering (firmware hung, RS-485 line cut) until `go_silent(False)`."""
        with self._lock:
            self._silent = silent

    def lose_power_during_next_dispense(self) -> None:
        """Power fails once the next dispense has moved the document into the picker: no answer,
        the document stays in the picker until `restore_power` and a RETRACT."""
        with self._lock:
            self._power_cut_next = True

    def restore_power(self) -> None:
        with self._lock:
            self._powered = True

    def corrupt_next_answers(self, count: int = 1) -> None:
        """Garble the BCC of the next `count` answers, as line noise would."""
        with self._lock:
            self._corrupt_answers = count

    @property
    def powered(self) -> bool:
        return self._powered

    # --- serving -----------------------------------------------------------------------------

    def _serve(self) -> None:
        assert self._pty is not None
        master = self._pty.master_fd
        splitter = FrameSplitter()
        last_byte_at = 0.0
        while not self._stop.is_set():
            readable, _, _ = select.select([master], [], [], POLL_SECONDS)
            now = time.monotonic()
            self._take_if_due(now)
            stalled = splitter.has_partial and now - last_byte_at > REQUEST_GAP_TIMEOUT
            if stalled and splitter.discard_partial() is not None and self._answering():
                self._send(master, bad_frame_response(self._address, self.stock.sensors()))
            if not readable:
                continue
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            last_byte_at = now
            for item in splitter.feed(data):
                if self._answering():
                    self._answer(master, item)

    def _answering(self) -> bool:
        with self._lock:
            return self._powered and not self._silent

    def _take_if_due(self, now: float) -> None:
        with self._lock:
            due = self._take_due is not None and now >= self._take_due
        if due:
            self.take_document()

    def _answer(self, master: int, item: Frame | DispenserError) -> None:
        if isinstance(item, DispenserError):
            log.debug("dispenser simulator: bad request frame (%s)", item.detail)
            self._send(master, bad_frame_response(self._address, self.stock.sensors()))
            return
        if item.address != self._address:
            return  # another module's frame on the shared RS-485 line
        if item.type != FrameType.COMMAND:
            self._send(master, bad_frame_response(self._address, self.stock.sensors()))
            return
        time.sleep(line_time(FRAME_OVERHEAD + len(item.data), self._baud))  # the request's own wire time
        try:
            command: Command | int = Command(item.command)
        except ValueError:
            command = item.command
        self.commands_seen.append(command)
        result = self._execute(command, item.data)
        if result is None:  # power lost mid-command: nothing more is sent
            return
        error, data = result
        sensors = self.stock.sensors()
        if error is None:
            self._send(master, encode_positive(self._address, item.seq, item.command, sensors, data))
        else:
            self._send(master, encode_negative(self._address, item.seq, item.command, sensors, error, data))

    def _execute(self, command: Command | int, data: bytes) -> tuple[ErrorCode | None, bytes] | None:
        handlers = {
            Command.STATUS: self._status,
            Command.SLOTS: self._slots,
            Command.LOAD: self._load,
            Command.UNLOAD: self._unload,
            Command.STAGE: self._stage,
            Command.PRESENT: self._present,
            Command.RETRACT: self._retract,
            Command.WHERE: self._where,
        }
        handler = handlers.get(command) if isinstance(command, Command) else None
        if handler is None:
            return ErrorCode.UNKNOWN_COMMAND, b""
        try:
            with self.stock.lock:  # a panel control waits for the mechanism's step to end
                return handler(data)
        except DispenserError as exc:
            log.debug("dispenser simulator: bad parameter (%s)", exc.detail)
            return ErrorCode.BAD_PARAMETER, b""

    def _status(self, data: bytes) -> tuple[ErrorCode | None, bytes]:
        time.sleep(self._timing.status)
        return None, encode_status_data(self.stock.slot_count, min(self.stock.reject_count, 255),
                                        self.stock.reject_capacity)

    def _slots(self, data: bytes) -> tuple[ErrorCode | None, bytes]:
        return None, encode_slots(self.stock.slots())

    def _check_slot(self, slot: int) -> None:
        if not 1 <= slot <= min(self.stock.slot_count, MAX_SLOTS):
            raise DispenserError("", f"slot {slot} of {self.stock.slot_count}")

    def _load(self, data: bytes) -> tuple[ErrorCode | None, bytes]:
        slot, document_id = decode_slot_and_id(data)
        self._check_slot(slot)
        if self.stock.loaded(slot) is not None or self.stock.physical(slot) is not None:
            return ErrorCode.SLOT_OCCUPIED, b""
        if self.stock.knows(document_id):
            raise DispenserError("", "document already in the machine")
        time.sleep(self._timing.load)
        self.stock.load(slot, document_id)
        return None, b""

    def _unload(self, data: bytes) -> tuple[ErrorCode | None, bytes]:
        slot = decode_slot(data)
        self._check_slot(slot)
        loaded, physical = self.stock.loaded(slot), self.stock.physical(slot)
        if physical is None:
            return ErrorCode.SLOT_EMPTY, b""
        time.sleep(self._timing.load)
        self.stock.clear_slot(slot)
        log.info("dispenser simulator: slot %d unloaded (loaded as %s)", slot, mask_document_id(loaded))
        return None, encode_document_id(physical)

    def _stage(self, data: bytes) -> tuple[ErrorCode | None, bytes] | None:
        """Slot -> past the reader -> held in the picker; answers what the reader read."""
        slot, wanted = decode_slot_and_id(data)
        self._check_slot(slot)
        sensors = self.stock.sensors()
        if sensors.door_open:
            return ErrorCode.DOOR_OPEN, b""
        if sensors.picker_jammed:
            return ErrorCode.JAMMED, b""
        if sensors.picker_occupied:
            return ErrorCode.PICKER_OCCUPIED, b""
        if sensors.tray_occupied:  # checked before picking: a document that cannot be presented stays put
            return ErrorCode.TRAY_BLOCKED, b""
        if self.stock.physical(slot) is None:
            return ErrorCode.SLOT_EMPTY, b""
        time.sleep(self._timing.pick)
        self.stock.pick(slot)
        with self._lock:
            power_cut, self._power_cut_next = self._power_cut_next, False
            jam, self._jam_next = self._jam_next, False
            if power_cut:
                self._powered = False
        if power_cut:
            log.info("dispenser simulator: power lost with a document in the picker")
            return None
        if jam:
            self.stock.set_flag("jammed", True)
            return ErrorCode.JAMMED, b""
        read = self.stock.picker
        assert read is not None
        with self._lock:
            compares, has_reader = self._compares, self._has_reader
        if not has_reader:
            return None, encode_read(None)  # no reader: the module cannot compare either
        time.sleep(self._timing.read)
        if read != wanted and compares:
            time.sleep(self._timing.pick)
            self.stock.put_back()
            return ErrorCode.WRONG_DOCUMENT, encode_document_id(read)
        return None, encode_read(DocumentRead(read, read_source(read)))

    def _present(self, data: bytes) -> tuple[ErrorCode | None, bytes]:
        """The held document -> the tray (only the one the host names)."""
        wanted = decode_document_id(data)
        sensors = self.stock.sensors()
        if sensors.door_open:
            return ErrorCode.DOOR_OPEN, b""
        if sensors.picker_jammed:
            return ErrorCode.JAMMED, b""
        if self.stock.picker != wanted:
            return ErrorCode.NOTHING_HELD, b""
        if sensors.tray_occupied:
            return ErrorCode.TRAY_BLOCKED, b""
        time.sleep(self._timing.deliver)
        self.stock.deliver()
        with self._lock:
            self._take_due = None if self._take_after is None else time.monotonic() + self._take_after
        return None, b""

    def _retract(self, data: bytes) -> tuple[ErrorCode | None, bytes]:
        sensors = self.stock.sensors()
        if sensors.door_open:
            return ErrorCode.DOOR_OPEN, b""
        if sensors.picker_jammed:
            return ErrorCode.JAMMED, b""
        if not sensors.tray_occupied and not sensors.picker_occupied:
            return ErrorCode.NOTHING_TO_RETRACT, b""
        if sensors.reject_bin_full:
            return ErrorCode.REJECT_BIN_FULL, b""
        time.sleep(self._timing.retract)
        with self._lock:
            self._take_due = None
        document = self.stock.retract()
        return None, encode_document_id(document) if document else b"\x00"

    def _where(self, data: bytes) -> tuple[ErrorCode | None, bytes]:
        whereabouts = self.stock.where_is(decode_document_id(data))
        slot = whereabouts.slot if whereabouts.location is Location.SLOT else None
        return None, encode_where(whereabouts.location, slot)

    def _send(self, master: int, frame: bytes) -> None:
        with self._lock:
            corrupt = self._corrupt_answers > 0
            self._corrupt_answers -= 1 if corrupt else 0
        if corrupt:
            frame = frame[:-1] + bytes((frame[-1] ^ 0xFF,))
        time.sleep(line_time(len(frame), self._baud))
        try:
            os.write(master, frame)
        except OSError:
            return


def build(settings: Mapping[str, Any], context: DeviceContext) -> SerialDispenserDriver:
    """Start the simulator on a pty and return the real driver connected to it."""
    simulator = DispenserSimulator(context.data_dir / STATE_FILE, baud=settings["baud"],
                                   address=settings["address"])
    port = simulator.start()
    context.simulators["dispenser"] = simulator
    context.closers.append(simulator.stop)
    return SerialDispenserDriver(port, settings["baud"], settings["address"])
