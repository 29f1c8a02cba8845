"""The permit card module's framed serial protocol (docs/protocols/permit-card.md), as pure bytes.

Frame: STX | LEN(2) | SEQ | CMD | BODY | CRC16(2) | ETX, CRC-16/CCITT-FALSE over LEN..BODY.
Nothing here does I/O, so the host driver and the simulator share one codec and the tests
can hit it byte by byte. Every parser raises only PermitError, whatever bytes it is fed.
"""

from __future__ import annotations

import binascii
import datetime as dt
import enum
from dataclasses import dataclass

from devices.permit.contract import MSG_BAD_FRAME, MSG_UNREADABLE, PermitError
from devices.permit.records import MAX_NAME_BYTES, Destination, Endorsement, EndorsementType, PermitCard, Sex, Trips

STX = 0x02
ETX = 0x03
PROTOCOL_VERSION = 0x01
RESPONSE_FLAG = 0x80
# SEQ and CMD of the module's answer to a request it could not parse.
BAD_FRAME_SEQ = 0x00
MAX_LEN = 0x2800  # LEN above this is a bad frame: protects a reader from a garbage length
HEADER_SIZE = 3  # STX + LEN
TRAILER_SIZE = 3  # CRC + ETX
MIN_LEN = 2  # SEQ + CMD
FRAME_OVERHEAD = HEADER_SIZE + MIN_LEN + TRAILER_SIZE  # bytes of a frame around its BODY
RECORD_SIZE = 30
PERMIT_NUMBER_SIZE = 9
CARD_SERIAL_SIZE = 8
FLAG_PRINT_ON_FACE = 0x01
DATE_FORMAT_SIZE = 8


class Command(enum.IntEnum):
    STATUS = 0x01
    READ_CARD = 0x10
    READ_RECORD = 0x11
    WRITE_ENDORSEMENT = 0x20
    EJECT = 0x30
    # Optional (issue 14): pull a card left at the slot's opening back in, to the capture bin.
    # A module without the mechanism answers UNKNOWN_COMMAND.
    RETRACT = 0x31


class Status(enum.IntEnum):
    OK = 0x00
    NO_CARD = 0x01
    CARD_REMOVED = 0x02
    WRITE_FAILED = 0x03
    CHIP_FULL = 0x04
    AUTH_FAILED = 0x05
    BAD_FRAME = 0x06
    BAD_PARAMETER = 0x07
    NOT_FOUND = 0x08
    UNKNOWN_COMMAND = 0x09

    @property
    def reason(self) -> str:
        """The lower-case name used in results and logs ("chip_full")."""
        return self.name.lower()


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): binascii's crc_hqx is exactly that."""
    return binascii.crc_hqx(data, 0xFFFF)


@dataclass(frozen=True)
class Frame:
    """One frame's content: SEQ, CMD and BODY (a response's BODY starts with its status)."""

    seq: int
    command: int
    body: bytes = b""


@dataclass(frozen=True)
class Response:
    seq: int
    command: int  # the request's command code (the response flag removed); 0 in a BAD_FRAME answer
    status: Status
    data: bytes


def encode_frame(frame: Frame) -> bytes:
    length = MIN_LEN + len(frame.body)
    if length > MAX_LEN:
        raise PermitError(MSG_BAD_FRAME, f"body of {len(frame.body)} bytes exceeds the frame limit")
    covered = length.to_bytes(2, "big") + bytes((frame.seq, frame.command)) + frame.body
    return bytes((STX,)) + covered + crc16(covered).to_bytes(2, "big") + bytes((ETX,))


def encode_request(seq: int, command: Command, body: bytes = b"") -> bytes:
    return encode_frame(Frame(seq, command, body))


def encode_response(seq: int, command: int, status: Status, data: bytes = b"") -> bytes:
    return encode_frame(Frame(seq, command | RESPONSE_FLAG, bytes((status,)) + data))


def bad_frame_response() -> bytes:
    """The module's answer to a request it could not parse (documented: SEQ 0, CMD 0x80)."""
    return encode_response(BAD_FRAME_SEQ, 0, Status.BAD_FRAME)


def frame_size(header: bytes) -> int:
    """Total frame size announced by the first HEADER_SIZE bytes (STX and LEN)."""
    if len(header) < HEADER_SIZE or header[0] != STX:
        raise PermitError(MSG_BAD_FRAME, "frame does not start with STX")
    length = int.from_bytes(header[1:3], "big")
    if not MIN_LEN <= length <= MAX_LEN:
        raise PermitError(MSG_BAD_FRAME, f"LEN {length} out of range")
    return HEADER_SIZE + length + TRAILER_SIZE


def decode_frame(raw: bytes) -> Frame:
    """Exactly one whole frame, checked: start byte, length, CRC and end byte."""
    size = frame_size(raw[:HEADER_SIZE])
    if len(raw) != size:
        raise PermitError(MSG_BAD_FRAME, f"frame is {len(raw)} bytes, LEN says {size}")
    if raw[-1] != ETX:
        raise PermitError(MSG_BAD_FRAME, "frame does not end with ETX")
    covered = raw[1:-TRAILER_SIZE]
    received = int.from_bytes(raw[-TRAILER_SIZE:-1], "big")
    if crc16(covered) != received:
        raise PermitError(MSG_BAD_FRAME, f"CRC {received:04X} should be {crc16(covered):04X}")
    return Frame(seq=covered[2], command=covered[3], body=bytes(covered[4:]))


