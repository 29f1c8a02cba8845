"""The document dispenser driver: docs/protocols/dispenser.md over a serial (RS-232/RS-485) port.

Connects lazily; any I/O failure or silence closes the port and reports DISCONNECTED, and the
next call opens it again. A command that moves a document (LOAD, UNLOAD, STAGE, PRESENT, RETRACT) is
never sent twice on the driver's own initiative unless the module said it did not execute it
(a BAD_FRAME answer): after a garbled answer or silence the caller asks `where_is`, because a
passport handed out twice cannot be taken back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import serial
from serial.tools import list_ports

from devices.base import DeviceStatus, StatusLog
from devices.channels import line_time
from devices.dispenser.contract import (
    MSG_BAD_FRAME,
    MSG_DISCONNECTED,
    MSG_DOOR_OPEN,
    MSG_JAMMED,
    MSG_MODULE_FAULT,
    MSG_PICKER_OCCUPIED,
    MSG_REFUSED,
    MSG_REJECT_BIN_FULL,
    MSG_SLOT_EMPTY,
    MSG_TIMEOUT,
    MSG_TRAY_BLOCKED,
    MSG_WRONG_DOCUMENT,
    DispenserError,
    DocumentRead,
    Fault,
    ModuleStatus,
    Sensors,
    Slot,
    TakeOutcome,
    Whereabouts,
    mask_document_id,
)
from devices.dispenser.protocol import (
    BAD_FRAME_SEQ,
    HEADER_SIZE,
    STX,
    Command,
    ErrorCode,
    Response,
    decode_document_id,
    decode_frame,
    decode_read,
    decode_response,
    decode_slots,
    decode_status_data,
    decode_where,
    encode_document_id,
    encode_request,
    encode_slot,
    encode_slot_and_id,
    frame_size,
    take_document_id,
)
from devices.serial_link import LINK_ERRORS, SerialLink, read_until
from devices.usb_ports import PortLister
from devices.wire_log import frame_summary

if TYPE_CHECKING:
    from devices.factory import DeviceContext

log = logging.getLogger(__name__)

# Time to the first byte of an answer: the mechanism's own time (docs/protocols/dispenser.md,
# "Timing") plus margin.
STATUS_TIMEOUT = 0.5
LOAD_TIMEOUT = 2.0  # LOAD, UNLOAD
DISPENSE_TIMEOUT = 6.0  # STAGE: pick and read (or put back); PRESENT: deliver
RETRACT_TIMEOUT = 4.0
# Once a header has arrived: wait for the announced length at the line's speed, twice over, plus this.
BODY_MARGIN = 0.2
# pyserial read timeout: how long one read() blocks before the deadline is checked again.
READ_POLL_SECONDS = 0.05
# status() must not wait behind a running dispense: if the line is busy this long, say BUSY.
STATUS_LOCK_WAIT = 0.05
# A request is a few dozen bytes: writing it never legitimately blocks this long.
SERIAL_WRITE_TIMEOUT = 1.0
# How often wait_taken asks the tray sensor.
TAKE_POLL_SECONDS = 0.1

# Commands that move nothing, so a garbled answer can be asked for again.
_SAFE_TO_REPEAT = {Command.STATUS, Command.SLOTS, Command.WHERE}
# What a negative answer means for the caller.
_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.SLOT_EMPTY: MSG_SLOT_EMPTY,
    ErrorCode.WRONG_DOCUMENT: MSG_WRONG_DOCUMENT,
    ErrorCode.JAMMED: MSG_JAMMED,
    ErrorCode.TRAY_BLOCKED: MSG_TRAY_BLOCKED,
    ErrorCode.DOOR_OPEN: MSG_DOOR_OPEN,
    ErrorCode.REJECT_BIN_FULL: MSG_REJECT_BIN_FULL,
    ErrorCode.PICKER_OCCUPIED: MSG_PICKER_OCCUPIED,
    ErrorCode.SLOT_OCCUPIED: MSG_REFUSED,
    ErrorCode.NOTHING_TO_RETRACT: MSG_REFUSED,
    ErrorCode.NOTHING_HELD: MSG_REFUSED,
    ErrorCode.BAD_PARAMETER: MSG_REFUSED,
    ErrorCode.UNKNOWN_COMMAND: MSG_MODULE_FAULT,
    ErrorCode.BAD_FRAME: MSG_BAD_FRAME,
}


@dataclass(frozen=True)
class Timeouts:
    """Seconds to the first byte of an answer, per kind of command (tests shorten them)."""

    status: float = STATUS_TIMEOUT
    load: float = LOAD_TIMEOUT
    dispense: float = DISPENSE_TIMEOUT  # STAGE and PRESENT
    retract: float = RETRACT_TIMEOUT


class SerialDispenserDriver:
    """Talks to a document dispenser module (or its simulator) at RS-485 `address` on a serial port."""

    kind = "dispenser"

    def __init__(self, port: str, baud: int = 38400, address: int = 0, timeouts: Timeouts = Timeouts(),
                 comports: PortLister = list_ports.comports, take_poll_s: float = TAKE_POLL_SECONDS) -> None:
        self._port_name = port
        self._link = SerialLink(port, baud, timeout=READ_POLL_SECONDS, comports=comports,
                                write_timeout=SERIAL_WRITE_TIMEOUT)
        self._address = address
        self._timeouts = timeouts
        self._take_poll_s = take_poll_s
        self._lock = threading.Lock()
        self._seq = 0
        self._status_log = StatusLog("dispenser", log)
        self.last_detail = ""  # why the module is not usable (doctor shows it)
        self.last_sensors: Sensors | None = None  # the sensor byte of the latest answer
        # The document this driver staged and holds in the picker (until PRESENT or RETRACT): a
        # status poll between the two steps says BUSY, not "document left in the picker".
        self._holding: str | None = None

    # --- verbs -------------------------------------------------------------------------------

    def module_status(self) -> ModuleStatus:
        response = self._command(Command.STATUS, timeout=self._timeouts.status)
        slot_count, rejects, capacity = decode_status_data(self._ok(response, Command.STATUS).data)
        return ModuleStatus(response.sensors, slot_count, rejects, capacity)

    def slots(self) -> list[Slot]:
        return decode_slots(self._ok(self._command(Command.SLOTS, timeout=self._timeouts.status), Command.SLOTS).data)

    def load(self, slot: int, document_id: str) -> None:
        self._ok(self._command(Command.LOAD, encode_slot_and_id(slot, document_id), timeout=self._timeouts.load),
                 Command.LOAD)
        log.info("dispenser: %s loaded into slot %d", mask_document_id(document_id), slot)

    def unload(self, slot: int) -> str:
        response = self._ok(self._command(Command.UNLOAD, encode_slot(slot), timeout=self._timeouts.load),
                            Command.UNLOAD)
        document_id = decode_document_id(response.data)
        log.info("dispenser: slot %d unloaded (%s)", slot, mask_document_id(document_id))
        return document_id

    def stage(self, slot: int, document_id: str) -> DocumentRead | None:
        log.info("dispenser: staging %s from slot %d", mask_document_id(document_id), slot)
        response = self._command(Command.STAGE, encode_slot_and_id(slot, document_id),
                                 timeout=self._timeouts.dispense)
        read = decode_read(self._ok(response, Command.STAGE).data)
        self._holding = document_id
        log.info("dispenser: %s held in the picker (read %s)", mask_document_id(document_id),
                 f"{mask_document_id(read.document_id)} by {read.source.value}" if read else "nothing: no reader")
        return read

    def present(self, document_id: str) -> None:
        self._ok(self._command(Command.PRESENT, encode_document_id(document_id), timeout=self._timeouts.dispense),
                 Command.PRESENT)
        self._holding = None
        log.info("dispenser: %s is in the tray", mask_document_id(document_id))

    def dispense(self, slot: int, document_id: str) -> DocumentRead | None:
        read = self.stage(slot, document_id)
        if read is not None and read.document_id != document_id:
            raise DispenserError(MSG_WRONG_DOCUMENT, f"the picker holds {mask_document_id(read.document_id)}, "
                                 f"not {mask_document_id(document_id)}: not presented, retract it",
                                 Fault.WRONG_DOCUMENT, read.document_id)
        self.present(document_id)
        return read

    def wait_taken(self, timeout_s: float) -> TakeOutcome:
        """Ask the tray sensor until it reports the document taken, or `timeout_s` has passed.
        Raises DispenserError when the module stops answering (the caller asks where_is)."""
        deadline = time.monotonic() + timeout_s
        while True:
            sensors = self.module_status().sensors
            if sensors.document_taken and not sensors.tray_occupied:
                log.info("dispenser: the document was taken from the tray")
                return TakeOutcome.TAKEN
            if time.monotonic() >= deadline:
                log.info("dispenser: the document was not taken in %.1f s", timeout_s)
                return TakeOutcome.NOT_TAKEN
            time.sleep(min(self._take_poll_s, max(0.0, deadline - time.monotonic())))

    def retract(self) -> str | None:
        response = self._ok(self._command(Command.RETRACT, timeout=self._timeouts.retract), Command.RETRACT)
        self._holding = None
        document_id, end = take_document_id(response.data, allow_empty=True)
        if end != len(response.data):
            raise DispenserError(MSG_BAD_FRAME, "bytes after the retracted document's id")
        log.info("dispenser: %s retracted to the reject bin",
                 mask_document_id(document_id) if document_id else "an unread object")
        return document_id

    def where_is(self, document_id: str) -> Whereabouts:
        response = self._command(Command.WHERE, encode_document_id(document_id), timeout=self._timeouts.status)
        return decode_where(document_id, self._ok(response, Command.WHERE).data)

    def status(self) -> DeviceStatus:
        if not self._lock.acquire(timeout=STATUS_LOCK_WAIT):
            return DeviceStatus.BUSY
        try:
            response = self._exchange(Command.STATUS, b"", self._timeouts.status)
            sensors = response.sensors
            if self._holding is not None and sensors.picker_occupied and not (
                    sensors.door_open or sensors.picker_jammed or sensors.reject_bin_full):
                status, self.last_detail = DeviceStatus.BUSY, ""  # held between STAGE and PRESENT
            else:
                status, self.last_detail = sensors.device_status(), sensors.problem()
        except DispenserError as exc:
            status = DeviceStatus.DISCONNECTED if exc.fault in (Fault.SILENT, Fault.DISCONNECTED) \
                else DeviceStatus.ERROR
            self.last_detail = exc.detail
        finally:
            self._lock.release()
        self._status_log.update(status, self.last_detail)
        return status

    def close(self) -> None:
        with self._lock:
            self._link.drop()

    # --- answers -----------------------------------------------------------------------------

    @staticmethod
    def _ok(response: Response, command: Command) -> Response:
        """The positive answer, or the module's refusal as a DispenserError naming its fault."""
        if response.error is None:
            return response
        read = None
        if response.error is ErrorCode.WRONG_DOCUMENT:
            read, _ = take_document_id(response.data, allow_empty=True)
        raise DispenserError(_ERRORS[response.error], f"module answered {response.error.name.lower()} "
                             f"to {command.name}" + (f" (read {mask_document_id(read)})" if read else ""),
                             response.error.fault, read)

    # --- transport ---------------------------------------------------------------------------

    def _command(self, command: Command, body: bytes = b"", *, timeout: float) -> Response:
        with self._lock:
            return self._exchange(command, body, timeout)

    def _exchange(self, command: Command, body: bytes, timeout: float) -> Response:
        """One request and its answer, sent again once when that is safe: a request the module
        rejected as a bad frame was not executed (protocol rule), and a garbled answer to a
        command that moves nothing can simply be asked for again."""
        garbled_retries = 1 if command in _SAFE_TO_REPEAT else 0
        rejected_retries = 1
        while True:
            try:
                response = self._send_and_receive(command, body, timeout)
            except DispenserError as exc:
                if exc.fault is not Fault.BAD_FRAME or garbled_retries == 0:
                    raise
                garbled_retries -= 1
                log.info("dispenser: garbled answer to %s (%s); asking again", command.name, exc.detail)
                continue
            self.last_sensors = response.sensors
            if response.error is ErrorCode.BAD_FRAME:
                if rejected_retries == 0:
                    raise DispenserError(MSG_BAD_FRAME, f"module rejected the {command.name} frame twice")
                rejected_retries -= 1
                log.info("dispenser: module rejected the %s frame; sending it again", command.name)
                continue
            return response

    def _send_and_receive(self, command: Command, body: bytes, timeout: float) -> Response:
        self._connect()
        seq = self._next_seq()
        request = encode_request(self._address, seq, command, body)
        try:
            with self._link.io() as port:  # an I/O failure drops the link; the next call reopens it
                port.reset_input_buffer()  # a late answer to an abandoned request is not ours
                port.write(request)
                port.flush()
                log.debug("dispenser >> %s", frame_summary(request))
                return self._receive(port, seq, command, time.monotonic() + timeout)
        except LINK_ERRORS as exc:
            self._status_log.update(DeviceStatus.DISCONNECTED, str(exc))
            raise DispenserError(MSG_DISCONNECTED, f"{self._port_name}: {exc}", Fault.DISCONNECTED) from None

    def _receive(self, port: serial.Serial, seq: int, command: Command, deadline: float) -> Response:
        while True:
            frame = decode_frame(self._read_frame(port, deadline))
            if frame.address != self._address:
                continue  # another module's answer on the shared RS-485 line
            response = decode_response(frame)
            if response.seq == seq and response.command == command:
                return response
            if response.seq == BAD_FRAME_SEQ and response.error is ErrorCode.BAD_FRAME:
                return response
            log.debug("dispenser: discarding answer to request %d (waiting for %d)", response.seq, seq)

    def _read_frame(self, port: serial.Serial, deadline: float) -> bytes:
        """Skip noise up to STX, read the header, then exactly the announced length. Silence
        before any STX means the module is not answering (SILENT: the port is closed and
        reopened next time); a frame that stops short is a garbled frame (BAD_FRAME)."""
        while True:
            first = read_until(port, 1, deadline)
            if not first:
                self._link.drop()
                self._status_log.update(DeviceStatus.DISCONNECTED, "no answer")
                raise DispenserError(MSG_TIMEOUT, f"{self._port_name}: no answer in time", Fault.SILENT)
            if first[0] == STX:
                break
        header = first + read_until(port, HEADER_SIZE - 1, deadline + BODY_MARGIN)
        size = frame_size(header)
        body_deadline = max(deadline, time.monotonic() + 2 * line_time(size, self._link.baudrate) + BODY_MARGIN)
        raw = header + read_until(port, size - HEADER_SIZE, body_deadline)
        log.debug("dispenser << %s", frame_summary(raw))
        if len(raw) < size:
            raise DispenserError(MSG_BAD_FRAME, f"short frame: {len(raw)} of the {size} bytes announced")
        return raw

    def _connect(self) -> None:
        if self._link.is_open:
            return
        try:
            self._link.port()
        except LINK_ERRORS as exc:
            self._status_log.update(DeviceStatus.DISCONNECTED, str(exc))
            raise DispenserError(MSG_DISCONNECTED, f"{self._port_name}: {exc}", Fault.DISCONNECTED) from None
        log.info("dispenser port %s opened at %d baud", self._port_name, self._link.baudrate)

    def _next_seq(self) -> int:
        self._seq = self._seq % 255 + 1  # 1..255; 0 is the module's "bad frame" answer
        return self._seq


def build(settings: Mapping[str, Any], context: DeviceContext) -> SerialDispenserDriver:
    """`driver = "serial"`: the module on `port` (an RS-485 adapter or the module's RS-232 port)."""
    return SerialDispenserDriver(settings["port"], settings["baud"], settings["address"])
