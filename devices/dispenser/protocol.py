"""The document dispenser's framed serial protocol (docs/protocols/dispenser.md), as pure bytes.

Frame: STX(F2) | ADDR | LEN(2) | TYPE | CMD | SEQ | DATA | ETX(03) | BCC, where LEN counts
TYPE..DATA and BCC is the XOR of every byte from STX to ETX, as on CRT-591-class card
dispensers. TYPE is 'C' for a request, 'P' for a positive and 'N' for a negative answer;
every answer's DATA starts with the sensor byte ST0, a negative one's next byte is the error.
Nothing here does I/O, so the driver and the simulator share one codec and the tests can
hit it byte by byte. Every parser raises only DispenserError, whatever bytes it is fed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from devices.dispenser.contract import (
    MSG_BAD_FRAME,
    DispenserError,
    DocumentRead,
    Fault,
    Location,
    ReadSource,
    Sensors,
    Slot,
    Whereabouts,
)

STX = 0xF2
ETX = 0x03
PROTOCOL_VERSION = 0x01
HEADER_SIZE = 4  # STX ADDR LEN(2)
TRAILER_SIZE = 2  # ETX BCC
MIN_LEN = 3  # TYPE CMD SEQ
MAX_LEN = 1024  # a longer LEN is a bad frame: protects a reader from a garbage length
FRAME_OVERHEAD = HEADER_SIZE + MIN_LEN + TRAILER_SIZE
MAX_DOCUMENT_ID = 32  # bytes of a document id (passport or permit number, printable ASCII)
MAX_SLOTS = 250
# SEQ and CMD of the module's answer to a request it could not parse.
BAD_FRAME_SEQ = 0x00
BAD_FRAME_CMD = 0x00


class FrameType(enum.IntEnum):
    COMMAND = 0x43  # 'C'
    POSITIVE = 0x50  # 'P'
    NEGATIVE = 0x4E  # 'N'


class Command(enum.IntEnum):
    STATUS = 0x10
    SLOTS = 0x11
    LOAD = 0x20
    UNLOAD = 0x21
    STAGE = 0x31  # slot -> past the reader -> held in the picker (DISPENSE 0x30 is retired)
    PRESENT = 0x32  # the held document -> the output tray
    RETRACT = 0x40
    WHERE = 0x50


class ErrorCode(enum.IntEnum):
    SLOT_EMPTY = 0x01
    WRONG_DOCUMENT = 0x02
    JAMMED = 0x03
    TRAY_BLOCKED = 0x04
    DOOR_OPEN = 0x05
    REJECT_BIN_FULL = 0x06
    SLOT_OCCUPIED = 0x07
    NOTHING_TO_RETRACT = 0x08
    BAD_PARAMETER = 0x09
    BAD_FRAME = 0x0A
    UNKNOWN_COMMAND = 0x0B
    PICKER_OCCUPIED = 0x0C
    NOTHING_HELD = 0x0D

    @property
    def fault(self) -> Fault:
        return Fault(self.name.lower())


class SensorBit(enum.IntFlag):
    TRAY_OCCUPIED = 0x01
    DOCUMENT_TAKEN = 0x02
    DOOR_OPEN = 0x04
    REJECT_BIN_FULL = 0x08
    PICKER_JAMMED = 0x10
    PICKER_OCCUPIED = 0x20


# Location codes of a WHERE answer.
LOCATION_CODES: dict[Location, int] = {
    Location.UNKNOWN: 0, Location.SLOT: 1, Location.PICKER: 2, Location.TRAY: 3,
    Location.REJECT_BIN: 4, Location.TAKEN: 5,
}
_LOCATIONS = {code: location for location, code in LOCATION_CODES.items()}


def bcc(data: bytes) -> int:
    """XOR of every byte."""
    value = 0
    for byte in data:
        value ^= byte
    return value


@dataclass(frozen=True)
class Frame:
    address: int
    type: int
    command: int
    seq: int
    data: bytes = b""


@dataclass(frozen=True)
class Response:
    seq: int
    command: int
    sensors: Sensors
    error: ErrorCode | None  # None for a positive answer
    data: bytes  # after ST0 (and after the error byte of a negative answer)

    @property
    def ok(self) -> bool:
        return self.error is None


def encode_frame(frame: Frame) -> bytes:
    length = MIN_LEN + len(frame.data)
    if length > MAX_LEN:
        raise DispenserError(MSG_BAD_FRAME, f"data of {len(frame.data)} bytes exceeds the frame limit")
    head = bytes((STX, frame.address)) + length.to_bytes(2, "big") \
        + bytes((frame.type, frame.command, frame.seq)) + frame.data + bytes((ETX,))
    return head + bytes((bcc(head),))


def encode_request(address: int, seq: int, command: Command, data: bytes = b"") -> bytes:
    return encode_frame(Frame(address, FrameType.COMMAND, command, seq, data))


def encode_sensors(sensors: Sensors) -> int:
    bits = SensorBit(0)
    for flag, on in ((SensorBit.TRAY_OCCUPIED, sensors.tray_occupied),
                     (SensorBit.DOCUMENT_TAKEN, sensors.document_taken),
                     (SensorBit.DOOR_OPEN, sensors.door_open),
                     (SensorBit.REJECT_BIN_FULL, sensors.reject_bin_full),
                     (SensorBit.PICKER_JAMMED, sensors.picker_jammed),
                     (SensorBit.PICKER_OCCUPIED, sensors.picker_occupied)):
        if on:
            bits |= flag
    return int(bits)


def decode_sensors(st0: int) -> Sensors:
    """ST0 -> Sensors; reserved bits 0x40 and 0x80 are ignored (documented)."""
    bits = SensorBit(st0 & 0x3F)
    return Sensors(tray_occupied=SensorBit.TRAY_OCCUPIED in bits, document_taken=SensorBit.DOCUMENT_TAKEN in bits,
                   door_open=SensorBit.DOOR_OPEN in bits, reject_bin_full=SensorBit.REJECT_BIN_FULL in bits,
                   picker_jammed=SensorBit.PICKER_JAMMED in bits, picker_occupied=SensorBit.PICKER_OCCUPIED in bits)


def encode_positive(address: int, seq: int, command: int, sensors: Sensors, data: bytes = b"") -> bytes:
    return encode_frame(Frame(address, FrameType.POSITIVE, command, seq, bytes((encode_sensors(sensors),)) + data))


def encode_negative(address: int, seq: int, command: int, sensors: Sensors, error: ErrorCode,
                    data: bytes = b"") -> bytes:
    return encode_frame(Frame(address, FrameType.NEGATIVE, command, seq,
                              bytes((encode_sensors(sensors), error)) + data))


def bad_frame_response(address: int, sensors: Sensors) -> bytes:
    """The module's answer to a request it could not parse (documented: CMD 0, SEQ 0)."""
    return encode_negative(address, BAD_FRAME_SEQ, BAD_FRAME_CMD, sensors, ErrorCode.BAD_FRAME)


