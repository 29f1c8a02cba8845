"""The ID card reader driver: a SAM module on a serial port (USB readers enumerate as one too).

Connection is lazy: the port opens on the first call, and any I/O failure closes it, makes
the call fail with "idcard.disconnected" and leaves the next call to open it again, so a
reader unplugged and plugged back in recovers without a restart.

A read cycle follows the reader's rules: find, select, read. After a successful read the
chip stays halted until the card leaves the field, so the reader reports "no card" for a
card that was read and never taken away; the next read succeeds only after the card is
put down again. A card pulled away during the cycle makes the read answer fail, time out
or stop half-way; every wait is bounded by a named timeout, and the driver then asks
the reader whether a card is still there: if not, the cycle ends as `card_removed`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import serial
from serial.tools import list_ports

from core.schema import ConfigError
from devices.base import DeviceStatus
from devices.channels import line_time
from devices.factory import DeviceContext
from devices.idcard import protocol
from devices.idcard.contract import (
    MSG_BAD_FRAME,
    MSG_DISCONNECTED,
    MSG_READ_FAILED,
    MSG_TIMEOUT,
    CardRead,
    IdCardError,
    ReadOutcome,
)
from devices.idcard.hid_link import HidLink
from devices.idcard.protocol import Command, Request, Response, SamId, Sw3
from devices.idcard.records import IdCardRecord, ResidentIdCard, decode_appended_address, parse_card
from devices.idcard.wlt import NoWltDecoder, WltDecoder, build_decoder
from devices.serial_link import LINK_ERRORS, SerialLink
from devices.usb_ports import PortLister
from devices.wire_log import frame_summary

log = logging.getLogger(__name__)

# First byte of the answer to a quick command (SAM status, find, select, set baud). Modules
# answer within a few milliseconds; half a second tells "no reader on this port" quickly.
ANSWER_TIMEOUT_S = 0.5
# First byte of the answer to a read command: the SAM authenticates the chip and reads it
# (about 0.5-1 s on real modules) before it sends anything.
CARD_READ_TIMEOUT_S = 3.0
# Once an answer has started, the rest must arrive at line rate; this is the slack on top of
# the line time before a frame counts as cut short.
FRAME_MARGIN_S = 0.05
# A write that blocks (a stuck USB adapter) fails instead of hanging the kiosk.
WRITE_TIMEOUT_S = 0.5

# Statuses a card leaving the field can cause while the module talks to it.
_CARD_SIDE_FAILURES = frozenset({
    Sw3.CARD_AUTH_SAM_FAILED, Sw3.SAM_AUTH_CARD_FAILED, Sw3.VERIFICATION_FAILED, Sw3.READ_FAILED,
    Sw3.RANDOM_FAILED, Sw3.NO_CARD, Sw3.SELECT_FAILED,
})


class _FrameCutShort(IdCardError):
    """An answer that started and stopped half-way. Callers see an IdCardError ("idcard.bad_frame");
    the read cycle tells it apart from line noise because a card pulled away causes it."""


@dataclass(frozen=True)
class Timeouts:
    """The driver's waits, from `[devices.idcard]` (defaults: the constants above)."""

    answer_s: float = ANSWER_TIMEOUT_S
    card_read_s: float = CARD_READ_TIMEOUT_S
    frame_margin_s: float = FRAME_MARGIN_S