def decode_response(frame: Frame) -> Response:
    """A module's answer: CMD must carry the response flag, BODY must start with a known status."""
    if not frame.command & RESPONSE_FLAG:
        raise PermitError(MSG_BAD_FRAME, f"CMD {frame.command:02X} is not a response")
    if not frame.body:
        raise PermitError(MSG_BAD_FRAME, "response without a status byte")
    try:
        status = Status(frame.body[0])
    except ValueError:
        raise PermitError(MSG_BAD_FRAME, f"unknown status {frame.body[0]:02X}") from None
    return Response(frame.seq, frame.command & ~RESPONSE_FLAG, status, frame.body[1:])


class FrameSplitter:
    """Cuts a byte stream into frames: skips noise before STX, resyncs after a bad frame.

    `feed` returns, in order, each whole Frame and a PermitError for each bad one, so a
    receiver can answer a bad request (the module does) instead of stalling on it.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()

    @property
    def has_partial(self) -> bool:
        return bool(self._buffer)

    def discard_partial(self) -> PermitError | None:
        """Drop an incomplete frame (its sender stopped mid-way); report it if it began with STX."""
        started = bool(self._buffer) and self._buffer[0] == STX
        self._buffer.clear()
        return PermitError(MSG_BAD_FRAME, "incomplete frame discarded") if started else None

    def feed(self, data: bytes) -> list[Frame | PermitError]:
        self._buffer += data
        found: list[Frame | PermitError] = []
        while True:
            start = self._buffer.find(STX)
            if start < 0:
                self._buffer.clear()
                return found
            del self._buffer[:start]
            if len(self._buffer) < HEADER_SIZE:
                return found
            try:
                size = frame_size(bytes(self._buffer[:HEADER_SIZE]))
            except PermitError as exc:
                found.append(exc)
                del self._buffer[:1]
                continue
            if len(self._buffer) < size:
                later = self._next_whole_frame_start()
                if later is None:
                    return found  # wait for the rest
                # A corrupted LEN announced more than was sent, and a whole valid frame follows.
                found.append(PermitError(MSG_BAD_FRAME, "frame cut short by the next one"))
                del self._buffer[:later]
                continue
            try:
                found.append(decode_frame(bytes(self._buffer[:size])))
                del self._buffer[:size]
            except PermitError as exc:
                found.append(exc)
                del self._buffer[:1]


    def _next_whole_frame_start(self) -> int | None:
        """Offset of the first later STX that begins a complete frame with a valid CRC."""
        start = self._buffer.find(STX, 1)
        while start >= 0:
            candidate = bytes(self._buffer[start:])
            try:
                decode_frame(candidate[:frame_size(candidate[:HEADER_SIZE])])
                return start
            except PermitError:
                start = self._buffer.find(STX, start + 1)
        return None


# --- field codecs -----------------------------------------------------------------------


class _Reader:
    """Takes fields off a byte string; running short or leaving bytes over is a PermitError."""

    def __init__(self, data: bytes, what: str) -> None:
        self._data = data
        self._offset = 0
        self._what = what

    def take(self, size: int) -> bytes:
        if self._offset + size > len(self._data):
            raise PermitError(MSG_UNREADABLE, f"{self._what} truncated at byte {self._offset}")
        chunk = self._data[self._offset:self._offset + size]
        self._offset += size
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def ascii(self, size: int) -> str:
        return _ascii(self.take(size), self._what)

    def date(self) -> dt.date:
        return _decode_date(self.take(DATE_FORMAT_SIZE), self._what)

    def short_text(self, encoding: str) -> str:
        size = self.byte()
        if size > MAX_NAME_BYTES:
            raise PermitError(MSG_UNREADABLE, f"{self._what}: text of {size} bytes exceeds {MAX_NAME_BYTES}")
        try:
            return self.take(size).decode(encoding)
        except UnicodeDecodeError:
            raise PermitError(MSG_UNREADABLE, f"{self._what}: text is not {encoding}") from None

    def finish(self) -> None:
        if self._offset != len(self._data):
            raise PermitError(MSG_UNREADABLE, f"{self._what}: {len(self._data) - self._offset} bytes left over")


def _ascii(raw: bytes, what: str) -> str:
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        raise PermitError(MSG_UNREADABLE, f"{what}: non-ASCII field") from None


def _encode_date(day: dt.date) -> bytes:
    return day.strftime("%Y%m%d").encode("ascii")


def _decode_date(raw: bytes, what: str) -> dt.date:
    text = _ascii(raw, what)
    if not text.isdigit():
        raise PermitError(MSG_UNREADABLE, f"{what}: date is not YYYYMMDD")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise PermitError(MSG_UNREADABLE, f"{what}: no such date") from None


def encode_record(record: Endorsement) -> bytes:
    return (record.record_id.to_bytes(4, "big") + record.destination.value.encode("ascii")
            + record.type.value.encode("ascii") + record.trips.value.encode("ascii")
            + _encode_date(record.valid_from) + _encode_date(record.valid_until)
            + record.issuing_office.encode("ascii"))


def decode_record(raw: bytes) -> Endorsement:
    reader = _Reader(raw, "endorsement record")
    record_id = int.from_bytes(reader.take(4), "big")
    destination, kind, trips = reader.ascii(2), reader.ascii(1), reader.ascii(1)
    valid_from, valid_until = reader.date(), reader.date()
    office = reader.ascii(6)
    reader.finish()
    try:
        return Endorsement(record_id, Destination(destination), EndorsementType(kind), Trips(trips),
                           valid_from, valid_until, office)
    except ValueError as exc:
        raise PermitError(MSG_UNREADABLE, f"endorsement record: {exc}") from None


def encode_record_id(record_id: int) -> bytes:
    return record_id.to_bytes(4, "big")


def decode_record_id(raw: bytes) -> int:
    if len(raw) != 4:
        raise PermitError(MSG_UNREADABLE, f"record id is {len(raw)} bytes, not 4")
    return int.from_bytes(raw, "big")


def encode_write(record: Endorsement, print_on_face: bool) -> bytes:
    return bytes((FLAG_PRINT_ON_FACE if print_on_face else 0,)) + encode_record(record)


def decode_write(body: bytes) -> tuple[Endorsement, bool]:
    """A WRITE_ENDORSEMENT request's body: (record, print on the card face)."""
    if len(body) != 1 + RECORD_SIZE:
        raise PermitError(MSG_UNREADABLE, f"write request is {len(body)} bytes, not {1 + RECORD_SIZE}")
    if body[0] & ~FLAG_PRINT_ON_FACE:
        raise PermitError(MSG_UNREADABLE, f"unknown write flags {body[0]:02X}")
    return decode_record(body[1:]), bool(body[0] & FLAG_PRINT_ON_FACE)


