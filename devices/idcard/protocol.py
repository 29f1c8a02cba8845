"""The SAM module's serial frames (second-generation ID card readers; DOMAIN.md section 2).

    request:  AA AA AA 96 69 | LEN(2, big-endian) | CMD PARA | DATA | CHK
    response: AA AA AA 96 69 | LEN(2, big-endian) | SW1 SW2 SW3 | DATA | CHK

LEN counts every byte after itself, CHK included; CHK is the XOR of every byte after the
five-byte preamble except CHK itself. This module only turns bytes into typed values and
back: it knows nothing of ports or timing, so the driver and the simulator share it and the
tests can check it byte by byte. Every malformed input raises IdCardError (message key
"idcard.bad_frame") and leaves the offending bytes, in hex, in the DEBUG log.
"""

from __future__ import annotations

import enum
import logging
import struct
from dataclasses import dataclass
from functools import reduce
from operator import xor

from devices.idcard.contract import (
    MSG_BAD_FRAME,
    MSG_PLACE_CARD,
    MSG_READ_FAILED,
    MSG_READER_FAULT,
    MSG_UNRECOGNISED_CARD,
    IdCardError,
)

log = logging.getLogger(__name__)

PREAMBLE = bytes.fromhex("AAAAAA9669")
LENGTH_SIZE = 2
HEADER_SIZE = len(PREAMBLE) + LENGTH_SIZE  # bytes to read before the rest of a frame's size is known
CHECKSUM_SIZE = 1
MIN_REQUEST_LENGTH = 3  # CMD PARA CHK
MIN_RESPONSE_LENGTH = 4  # SW1 SW2 SW3 CHK
# The longest real answer (30 10 with two fingerprints) has LEN 2314. A larger LEN is line
# noise; refusing it stops the driver from waiting for 64 KB that will never come.
MAX_LENGTH = 0x0A00

# Sizes inside the answers to the read commands.
TEXT_SIZE = 256
PHOTO_SIZE = 1024
FINGERPRINT_SIZE = 512  # one finger's template
MAX_FINGERPRINTS = 2
APPENDED_ADDRESS_SIZE = 70
SAM_ID_SIZE = 16