class SerialIdCardReader:
    """A second-generation ID card reader speaking the SAM protocol over a serial port.

    `port` is a path or a USB identity (devices/usb_ports.py), looked up in `comports` at
    every open; one that names no device is "idcard.disconnected", the reason in the detail.
    """

    kind = "idcard"

    def __init__(self, port: str, baud: int = protocol.BAUD_RATES[0], timeouts: Timeouts = Timeouts(),
                 decoder: WltDecoder | None = None, read_fingerprints: bool = False,
                 read_appended_address: bool = False, comports: PortLister = list_ports.comports,
                 link: SerialLink | HidLink | None = None) -> None:
        self.port = port
        # The transport: a serial port, or a HID reader's reports (devices/idcard/hid_link.py);
        # the frames on it are the same.
        self._link = link or SerialLink(port, baud, timeout=timeouts.answer_s, comports=comports,
                                        write_timeout=WRITE_TIMEOUT_S, exclusive=True)
        self._timeouts = timeouts
        self._decoder = decoder or NoWltDecoder()
        self._read_command = (Command.READ_TEXT_PHOTO_FINGERPRINT if read_fingerprints
                              else Command.READ_TEXT_PHOTO)
        self._read_appended_address = read_appended_address
        self._lock = threading.Lock()
        self.last_detail = ""  # why the last status() was not READY

    @property
    def baud(self) -> int:
        return self._link.baudrate

    # ---- the verbs flows use ---------------------------------------------------------------

    def read_card(self) -> CardRead:
        """One read cycle: find, select, read. Raises IdCardError when the reader fails."""
        with self._lock:
            if not self._find_card():
                return CardRead(ReadOutcome.NO_CARD)
            if not self._select_card():
                return self._removed_or_raise(IdCardError(MSG_READ_FAILED, "select failed",
                                                          Sw3.SELECT_FAILED))
            try:
                card = self._read_card_data()
            except IdCardError as exc:
                if not _may_mean_card_removed(exc):
                    raise
                return self._removed_or_raise(exc)
            record = parse_card(card.text, card.photo, card.fingerprints)
            if self._read_appended_address and isinstance(record, ResidentIdCard):
                record = replace(record, appended_address=self._appended_address())
        log.info("card read: %s", record.kind.value)
        return CardRead(ReadOutcome.CARD, self._decode_photo(record))  # off the line: status() stays cheap

    def card_present(self) -> bool:
        """A card lies on the reader: the find step alone, nothing read (the attract screen
        starts a service when one is placed). False while a read runs or the reader fails."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            return bool(self._find_card())
        except IdCardError:
            return False
        finally:
            self._lock.release()

    def status(self) -> DeviceStatus:
        """READY when the SAM answers well, BUSY during a read, else ERROR or DISCONNECTED.

        Never raises: the device manager polls it from a background thread.
        """
        if not self._lock.acquire(blocking=False):
            return DeviceStatus.BUSY
        try:
            answer = self._transact(Request.of(Command.SAM_STATUS), self._timeouts.answer_s)
            self.last_detail = "" if answer.sw3 == Sw3.SUCCESS else f"SAM status {protocol.status_name(answer.sw3)}"
            return DeviceStatus.READY if answer.sw3 == Sw3.SUCCESS else DeviceStatus.ERROR
        except IdCardError as exc:
            self.last_detail = exc.detail or exc.message_key  # why, for doctor and the technician
            return (DeviceStatus.DISCONNECTED if exc.message_key in (MSG_DISCONNECTED, MSG_TIMEOUT)
                    else DeviceStatus.ERROR)
        except Exception:  # status() is the health probe: a bug must show as ERROR, not kill the poller
            log.exception("ID card reader status check failed unexpectedly")
            return DeviceStatus.ERROR
        finally:
            self._lock.release()

    def close(self) -> None:
        with self._lock:
            self._link.drop()

    # ---- the other commands of the protocol ------------------------------------------------

    def reset_sam(self) -> None:
        with self._lock:
            self._expect_success(Request.of(Command.RESET_SAM), "reset SAM")

    def sam_id(self) -> SamId:
        with self._lock:
            answer = self._expect_success(Request.of(Command.SAM_ID), "read SAM id")
        return protocol.parse_sam_id(answer.data)

    def set_baud(self, baud: int) -> None:
        """Switch reader and port to `baud`. The reader answers at the old rate, then switches."""
        request = protocol.set_baud_request(baud)
        with self._lock:
            self._expect_success(request, f"set baud {baud}")
            try:
                self._link.set_baudrate(baud)  # drops the link if the port refuses
            except LINK_ERRORS as exc:
                raise IdCardError(MSG_DISCONNECTED, f"{self.port}: {exc}") from None
        log.info("ID card reader now at %d baud", baud)

    # ---- the steps of a read cycle (called with the lock held) -----------------------------

    def _find_card(self) -> bool:
        answer = self._transact(Request.of(Command.FIND_CARD), self._timeouts.answer_s)
        if answer.sw3 == Sw3.FIND_SUCCESS:
            return True
        if answer.sw3 == Sw3.NO_CARD:
            return False
        raise _status_error(answer, "find card")

    def _select_card(self) -> bool:
        answer = self._transact(Request.of(Command.SELECT_CARD), self._timeouts.answer_s)
        if answer.sw3 == Sw3.SUCCESS:
            return True
        if answer.sw3 in (Sw3.SELECT_FAILED, Sw3.NO_CARD):
            return False
        raise _status_error(answer, "select card")

    def _read_card_data(self) -> protocol.CardData:
        answer = self._transact(Request.of(self._read_command), self._timeouts.card_read_s)
        if answer.sw3 != Sw3.SUCCESS:
            raise _status_error(answer, "read card")
        if self._read_command is Command.READ_TEXT_PHOTO_FINGERPRINT:
            return protocol.parse_text_photo_fingerprint(answer.data)
        return protocol.parse_text_photo(answer.data)

    def _appended_address(self) -> str | None:
        answer = self._transact(Request.of(Command.READ_APPENDED_ADDRESS), self._timeouts.card_read_s)
        if answer.sw3 == Sw3.NO_SUCH_ITEM:
            return None
        if answer.sw3 != Sw3.SUCCESS:
            raise _status_error(answer, "read appended address")
        return decode_appended_address(protocol.parse_appended_address(answer.data))

    def _removed_or_raise(self, failure: IdCardError) -> CardRead:
        """After a failed select or read: if the field is now empty the card was pulled away."""
        log.info("read cycle failed (%s); checking whether the card left the field", failure.detail)
        if self._find_card():
            raise failure
        log.info("card removed during the read cycle")
        return CardRead(ReadOutcome.CARD_REMOVED)

    def _decode_photo(self, record: IdCardRecord) -> IdCardRecord:
        try:
            bmp = self._decoder.decode(record.photo.wlt)
        except Exception:  # a vendor library must never cost the citizen the read
            log.exception("WLT decoder %s failed; the record has no picture", self._decoder.name)
            bmp = None
        return record.with_photo_bmp(bmp)

    def _expect_success(self, request: Request, what: str) -> Response:
        answer = self._transact(request, self._timeouts.answer_s)
        if answer.sw3 != Sw3.SUCCESS:
            raise _status_error(answer, what)
        return answer

    # ---- frames on the wire ----------------------------------------------------------------

    def _transact(self, request: Request, first_byte_timeout: float) -> Response:
        """Send one request and return the reader's answer, whatever its status byte."""
        self._open()
        frame = request.encode()
        try:
            with self._link.io() as port:  # an I/O failure drops the link; the next call reopens it
                port.reset_input_buffer()  # bytes of an earlier, abandoned answer are not this answer
                if log.isEnabledFor(logging.DEBUG):
                    log.debug("-> %s: %s", request.label, frame_summary(frame))
                port.write(frame)
                answer = self._receive(port, request, first_byte_timeout)
        except LINK_ERRORS as exc:
            raise IdCardError(MSG_DISCONNECTED, f"{self.port}: {exc}") from None
        if log.isEnabledFor(logging.DEBUG):  # a digest of 1295 bytes is not free: only when asked for
            log.debug("<- %s: %s", request.label, frame_summary(answer))
        return protocol.parse_response(answer)

    def _receive(self, port: serial.Serial, request: Request, first_byte_timeout: float) -> bytes:
        margin = self._timeouts.frame_margin_s
        baud = self._link.baudrate
        header = _read(port, protocol.HEADER_SIZE,
                       first_byte_timeout + line_time(protocol.HEADER_SIZE, baud) + margin)
        if not header:
            raise IdCardError(MSG_TIMEOUT, f"no answer to {request.label} within {first_byte_timeout} s")
        if len(header) < protocol.HEADER_SIZE:
            raise _cut_short(header, f"answer to {request.label} cut short in the header")
        remaining = protocol.frame_length(header)
        body = _read(port, remaining, line_time(remaining, baud) + margin)
        if len(body) < remaining:
            raise _cut_short(header + body, f"answer to {request.label} cut short: "
                                             f"{len(body)} of {remaining} bytes after LEN")
        return header + body

    def _open(self) -> None:
        """Open the port unless it is open; IdCardError("idcard.disconnected") says why it cannot."""
        if self._link.is_open:
            return
        try:
            self._link.port()
        except LINK_ERRORS as exc:
            raise IdCardError(MSG_DISCONNECTED, f"cannot open {self.port}: {_reason(exc)}") from None
        log.info("ID card reader port %s open at %d baud", self._link.path, self._link.baudrate)


