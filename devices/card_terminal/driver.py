"""The card terminal driver: docs/protocols/card-terminal.md over a serial port.

Connects lazily; any I/O failure closes the port and reports DISCONNECTED, and the next call
opens it again. Every frame sent waits for the terminal's ACK and is sent again on NAK or
silence (up to MAX_SENDS); every frame received is acknowledged, a bad one NAKed. A sale holds
the line until its answer: status() meanwhile says BUSY, and cancel() slips its frame in.

A sale that ends without an answer (line lost, terminal silent) raises CardTerminalError:
the money may have moved, so the caller asks query_last() before deciding.
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
from devices.card_terminal.contract import (
    MSG_BAD_FRAME,
    MSG_BUSY,
    MSG_DISCONNECTED,
    MSG_NO_ANSWER,
    MSG_TERMINAL_FAULT,
    CardTerminalError,
    CardTransaction,
    SaleNotInOpenBatch,
    Settlement,
)
from devices.card_terminal.framing import BadFrame, Control, FrameReader, Framing, StxLrcFraming, framing_named
from devices.card_terminal.protocol import (
    Answer,
    Command,
    Reply,
    TerminalState,
    check_reference,
    decode_reply,
    decode_settlement,
    decode_status,
    decode_transaction,
    encode_message,
    refund_fields,
    sale_fields,
)
from devices.serial_link import LINK_ERRORS, SerialLink
from devices.usb_ports import PortLister
from devices.wire_log import frame_summary

if TYPE_CHECKING:
    from devices.factory import DeviceContext

log = logging.getLogger(__name__)

# The terminal acknowledges a frame within this long (protocol: 300 ms, plus margin).
ACK_TIMEOUT = 0.5
# Sends of one frame before the line is declared dead (protocol: 3).
MAX_SENDS = 3
# Time to an answer, after the ACK of the request.
STATUS_TIMEOUT = 1.0
QUERY_TIMEOUT = 5.0
# A sale: the citizen presents the card (terminal waits 60 s), enters the PIN (30 s) and the
# acquirer answers (30 s at worst): beyond this the line is taken for lost.
SALE_TIMEOUT = 130.0
# A void or settlement goes to the acquirer too.
HOST_TIMEOUT = 40.0
# pyserial read timeout: how long one read() blocks before the deadline is checked again.
READ_POLL_SECONDS = 0.02
# status() must not wait behind a running sale: if the line is busy this long, say BUSY.
STATUS_LOCK_WAIT = 0.05
SERIAL_WRITE_TIMEOUT = 1.0


@dataclass(frozen=True)
class Timeouts:
    """Seconds, per kind of wait (tests shorten them)."""

    ack: float = ACK_TIMEOUT
    status: float = STATUS_TIMEOUT
    query: float = QUERY_TIMEOUT
    sale: float = SALE_TIMEOUT
    host: float = HOST_TIMEOUT


class SerialCardTerminal:
    """Talks to a UnionPay terminal in MIS-POS mode (or its simulator) on a serial port."""

    kind = "card_terminal"

    def __init__(self, port: str, baud: int = 9600, timeouts: Timeouts = Timeouts(),
                 framing: Framing | None = None, comports: PortLister = list_ports.comports) -> None:
        self._port_name = port
        self._link = SerialLink(port, baud, timeout=READ_POLL_SECONDS, comports=comports,
                                write_timeout=SERIAL_WRITE_TIMEOUT)
        self._timeouts = timeouts
        self._framing = framing or StxLrcFraming()
        self._lock = threading.Lock()  # one exchange at a time
        self._write_lock = threading.Lock()  # cancel() writes while a sale reads
        self._status_log = StatusLog("card_terminal", log)
        self.last_detail = ""

    # --- verbs -------------------------------------------------------------------------------

    def sale(self, amount_fen: int, reference: str) -> CardTransaction:
        fields = sale_fields(amount_fen, reference)
        log.info("card sale of %d fen for %s: sent", amount_fen, reference)
        reply = self._command(Command.SALE, fields, self._timeouts.sale)
        txn = self._transaction(reply, reference)
        log.info("card sale for %s: %s (%s) card %s auth %s batch %s trace %s", reference, txn.outcome.value,
                 txn.result_code, txn.masked_pan or "-", txn.auth_code or "-", txn.batch or "-", txn.trace or "-")
        return txn

    def cancel(self) -> None:
        """Send CANCEL without waiting: the running sale's answer says whether it took effect."""
        frame = self._framing.encode(encode_message(Command.CANCEL))
        try:
            with self._write_lock, self._link.io() as port:
                port.write(frame)
                port.flush()
                log.debug("card_terminal >> %s", frame_summary(frame))
        except LINK_ERRORS as exc:
            log.warning("card_terminal: cancel not sent: %s", exc)

    def query_last(self) -> CardTransaction | None:
        reply = self._command(Command.QUERY_LAST, (), self._timeouts.query)
        if reply.answer is Answer.NOT_FOUND:
            return None
        txn = self._transaction(reply, None)
        log.info("card terminal's last transaction: %s %s for %s (%s)", txn.kind.name.lower(),
                 txn.outcome.value, txn.reference, txn.result_code)
        return txn

    def void(self, reference: str) -> CardTransaction:
        reply = self._command(Command.VOID, (check_reference(reference),), self._timeouts.host)
        if reply.answer is Answer.NOT_FOUND:
            raise SaleNotInOpenBatch(MSG_TERMINAL_FAULT, f"no approved sale {reference} in the open batch to void")
        txn = self._transaction(reply, reference)
        log.info("card void of %s: %s (%s)", reference, txn.outcome.value, txn.result_code)
        return txn

    def refund(self, reference: str, amount_fen: int) -> CardTransaction:
        reply = self._command(Command.REFUND, refund_fields(reference, amount_fen), self._timeouts.host)
        if reply.answer is Answer.NOT_FOUND:
            raise CardTerminalError(MSG_TERMINAL_FAULT, f"no settled sale {reference} of {amount_fen} fen to refund")
        txn = self._transaction(reply, reference)
        log.info("card refund of %s: %s (%s) batch %s trace %s", reference, txn.outcome.value, txn.result_code,
                 txn.batch, txn.trace)
        return txn

    def settle(self) -> Settlement:
        reply = self._command(Command.SETTLE, (), self._timeouts.host)
        self._require_done(reply)
        settlement = decode_settlement(reply.fields)
        log.info("card batch %s settled: %d sales %d fen, %d voids %d fen", settlement.batch,
                 settlement.sale_count, settlement.sale_total_fen, settlement.void_count, settlement.void_total_fen)
        return settlement

    def status(self) -> DeviceStatus:
        if not self._lock.acquire(timeout=STATUS_LOCK_WAIT):
            return DeviceStatus.BUSY
        try:
            reply = self._exchange(Command.STATUS, (), self._timeouts.status)
            self._require_done(reply)
            state = decode_status(reply.fields)
            status = DeviceStatus.BUSY if state is TerminalState.BUSY else DeviceStatus.READY
            detail = ""
        except CardTerminalError as exc:
            status = DeviceStatus.DISCONNECTED if exc.message_key in (MSG_DISCONNECTED, MSG_NO_ANSWER) \
                else DeviceStatus.ERROR
            detail = exc.detail
        finally:
            self._lock.release()
        self.last_detail = detail
        self._status_log.update(status, detail)
        return status

    def close(self) -> None:
        with self._lock:
            self._link.drop()

    # --- answers -----------------------------------------------------------------------------

    def _transaction(self, reply: Reply, reference: str | None) -> CardTransaction:
        self._require_done(reply)
        txn = decode_transaction(reply.fields)
        if reference is not None and txn.reference != reference:
            raise CardTerminalError(MSG_BAD_FRAME, f"answer is for {txn.reference}, not {reference}")
        return txn

    @staticmethod
    def _require_done(reply: Reply) -> None:
        if reply.answer is Answer.DONE or reply.answer is Answer.NOT_FOUND and reply.command in (
                Command.QUERY_LAST, Command.VOID, Command.REFUND):
            return
        if reply.answer is Answer.BUSY:
            raise CardTerminalError(MSG_BUSY, f"terminal busy with a transaction ({reply.command.name})")
        raise CardTerminalError(MSG_TERMINAL_FAULT, f"terminal answered {reply.answer.name} to {reply.command.name}")

    # --- link layer --------------------------------------------------------------------------

    def _command(self, command: Command, fields: tuple[str, ...], timeout: float) -> Reply:
        with self._lock:
            return self._exchange(command, fields, timeout)

    def _exchange(self, command: Command, fields: tuple[str, ...], timeout: float) -> Reply:
        frame = self._framing.encode(encode_message(command, *fields))
        self._connect()
        try:
            with self._link.io() as port:  # an I/O failure drops the link; the next call reopens it
                port.reset_input_buffer()  # a late answer to an abandoned request is not ours
                reader = self._framing.reader()
                self._send(port, reader, frame, command)
                return self._receive(port, reader, command, time.monotonic() + timeout)
        except LINK_ERRORS as exc:
            self._status_log.update(DeviceStatus.DISCONNECTED, str(exc))
            raise CardTerminalError(MSG_DISCONNECTED, f"{self._port_name}: {exc}") from None

    def _send(self, port: serial.Serial, reader: FrameReader, frame: bytes, command: Command) -> None:
        """Send `frame` until the terminal ACKs it; NAK or silence sends it again."""
        for attempt in range(1, MAX_SENDS + 1):
            with self._write_lock:
                port.write(frame)
                port.flush()
            log.debug("card_terminal >> %s", frame_summary(frame))
            deadline = time.monotonic() + self._timeouts.ack
            while time.monotonic() < deadline:
                items = reader.feed(port.read(1))
                if Control.ACK in items:
                    return
                if Control.NAK in items:
                    log.info("card_terminal: %s NAKed (send %d of %d)", command.name, attempt, MAX_SENDS)
                    break
        self._link.drop()
        raise CardTerminalError(MSG_NO_ANSWER, f"{self._port_name}: {command.name} not acknowledged "
                                               f"after {MAX_SENDS} sends")

    def _receive(self, port: serial.Serial, reader: FrameReader, command: Command, deadline: float) -> Reply:
        """The answer to `command`: every frame is ACKed (a bad one NAKed, so the terminal sends it
        again); answers to other commands (a duplicate of an earlier answer) are dropped."""
        while time.monotonic() < deadline:
            data = port.read(max(1, port.in_waiting))
            for item in reader.feed(data):
                if isinstance(item, BadFrame):
                    log.info("card_terminal: bad frame (%s); NAK", item.detail)
                    self._write_control(port, Control.NAK)
                    continue
                if isinstance(item, Control):
                    continue  # a late ACK (of a cancel, of a resend): nothing to do
                self._write_control(port, Control.ACK)
                log.debug("card_terminal << %s", frame_summary(self._framing.encode(item)))
                reply = decode_reply(item)
                if reply.command is command:
                    return reply
                log.debug("card_terminal: dropping an answer to %s while waiting for %s",
                          reply.command.name, command.name)
        self._link.drop()
        self._status_log.update(DeviceStatus.DISCONNECTED, "no answer")
        raise CardTerminalError(MSG_NO_ANSWER, f"{self._port_name}: no answer to {command.name} in time")

    def _write_control(self, port: serial.Serial, control: Control) -> None:
        with self._write_lock:
            port.write(self._framing.control(control))
            port.flush()

    def _connect(self) -> None:
        if self._link.is_open:
            return
        try:
            self._link.port()
        except LINK_ERRORS as exc:
            self._status_log.update(DeviceStatus.DISCONNECTED, str(exc))
            raise CardTerminalError(MSG_DISCONNECTED, f"{self._port_name}: {exc}") from None
        log.info("card terminal port %s opened at %d baud", self._port_name, self._link.baudrate)


def build(settings: Mapping[str, Any], context: DeviceContext) -> SerialCardTerminal:
    """`driver = "serial"`: the terminal (or a vendor adapter) on `port`."""
    return SerialCardTerminal(settings["port"], settings["baud"], framing=framing_named(settings["framing"]))