class Command(enum.Enum):
    """Each command as its (CMD, PARA) pair. Set-baud commands are built by `set_baud_request`."""

    RESET_SAM = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    SAM_ID = (0x12, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_TEXT_PHOTO = (0x30, 0x01)
    READ_APPENDED_ADDRESS = (0x30, 0x03)
    READ_TEXT_PHOTO_FINGERPRINT = (0x30, 0x10)


SET_BAUD_CMD = 0x60
# PARA of the set-baud command is the index into this tuple (60 00 .. 60 04).
BAUD_RATES: tuple[int, ...] = (115200, 57600, 38400, 19200, 9600)


class Sw3(enum.IntEnum):
    """The status byte of every answer."""

    SUCCESS = 0x90
    FIND_SUCCESS = 0x9F
    CHECKSUM_ERROR = 0x10
    LENGTH_ERROR = 0x11
    COMMAND_ERROR = 0x21
    UNAUTHORISED = 0x23
    UNKNOWN_ERROR = 0x24
    CARD_AUTH_SAM_FAILED = 0x31
    SAM_AUTH_CARD_FAILED = 0x32
    VERIFICATION_FAILED = 0x33
    UNRECOGNISED_CARD = 0x40
    READ_FAILED = 0x41
    RANDOM_FAILED = 0x47
    SAM_SELF_TEST_FAILED = 0x60
    SAM_NOT_AUTHORISED = 0x66
    NO_CARD = 0x80
    SELECT_FAILED = 0x81
    NO_SUCH_ITEM = 0x91


@dataclass(frozen=True)
class StatusMeaning:
    """What a status byte means for the technician and which message the citizen sees."""

    meaning: str
    message_key: str | None  # None: not a failure


STATUS_MEANINGS: dict[Sw3, StatusMeaning] = {
    Sw3.SUCCESS: StatusMeaning("success", None),
    Sw3.FIND_SUCCESS: StatusMeaning("card found", None),
    Sw3.CHECKSUM_ERROR: StatusMeaning("the reader received a frame with a wrong checksum", MSG_BAD_FRAME),
    Sw3.LENGTH_ERROR: StatusMeaning("the reader received a frame with a wrong length", MSG_BAD_FRAME),
    Sw3.COMMAND_ERROR: StatusMeaning("the reader does not know the command", MSG_READER_FAULT),
    Sw3.UNAUTHORISED: StatusMeaning("operation not authorised", MSG_READER_FAULT),
    Sw3.UNKNOWN_ERROR: StatusMeaning("unknown error in the reader", MSG_READER_FAULT),
    Sw3.CARD_AUTH_SAM_FAILED: StatusMeaning("the card failed to authenticate the SAM", MSG_READ_FAILED),
    Sw3.SAM_AUTH_CARD_FAILED: StatusMeaning("the SAM failed to authenticate the card", MSG_READ_FAILED),
    Sw3.VERIFICATION_FAILED: StatusMeaning("information verification failed", MSG_READ_FAILED),
    Sw3.UNRECOGNISED_CARD: StatusMeaning("the card type is not recognised", MSG_UNRECOGNISED_CARD),
    Sw3.READ_FAILED: StatusMeaning("reading the card failed", MSG_READ_FAILED),
    Sw3.RANDOM_FAILED: StatusMeaning("getting a random number from the card failed", MSG_READ_FAILED),
    Sw3.SAM_SELF_TEST_FAILED: StatusMeaning("the SAM self-test failed", MSG_READER_FAULT),
    Sw3.SAM_NOT_AUTHORISED: StatusMeaning("the SAM is not authorised", MSG_READER_FAULT),
    Sw3.NO_CARD: StatusMeaning("no card found", MSG_PLACE_CARD),
    Sw3.SELECT_FAILED: StatusMeaning("selecting the card failed", MSG_READ_FAILED),
    Sw3.NO_SUCH_ITEM: StatusMeaning("the card holds no such item", MSG_READ_FAILED),
}
UNKNOWN_STATUS = StatusMeaning("a status code the protocol does not define", MSG_READER_FAULT)


def status_meaning(sw3: int) -> StatusMeaning:
    try:
        return STATUS_MEANINGS[Sw3(sw3)]
    except ValueError:
        return UNKNOWN_STATUS


def status_name(sw3: int) -> str:
    """`0x80` -> `"0x80 NO_CARD"`, for logs."""
    try:
        return f"0x{sw3:02X} {Sw3(sw3).name}"
    except ValueError:
        return f"0x{sw3:02X} (undefined)"


@dataclass(frozen=True)
class Request:
    cmd: int
    para: int
    data: bytes = b""

    @classmethod
    def of(cls, command: Command, data: bytes = b"") -> Request:
        cmd, para = command.value
        return cls(cmd, para, data)

    def encode(self) -> bytes:
        return _frame(bytes((self.cmd, self.para)) + self.data)

    @property
    def label(self) -> str:
        """`"20 01 FIND_CARD"`, for logs."""
        for command in Command:
            if command.value == (self.cmd, self.para):
                return f"{self.cmd:02X} {self.para:02X} {command.name}"
        return f"{self.cmd:02X} {self.para:02X}"


@dataclass(frozen=True)
class Response:
    sw3: int
    data: bytes = b""
    sw1: int = 0x00
    sw2: int = 0x00

    def encode(self) -> bytes:
        return _frame(bytes((self.sw1, self.sw2, self.sw3)) + self.data)

    @property
    def ok(self) -> bool:
        return self.sw3 in (Sw3.SUCCESS, Sw3.FIND_SUCCESS)


def checksum(body: bytes) -> int:
    """XOR of `body` (LEN .. last DATA byte)."""
    return reduce(xor, body, 0)


def set_baud_request(baud: int) -> Request:
    if baud not in BAUD_RATES:
        raise ValueError(f"the reader cannot run at {baud} baud; choose one of {BAUD_RATES}")
    return Request(SET_BAUD_CMD, BAUD_RATES.index(baud))


def baud_of_request(request: Request) -> int:
    """The rate a set-baud request asks for. Raises IdCardError for an undefined PARA."""
    if request.cmd != SET_BAUD_CMD or request.para >= len(BAUD_RATES):
        raise IdCardError(MSG_BAD_FRAME, f"not a valid set-baud request: {request.label}")
    return BAUD_RATES[request.para]


def frame_length(header: bytes) -> int:
    """Given the first HEADER_SIZE bytes of a frame, the count of bytes still to come (LEN)."""
    if len(header) < HEADER_SIZE:
        raise bad_frame(header, f"short header: {len(header)} of {HEADER_SIZE} bytes")
    if header[: len(PREAMBLE)] != PREAMBLE:
        raise bad_frame(header, "no AA AA AA 96 69 preamble")
    (length,) = struct.unpack_from(">H", header, len(PREAMBLE))
    if not MIN_REQUEST_LENGTH <= length <= MAX_LENGTH:
        raise bad_frame(header, f"impossible LEN {length}")
    return length


def parse_request(frame: bytes) -> Request:
    body = _checked_body(frame, MIN_REQUEST_LENGTH)
    return Request(body[0], body[1], bytes(body[2:]))


def parse_response(frame: bytes) -> Response:
    body = _checked_body(frame, MIN_RESPONSE_LENGTH)
    return Response(sw1=body[0], sw2=body[1], sw3=body[2], data=bytes(body[3:]))


@dataclass(frozen=True)
class CardData:
    """The raw blocks a read command answers: text, WLT photo, fingerprint templates."""

    text: bytes
    photo: bytes
    fingerprints: tuple[bytes, ...] = ()


def encode_text_photo(text: bytes, photo: bytes) -> bytes:
    """The DATA of a `30 01` answer."""
    return struct.pack(">HH", len(text), len(photo)) + text + photo


def encode_text_photo_fingerprint(text: bytes, photo: bytes, fingerprints: tuple[bytes, ...]) -> bytes:
    """The DATA of a `30 10` answer: three lengths, then the three blocks."""
    prints = b"".join(fingerprints)
    return struct.pack(">HHH", len(text), len(photo), len(prints)) + text + photo + prints


def parse_text_photo(data: bytes) -> CardData:
    text_len, photo_len = _lengths(data, 2)
    _expect_size(data, 4 + text_len + photo_len, "30 01 answer")
    text, photo = data[4 : 4 + text_len], data[4 + text_len :]
    _expect_block_sizes(data, text, photo)
    return CardData(bytes(text), bytes(photo))


def parse_text_photo_fingerprint(data: bytes) -> CardData:
    text_len, photo_len, print_len = _lengths(data, 3)
    _expect_size(data, 6 + text_len + photo_len + print_len, "30 10 answer")
    text = data[6 : 6 + text_len]
    photo = data[6 + text_len : 6 + text_len + photo_len]
    prints = data[6 + text_len + photo_len :]
    _expect_block_sizes(data, text, photo)
    if print_len % FINGERPRINT_SIZE or print_len > MAX_FINGERPRINTS * FINGERPRINT_SIZE:
        raise bad_frame(data, f"fingerprint block of {print_len} bytes is not 0, 1 or 2 templates")
    templates = tuple(bytes(prints[i : i + FINGERPRINT_SIZE]) for i in range(0, print_len, FINGERPRINT_SIZE))
    return CardData(bytes(text), bytes(photo), templates)


def parse_appended_address(data: bytes) -> bytes:
    """The raw UCS-2 block of a `30 03` answer (decoded by records.decode_appended_address)."""
    _expect_size(data, APPENDED_ADDRESS_SIZE, "30 03 answer")
    return bytes(data)


@dataclass(frozen=True)
class SamId:
    raw: bytes

    @property
    def formatted(self) -> str:
        """As vendor tools print it, e.g. `05.01-20101010-0012345678-1234567890`: two 16-bit and
        three 32-bit little-endian numbers."""
        a, b, c, d, e = struct.unpack("<HHIII", self.raw)
        return f"{a:02d}.{b:02d}-{c:08d}-{d:010d}-{e:010d}"


def parse_sam_id(data: bytes) -> SamId:
    _expect_size(data, SAM_ID_SIZE, "SAM id")
    return SamId(bytes(data))


def bad_frame(frame: bytes, why: str) -> IdCardError:
    """The error for a malformed frame; the bytes go to the DEBUG log, never to the citizen."""
    log.debug("bad frame (%s): %s", why, frame.hex(" "))
    return IdCardError(MSG_BAD_FRAME, why)


def _frame(body_without_checksum: bytes) -> bytes:
    length = len(body_without_checksum) + CHECKSUM_SIZE
    body = struct.pack(">H", length) + body_without_checksum
    return PREAMBLE + body + bytes((checksum(body),))


def _checked_body(frame: bytes, min_length: int) -> bytes:
    """Validate preamble, LEN and CHK; return the bytes between LEN and CHK."""
    length = frame_length(frame[:HEADER_SIZE])
    if length < min_length:
        raise bad_frame(frame, f"LEN {length} is shorter than the smallest frame ({min_length})")
    if len(frame) != HEADER_SIZE + length:
        raise bad_frame(frame, f"LEN says {HEADER_SIZE + length} bytes, frame has {len(frame)}")
    expected = checksum(frame[len(PREAMBLE) : -1])
    if frame[-1] != expected:
        raise bad_frame(frame, f"checksum 0x{frame[-1]:02X}, expected 0x{expected:02X}")
    return frame[HEADER_SIZE:-1]


def _lengths(data: bytes, count: int) -> tuple[int, ...]:
    if len(data) < 2 * count:
        raise bad_frame(data, f"answer of {len(data)} bytes has no room for {count} block lengths")
    return struct.unpack_from(f">{count}H", data)


def _expect_size(data: bytes, size: int, what: str) -> None:
    if len(data) != size:
        raise bad_frame(data, f"{what}: {len(data)} bytes, expected {size}")


def _expect_block_sizes(data: bytes, text: bytes, photo: bytes) -> None:
    if len(text) != TEXT_SIZE or len(photo) != PHOTO_SIZE:
        raise bad_frame(data, f"text/photo blocks of {len(text)}/{len(photo)} bytes, "
                              f"expected {TEXT_SIZE}/{PHOTO_SIZE}")