def _read(port: serial.Serial, size: int, timeout: float) -> bytes:
    """Up to `size` bytes, waiting at most `timeout` seconds in all."""
    port.timeout = timeout
    return port.read(size)


def _cut_short(frame: bytes, why: str) -> _FrameCutShort:
    protocol.bad_frame(frame, why)  # logs the bytes in hex
    return _FrameCutShort(MSG_BAD_FRAME, why)


def _may_mean_card_removed(failure: IdCardError) -> bool:
    """No answer, half an answer, or a card-side failure status; not line noise or reader faults."""
    return (isinstance(failure, _FrameCutShort) or failure.message_key == MSG_TIMEOUT
            or failure.status_code in _CARD_SIDE_FAILURES)


def _status_error(answer: Response, what: str) -> IdCardError:
    meaning = protocol.status_meaning(answer.sw3)
    return IdCardError(meaning.message_key or MSG_READ_FAILED,
                       f"{what}: reader answered {protocol.status_name(answer.sw3)} ({meaning.meaning})",
                       answer.sw3)


def _reason(exc: BaseException) -> str:
    """"No such file or directory" rather than pyserial's "[Errno 2] could not open port X: [Errno 2] ..."."""
    number = getattr(exc, "errno", None)
    return os.strerror(number) if isinstance(number, int) else str(exc)