def frame_size(header: bytes) -> int:
    """Total frame size announced by the first HEADER_SIZE bytes (STX, ADDR and LEN)."""
    if len(header) < HEADER_SIZE or header[0] != STX:
        raise DispenserError(MSG_BAD_FRAME, "frame does not start with STX")
    length = int.from_bytes(header[2:4], "big")
    if not MIN_LEN <= length <= MAX_LEN:
        raise DispenserError(MSG_BAD_FRAME, f"LEN {length} out of range")
    return HEADER_SIZE + length + TRAILER_SIZE


def decode_frame(raw: bytes) -> Frame:
    """Exactly one whole frame, checked: start byte, length, end byte and BCC."""
    size = frame_size(raw[:HEADER_SIZE])
    if len(raw) != size:
        raise DispenserError(MSG_BAD_FRAME, f"frame is {len(raw)} bytes, LEN says {size}")
    if raw[-2] != ETX:
        raise DispenserError(MSG_BAD_FRAME, "frame does not end with ETX")
    if bcc(raw[:-1]) != raw[-1]:
        raise DispenserError(MSG_BAD_FRAME, f"BCC {raw[-1]:02X} should be {bcc(raw[:-1]):02X}")
    return Frame(address=raw[1], type=raw[4], command=raw[5], seq=raw[6], data=bytes(raw[7:-2]))


