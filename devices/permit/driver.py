"""The permit card reader/writer driver: docs/protocols/permit-card.md over a serial port.

Connects lazily; any I/O failure or silence closes the port and reports DISCONNECTED, and
the next call opens it again, so a module that was unplugged and plugged back in works
without restarting the kiosk. Writes are confirmed by reading the record back from the chip.
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
from devices.permit.contract import (
    MSG_AUTH_FAILED,
    MSG_BAD_FRAME,
    MSG_CARD_REMOVED,
    MSG_DISCONNECTED,
    MSG_MODULE_FAULT,
    MSG_NO_CARD,
    MSG_TIMEOUT,
    PermitError,
    WriteOutcome,
    WriteResult,
)
from devices.permit.protocol import (
    BAD_FRAME_SEQ,
    HEADER_SIZE,
    STX,
    Command,
    Response,
    SlotState,
    Status,
    decode_card,
    decode_frame,
    decode_record,
    decode_response,
    decode_slot_state,
    decode_status_data,
    encode_record_id,
    encode_request,
    encode_write,
    frame_size,
)
from devices.permit.records import Endorsement, PermitCard
from devices.serial_link import LINK_ERRORS, SerialLink, read_until
from devices.usb_ports import PortLister
from devices.wire_log import frame_summary

if TYPE_CHECKING:
    from devices.factory import DeviceContext

log = logging.getLogger(__name__)

# Time to the first byte of an answer (the module's own limits, plus margin).
STATUS_TIMEOUT = 0.5
READ_TIMEOUT = 2.0
WRITE_TIMEOUT = 6.0
# Once a header has arrived: wait for the announced length at the line's speed, twice over, plus this.
BODY_MARGIN = 0.2
# pyserial read timeout: how long one read() blocks before the deadline is checked again.
READ_POLL_SECONDS = 0.05
# status() must not wait behind a running write: if the line is busy this long, say BUSY.
STATUS_LOCK_WAIT = 0.05
# A request is a few dozen bytes: writing it to the port never legitimately blocks this long.
SERIAL_WRITE_TIMEOUT = 1.0

# Commands that change nothing on the card, so a garbled answer can be asked for again.
_SAFE_TO_REPEAT = {Command.STATUS, Command.READ_CARD, Command.READ_RECORD}

# Module answers that are refusals before the chip was touched.
_REFUSALS = {Status.NO_CARD, Status.CHIP_FULL, Status.AUTH_FAILED, Status.BAD_PARAMETER}
# Status codes that stop a read, with what the citizen is told.
_READ_FAILURES = {
    Status.NO_CARD: MSG_NO_CARD,
    Status.CARD_REMOVED: MSG_CARD_REMOVED,
    Status.AUTH_FAILED: MSG_AUTH_FAILED,
}


@dataclass(frozen=True)
class Timeouts:
    """Seconds to the first byte of an answer, per kind of command (tests shorten them)."""

    status: float = STATUS_TIMEOUT
    read: float = READ_TIMEOUT  # READ_CARD, READ_RECORD, EJECT
    write: float = WRITE_TIMEOUT


class SerialPermitDriver:
    """Talks to a permit card module (vendor adapter or simulator) on a serial port."""

    kind = "permit"

    def __init__(self, port: str, baud: int = 115200, timeouts: Timeouts = Timeouts(),
                 comports: PortLister = list_ports.comports) -> None:
        self._port_name = port  # a path or a USB identity (devices/usb_ports.py), looked up at every open
        self._link = SerialLink(port, baud, timeout=READ_POLL_SECONDS, comports=comports,
                                write_timeout=SERIAL_WRITE_TIMEOUT)
        self._timeouts = timeouts
        self._lock = threading.Lock()
        self._seq = 0
        self._status_log = StatusLog("permit", log)

    # --- verbs -------------------------------------------------------------------------------

    def read_card(self) -> PermitCard:
        response = self._command(Command.READ_CARD, timeout=self._timeouts.read)
        self._raise_unless_ok(response)
        card = decode_card(response.data)
        log.info("permit card read: %s", card.masked_summary())
        return card

    def write_endorsement(self, record: Endorsement, print_on_face: bool = True) -> WriteResult:
        """Write `record`, then read it back: only an identical read back counts as written.

        Raises PermitError only when the module stops answering (the read back cannot be
        done); the flow must then treat the endorsement as not written, and the chip is
        checked again on the next attempt. The line stays taken from the write to the read
        back, so a status poll in between says BUSY instead of slipping in.
        """
        with self._lock:
            return self._write_and_confirm(record, print_on_face)

    def _write_and_confirm(self, record: Endorsement, print_on_face: bool) -> WriteResult:
        try:
            response: Response | None = self._exchange(
                Command.WRITE_ENDORSEMENT, encode_write(record, print_on_face), self._timeouts.write)
        except PermitError as exc:
            if exc.message_key == MSG_DISCONNECTED:
                raise
            log.warning("permit write: no usable answer (%s); reading back to decide", exc.detail)
            response = None
        if response is not None and response.status in _REFUSALS:
            return self._result(WriteOutcome.NOT_WRITTEN, record, response.status.reason)
        if response is not None and response.status is Status.CARD_REMOVED:
            return self._result(WriteOutcome.CARD_REMOVED, record, Status.CARD_REMOVED.reason)
        return self._read_back(record, response)

    def eject(self) -> None:
        self._raise_unless_ok(self._command(Command.EJECT, timeout=self._timeouts.read))

    def slot_state(self) -> SlotState | None:
        """The slot as STATUS reports it (a card inside; a card waiting at the opening, when the
        module has that sensor), or None when the module cannot be asked now (busy, line down)."""
        if not self._lock.acquire(timeout=STATUS_LOCK_WAIT):
            return None
        try:
            return decode_slot_state(self._exchange(Command.STATUS, b"", self._timeouts.status).data)
        except PermitError as exc:
            log.info("permit: slot state not known: %s", exc.detail)
            return None
        finally:
            self._lock.release()

    def retract(self) -> bool:
        """Pull a card left at the opening back in (the module's capture bin). False when the
        module has no such mechanism (UNKNOWN_COMMAND) or nothing was at the opening."""
        try:
            response = self._command(Command.RETRACT, timeout=self._timeouts.read)
        except PermitError as exc:
            if exc.status_code == Status.UNKNOWN_COMMAND:
                log.info("permit: the module cannot retract a card")
                return False
            raise
        if response.status is Status.NO_CARD:
            return False
        self._raise_unless_ok(response)
        log.warning("permit: a card left at the opening was retracted into the module")
        return True

    def status(self) -> DeviceStatus:
        if not self._lock.acquire(timeout=STATUS_LOCK_WAIT):
            return DeviceStatus.BUSY
        try:
            response = self._exchange(Command.STATUS, b"", self._timeouts.status)
            status = DeviceStatus.READY if decode_status_data(response.data) else DeviceStatus.NO_CARD
            self._status_log.update(status)
        except PermitError as exc:
            status = DeviceStatus.DISCONNECTED if exc.message_key in (MSG_DISCONNECTED, MSG_TIMEOUT) \
                else DeviceStatus.ERROR
            self._status_log.update(status, exc.detail)
        finally:
            self._lock.release()
        return status

    def close(self) -> None:
        with self._lock:
            self._link.drop()

    # --- write confirmation ------------------------------------------------------------------

    def _read_back(self, record: Endorsement, write_answer: Response | None) -> WriteResult:
        """The chip decides: WRITTEN only when it returns the identical record."""
        reported = write_answer.status.reason if write_answer is not None else "no_answer"
        response = self._exchange(Command.READ_RECORD, encode_record_id(record.record_id), self._timeouts.read)
        if response.status in (Status.NO_CARD, Status.CARD_REMOVED):
            return self._result(WriteOutcome.CARD_REMOVED, record, Status.CARD_REMOVED.reason)
        if response.status is Status.OK and decode_record(response.data) == record:
            used = write_answer.data[0] if write_answer is not None and len(write_answer.data) == 1 else None
            return self._result(WriteOutcome.WRITTEN, record, reported, used)
        reason = reported if reported != Status.OK.reason else "read_back_mismatch"
        return self._result(WriteOutcome.NOT_WRITTEN, record, reason)

    def _result(self, outcome: WriteOutcome, record: Endorsement, reason: str,
                records_used: int | None = None) -> WriteResult:
        log.info("permit write of record %d: %s (%s)", record.record_id, outcome.value, reason)
        return WriteResult(outcome, record, reason, records_used)

    # --- transport ---------------------------------------------------------------------------

    def _command(self, command: Command, body: bytes = b"", *, timeout: float) -> Response:
        with self._lock:
            return self._exchange(command, body, timeout)

    def _exchange(self, command: Command, body: bytes, timeout: float) -> Response:
        """One request and its answer, sent again once when that is safe: a request the module
        rejected as a bad frame was not executed (protocol rule), and a garbled answer to a
        command that changes nothing can simply be asked for again."""
        garbled_retries = 1 if command in _SAFE_TO_REPEAT else 0
        rejected_retries = 1
        while True:
            try:
                response = self._send_and_receive(command, body, timeout)
            except PermitError as exc:
                if exc.message_key != MSG_BAD_FRAME or garbled_retries == 0:
                    raise
                garbled_retries -= 1
                log.info("permit: garbled answer to %s (%s); asking again", command.name, exc.detail)
                continue
            if response.status is Status.BAD_FRAME:
                if rejected_retries == 0:
                    raise PermitError(MSG_BAD_FRAME, f"module rejected the {command.name} frame twice",
                                      Status.BAD_FRAME)
                rejected_retries -= 1
                log.info("permit: module rejected the %s frame; sending it again", command.name)
                continue
            if response.status in (Status.UNKNOWN_COMMAND, Status.BAD_PARAMETER) \
                    and command is not Command.WRITE_ENDORSEMENT:
                raise PermitError(MSG_MODULE_FAULT, f"module answered {response.status.reason} "
                                  f"to {command.name}", response.status)
            return response

    def _send_and_receive(self, command: Command, body: bytes, timeout: float) -> Response:
        self._connect()
        seq = self._next_seq()
        request = encode_request(seq, command, body)
        try:
            with self._link.io() as port:  # an I/O failure drops the link; the next call reopens it
                port.reset_input_buffer()  # a late answer to an abandoned request is not ours
                port.write(request)
                port.flush()
                log.debug("permit >> %s", frame_summary(request))
                return self._receive(port, seq, command, time.monotonic() + timeout)
        except LINK_ERRORS as exc:
            self._status_log.update(DeviceStatus.DISCONNECTED, str(exc))
            raise PermitError(MSG_DISCONNECTED, f"{self._port_name}: {exc}") from None

    def _receive(self, port: serial.Serial, seq: int, command: Command, deadline: float) -> Response:
        while True:
            raw = self._read_frame(port, deadline)
            log.debug("permit << %s", frame_summary(raw))
            response = decode_response(decode_frame(raw))
            if response.seq == seq and response.command == command:
                return response
            if response.seq == BAD_FRAME_SEQ and response.status is Status.BAD_FRAME:
                return response
            log.debug("permit: discarding answer to request %d (waiting for %d)", response.seq, seq)

    def _read_frame(self, port: serial.Serial, deadline: float) -> bytes:
        """Skip noise up to STX, read the header, then exactly the announced length.

        Silence before any STX means the module is not answering (TIMEOUT: the port is
        closed and reopened next time, as after an unplug). A frame that starts but stops
        short is a garbled frame (BAD_FRAME), not a dead module."""
        while True:
            first = read_until(port, 1, deadline)
            if not first:
                self._link.drop()
                self._status_log.update(DeviceStatus.DISCONNECTED, "no answer")
                raise PermitError(MSG_TIMEOUT, f"{self._port_name}: no answer in time")
            if first[0] == STX:
                break
        header = first + read_until(port, HEADER_SIZE - 1, deadline + BODY_MARGIN)
        try:
            size = frame_size(header)
        except PermitError:
            log.debug("permit << %s (bad header)", frame_summary(header))
            raise
        body_deadline = max(deadline, time.monotonic() + 2 * line_time(size, self._link.baudrate) + BODY_MARGIN)
        frame = header + read_until(port, size - HEADER_SIZE, body_deadline)
        if len(frame) < size:
            log.debug("permit << %s (short)", frame_summary(frame))
            raise PermitError(MSG_BAD_FRAME, f"short frame: {len(frame)} of the {size} bytes announced")
        return frame

    def _connect(self) -> None:
        """Open the port unless it is open; PermitError("permit.disconnected") says why it cannot."""
        if self._link.is_open:
            return
        try:
            self._link.port()
        except LINK_ERRORS as exc:
            self._status_log.update(DeviceStatus.DISCONNECTED, str(exc))
            raise PermitError(MSG_DISCONNECTED, f"{self._port_name}: {exc}") from None
        log.info("permit module port %s opened at %d baud", self._port_name, self._link.baudrate)

    def _next_seq(self) -> int:
        self._seq = self._seq % 255 + 1  # 1..255; 0 is the module's "bad frame" answer
        return self._seq

    @staticmethod
    def _raise_unless_ok(response: Response) -> None:
        if response.status is Status.OK:
            return
        key = _READ_FAILURES.get(response.status, MSG_MODULE_FAULT)
        raise PermitError(key, f"module answered {response.status.reason}", response.status)


def timeouts_from(settings: Mapping[str, Any]) -> Timeouts:
    """The [devices.permit] answer timeouts (a slow vendor adapter may need more); settings made
    without them (a technician's command, a test) get the driver's own."""
    return Timeouts(status=settings.get("status_timeout_s", STATUS_TIMEOUT),
                    read=settings.get("read_timeout_s", READ_TIMEOUT),
                    write=settings.get("write_timeout_s", WRITE_TIMEOUT))


def build(settings: Mapping[str, Any], context: DeviceContext) -> SerialPermitDriver:
    """`driver = "serial"`: the module (or a vendor adapter) on `port`."""
    return SerialPermitDriver(settings["port"], settings["baud"], timeouts_from(settings))