def timeouts_from_settings(settings: Mapping[str, Any]) -> Timeouts:
    return Timeouts(answer_s=settings["answer_timeout_s"], card_read_s=settings["card_read_timeout_s"],
                    frame_margin_s=settings["frame_margin_s"])


def reader_from_settings(settings: Mapping[str, Any], port: str,
                         link: SerialLink | HidLink | None = None) -> SerialIdCardReader:
    """A reader configured by `[devices.idcard]`, on `port` (the configured one or a simulator's),
    over `link` when the transport is not a serial port."""
    from core.config import PROJECT_ROOT

    decoder = build_decoder(settings["wlt_decoder"], settings["wlt_library"], settings["wlt_function"],
                            settings["wlt_flag"], resolve=lambda p: PROJECT_ROOT / p)
    return SerialIdCardReader(port, settings["baud"], timeouts_from_settings(settings), decoder,
                              read_fingerprints=settings["read_fingerprints"],
                              read_appended_address=settings["read_appended_address"], link=link)


def build(settings: Mapping[str, Any], context: DeviceContext) -> SerialIdCardReader:
    """Factory builder for `driver = "serial"`."""
    reader = reader_from_settings(settings, settings["port"])
    context.closers.append(reader.close)
    return reader


def build_hid(settings: Mapping[str, Any], context: DeviceContext) -> SerialIdCardReader:
    """Factory builder for `driver = "hid"`: the port is the reader's usb:VID:PID[:SERIAL]."""
    try:
        link = HidLink(settings["port"], settings["baud"], settings["answer_timeout_s"])
    except ValueError as exc:
        raise ConfigError("configuration", "devices.idcard.port", str(exc)) from None
    reader = reader_from_settings(settings, settings["port"], link=link)
    context.closers.append(reader.close)
    return reader