def decode_response(frame: Frame) -> Response:
    """A module's answer: TYPE 'P' or 'N', DATA starting with ST0 (and the error code for 'N')."""
    if frame.type == FrameType.POSITIVE:
        if not frame.data:
            raise DispenserError(MSG_BAD_FRAME, "positive answer without ST0")
        return Response(frame.seq, frame.command, decode_sensors(frame.data[0]), None, frame.data[1:])
    if frame.type == FrameType.NEGATIVE:
        if len(frame.data) < 2:
            raise DispenserError(MSG_BAD_FRAME, "negative answer without ST0 and error code")
        try:
            error = ErrorCode(frame.data[1])
        except ValueError:
            raise DispenserError(MSG_BAD_FRAME, f"unknown error code {frame.data[1]:02X}") from None
        return Response(frame.seq, frame.command, decode_sensors(frame.data[0]), error, frame.data[2:])
    raise DispenserError(MSG_BAD_FRAME, f"TYPE {frame.type:02X} is not an answer")


class FrameSplitter:
    """Cuts a byte stream into frames: skips noise before STX, resyncs after a bad frame.

    `feed` returns, in order, each whole Frame and a DispenserError for each bad one, so a
    receiver can answer a bad request (the module does) instead of stalling on it.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()

    @property
    def has_partial(self) -> bool:
        return bool(self._buffer)

    def discard_partial(self) -> DispenserError | None:
        """Drop an incomplete frame (its sender stopped mid-way); report it if it began with STX."""
        started = bool(self._buffer) and self._buffer[0] == STX
        self._buffer.clear()
        return DispenserError(MSG_BAD_FRAME, "incomplete frame discarded") if started else None

    def feed(self, data: bytes) -> list[Frame | DispenserError]:
        self._buffer += data
        found: list[Frame | DispenserError] = []
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
            except DispenserError as exc:
                found.append(exc)
                del self._buffer[:1]
                continue
            if len(self._buffer) < size:
                return found  # wait for the rest (a stalled sender is cut off by discard_partial)
            try:
                found.append(decode_frame(bytes(self._buffer[:size])))
                del self._buffer[:size]
            except DispenserError as exc:
                found.append(exc)
                del self._buffer[:1]


# --- field codecs -----------------------------------------------------------------------


def encode_document_id(document_id: str) -> bytes:
    """LEN(1) + printable ASCII, 1..MAX_DOCUMENT_ID bytes."""
    check_document_id(document_id)
    raw = document_id.encode("ascii")
    return bytes((len(raw),)) + raw


def check_document_id(document_id: str) -> None:
    if not 1 <= len(document_id) <= MAX_DOCUMENT_ID or not all(0x21 <= ord(c) <= 0x7E for c in document_id):
        raise DispenserError(MSG_BAD_FRAME, f"a document id is 1 to {MAX_DOCUMENT_ID} printable ASCII "
                             f"characters (got {len(document_id)} characters)", Fault.BAD_PARAMETER)


def take_document_id(data: bytes, offset: int = 0, allow_empty: bool = False) -> tuple[str | None, int]:
    """(id, offset after it) read at `offset`; an empty id (LEN 0) is None when `allow_empty`."""
    if offset >= len(data):
        raise DispenserError(MSG_BAD_FRAME, "document id missing", Fault.BAD_PARAMETER)
    size = data[offset]
    end = offset + 1 + size
    if end > len(data):
        raise DispenserError(MSG_BAD_FRAME, "document id truncated", Fault.BAD_PARAMETER)
    if size == 0 and allow_empty:
        return None, end
    try:
        document_id = data[offset + 1:end].decode("ascii")
    except UnicodeDecodeError:
        raise DispenserError(MSG_BAD_FRAME, "document id is not ASCII", Fault.BAD_PARAMETER) from None
    check_document_id(document_id)
    return document_id, end


def decode_document_id(data: bytes) -> str:
    """Exactly one LEN-prefixed id and nothing after it."""
    document_id, end = take_document_id(data)
    if end != len(data):
        raise DispenserError(MSG_BAD_FRAME, f"{len(data) - end} bytes after the document id", Fault.BAD_PARAMETER)
    assert document_id is not None
    return document_id


def encode_slot_and_id(slot: int, document_id: str) -> bytes:
    return bytes((_slot_byte(slot),)) + encode_document_id(document_id)


def decode_slot_and_id(data: bytes) -> tuple[int, str]:
    if not data:
        raise DispenserError(MSG_BAD_FRAME, "slot number missing", Fault.BAD_PARAMETER)
    return data[0], decode_document_id(data[1:])


def encode_slot(slot: int) -> bytes:
    return bytes((_slot_byte(slot),))


def decode_slot(data: bytes) -> int:
    if len(data) != 1:
        raise DispenserError(MSG_BAD_FRAME, f"slot field is {len(data)} bytes, not 1", Fault.BAD_PARAMETER)
    return data[0]


def _slot_byte(slot: int) -> int:
    if not 1 <= slot <= MAX_SLOTS:
        raise DispenserError(MSG_BAD_FRAME, f"slot {slot} is not 1..{MAX_SLOTS}", Fault.BAD_PARAMETER)
    return slot


def encode_status_data(slot_count: int, reject_count: int, reject_capacity: int) -> bytes:
    return bytes((PROTOCOL_VERSION, slot_count, reject_count, reject_capacity))


def decode_status_data(data: bytes) -> tuple[int, int, int]:
    """STATUS data -> (slot count, reject count, reject capacity); another protocol version is refused."""
    if len(data) != 4:
        raise DispenserError(MSG_BAD_FRAME, f"STATUS data {data.hex()} is not VERSION SLOTS REJECTS CAPACITY")
    if data[0] != PROTOCOL_VERSION:
        raise DispenserError(MSG_BAD_FRAME, f"module speaks protocol version {data[0]}, not {PROTOCOL_VERSION}")
    return data[1], data[2], data[3]


def encode_slots(slots: list[Slot]) -> bytes:
    out = bytearray((len(slots),))
    for slot in slots:
        out += encode_document_id(slot.document_id) if slot.document_id else b"\x00"
    return bytes(out)


def decode_slots(data: bytes) -> list[Slot]:
    if not data:
        raise DispenserError(MSG_BAD_FRAME, "SLOTS answer without a count")
    slots, offset = [], 1
    for number in range(1, data[0] + 1):
        document_id, offset = take_document_id(data, offset, allow_empty=True)
        slots.append(Slot(number, document_id))
    if offset != len(data):
        raise DispenserError(MSG_BAD_FRAME, f"{len(data) - offset} bytes after the last slot")
    return slots


# READ_SOURCE of a STAGE answer: how the picker's reader read the document.
READ_SOURCE_CODES: dict[ReadSource, int] = {ReadSource.OPTICAL: 0x01, ReadSource.CHIP: 0x02}
_READ_SOURCES = {code: source for source, code in READ_SOURCE_CODES.items()}


def encode_read(read: DocumentRead | None) -> bytes:
    """STAGE answer data: READ_SOURCE then the id read; nothing from a module without a reader."""
    if read is None:
        return b""
    return bytes((READ_SOURCE_CODES[read.source],)) + encode_document_id(read.document_id)


def decode_read(data: bytes) -> DocumentRead | None:
    if not data:
        return None  # a module without a reader at the picker (protocol version 1 allows it)
    try:
        source = _READ_SOURCES[data[0]]
    except KeyError:
        raise DispenserError(MSG_BAD_FRAME, f"unknown read source {data[0]:02X}") from None
    return DocumentRead(decode_document_id(data[1:]), source)


def encode_where(location: Location, slot: int | None) -> bytes:
    return bytes((LOCATION_CODES[location], slot or 0))


def decode_where(document_id: str, data: bytes) -> Whereabouts:
    if len(data) != 2:
        raise DispenserError(MSG_BAD_FRAME, f"WHERE answer is {len(data)} bytes, not 2")
    try:
        location = _LOCATIONS[data[0]]
    except KeyError:
        raise DispenserError(MSG_BAD_FRAME, f"unknown location code {data[0]:02X}") from None
    if (location is Location.SLOT) != (data[1] != 0):
        raise DispenserError(MSG_BAD_FRAME, f"location {location.value} with slot {data[1]}")
    return Whereabouts(document_id, location, data[1] or None)