def encode_status_data(card_present: bool, at_opening: bool | None = None) -> bytes:
    """STATUS data; `at_opening` None: a module without the opening sensor (two bytes, as before)."""
    sensor = b"" if at_opening is None else bytes((1 if at_opening else 0,))
    return bytes((PROTOCOL_VERSION, 1 if card_present else 0)) + sensor


@dataclass(frozen=True)
class SlotState:
    """What STATUS says about the slot: a card inside, and (modules with the opening sensor,
    issue 14) a card ejected to the opening and not yet taken; None when the module cannot tell."""

    card_present: bool
    at_opening: bool | None = None


def decode_slot_state(data: bytes) -> SlotState:
    """STATUS data -> the slot. Two bytes (VERSION, CARD_PRESENT) or three (and CARD_AT_OPENING);
    a module speaking another protocol version is refused."""
    if len(data) not in (2, 3) or any(flag not in (0, 1) for flag in data[1:]):
        raise PermitError(MSG_BAD_FRAME, f"STATUS data {data.hex()} is not VERSION, CARD_PRESENT[, CARD_AT_OPENING]")
    if data[0] != PROTOCOL_VERSION:
        raise PermitError(MSG_BAD_FRAME, f"module speaks protocol version {data[0]}, not {PROTOCOL_VERSION}")
    return SlotState(data[1] == 1, data[2] == 1 if len(data) == 3 else None)


def decode_status_data(data: bytes) -> bool:
    """STATUS data -> card present."""
    return decode_slot_state(data).card_present


def encode_card(card: PermitCard) -> bytes:
    name_zh = card.name_zh.encode("utf-8")
    name_pinyin = card.name_pinyin.encode("ascii")
    return b"".join((
        card.permit_number.encode("ascii"), bytes.fromhex(card.card_serial),
        card.sex.value.encode("ascii"), _encode_date(card.birth_date), _encode_date(card.expiry_date),
        bytes((len(name_zh),)), name_zh, bytes((len(name_pinyin),)), name_pinyin,
        bytes((len(card.endorsements),)), *(encode_record(r) for r in card.endorsements),
    ))


def decode_card(raw: bytes) -> PermitCard:
    reader = _Reader(raw, "card data")
    permit_number = reader.ascii(PERMIT_NUMBER_SIZE)
    serial = reader.take(CARD_SERIAL_SIZE).hex().upper()
    sex = reader.ascii(1)
    birth_date, expiry_date = reader.date(), reader.date()
    name_zh = reader.short_text("utf-8")
    name_pinyin = reader.short_text("ascii")
    count = reader.byte()  # one byte: never more than CHIP_CAPACITY (255)
    records = tuple(decode_record(reader.take(RECORD_SIZE)) for _ in range(count))
    reader.finish()
    try:
        return PermitCard(permit_number, serial, name_zh, name_pinyin, Sex(sex), birth_date,
                          expiry_date, records)
    except ValueError as exc:
        raise PermitError(MSG_UNREADABLE, f"card data: {exc}") from None
