"""Link-layer framing of the card terminal's line, pluggable because every vendor's MIS-POS differs.

A framing turns a message (bytes) into a frame and cuts a byte stream back into messages,
ACK/NAK control bytes and bad frames. The driver and the simulator only use this interface,
so a hall whose terminal frames differently adds one class here and names it in
`[devices.card_terminal] framing`. Nothing here does I/O.

`StxLrcFraming` is the framing of docs/protocols/card-terminal.md:
STX | LEN (2 bytes BCD) | DATA | ETX | LRC, the LRC being the XOR of LEN, DATA and ETX.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass


class Control(enum.Enum):
    ACK = "ack"
    NAK = "nak"


@dataclass(frozen=True)
class BadFrame:
    """A frame that started but cannot be trusted (wrong LRC, no ETX, bad length)."""

    detail: str


Item = bytes | Control | BadFrame  # a message, a control byte, or a bad frame


class FrameReader(ABC):
    """Cuts a byte stream into items; keeps an incomplete frame until the rest arrives."""

    @abstractmethod
    def feed(self, data: bytes) -> list[Item]:
        ...

    @abstractmethod
    def discard_partial(self) -> bool:
        """Drop an incomplete frame (its sender stopped mid-way); True when there was one."""


class Framing(ABC):
    """One vendor's framing: how a message is wrapped, acknowledged and recognised."""

    name: str

    @abstractmethod
    def encode(self, message: bytes) -> bytes:
        ...

    @abstractmethod
    def control(self, control: Control) -> bytes:
        """The bytes of an ACK or a NAK."""

    @abstractmethod
    def reader(self) -> FrameReader:
        ...


STX = 0x02
ETX = 0x03
ACK = 0x06
NAK = 0x15
MAX_MESSAGE = 9999  # four BCD digits


def lrc(data: bytes) -> int:
    """XOR of every byte."""
    value = 0
    for byte in data:
        value ^= byte
    return value


def bcd_length(length: int) -> bytes:
    """1234 -> b'\\x12\\x34'."""
    if not 0 <= length <= MAX_MESSAGE:
        raise ValueError(f"message of {length} bytes does not fit a 4-digit BCD length")
    text = f"{length:04d}"
    return bytes((int(text[0]) << 4 | int(text[1]), int(text[2]) << 4 | int(text[3])))


def decode_bcd_length(raw: bytes) -> int | None:
    """The length two BCD bytes say, or None when a nibble is not a decimal digit."""
    digits = [raw[0] >> 4, raw[0] & 0x0F, raw[1] >> 4, raw[1] & 0x0F]
    if any(d > 9 for d in digits):
        return None
    return int("".join(map(str, digits)))


class StxLrcFraming(Framing):
    """STX | LEN(BCD, 2) | DATA | ETX | LRC, with ACK (0x06) / NAK (0x15) single bytes."""

    name = "stx-lrc"

    def encode(self, message: bytes) -> bytes:
        covered = bcd_length(len(message)) + message + bytes((ETX,))
        return bytes((STX,)) + covered + bytes((lrc(covered),))

    def control(self, control: Control) -> bytes:
        return bytes((ACK if control is Control.ACK else NAK,))

    def reader(self) -> FrameReader:
        return _StxLrcReader()


class _StxLrcReader(FrameReader):
    HEADER = 3  # STX + LEN
    TRAILER = 2  # ETX + LRC

    def __init__(self) -> None:
        self._buffer = bytearray()

    def discard_partial(self) -> bool:
        had = bool(self._buffer)
        self._buffer.clear()
        return had

    def feed(self, data: bytes) -> list[Item]:
        found: list[Item] = []
        for byte in data:
            if not self._buffer:
                if byte == ACK:
                    found.append(Control.ACK)
                elif byte == NAK:
                    found.append(Control.NAK)
                elif byte == STX:
                    self._buffer.append(byte)
                continue  # noise between frames is skipped
            self._buffer.append(byte)
            item = self._complete()
            if item is not None:
                found.append(item)
        return found

    def _complete(self) -> Item | None:
        if len(self._buffer) < self.HEADER:
            return None
        length = decode_bcd_length(bytes(self._buffer[1:3]))
        if length is None:
            self._buffer.clear()
            return BadFrame("LEN is not BCD")
        size = self.HEADER + length + self.TRAILER
        if len(self._buffer) < size:
            return None
        frame, self._buffer = bytes(self._buffer[:size]), bytearray()
        if frame[-2] != ETX:
            return BadFrame("frame does not end with ETX")
        if lrc(frame[1:-1]) != frame[-1]:
            return BadFrame(f"LRC {frame[-1]:02X} should be {lrc(frame[1:-1]):02X}")
        return frame[self.HEADER:-self.TRAILER]


FRAMINGS: dict[str, type[Framing]] = {StxLrcFraming.name: StxLrcFraming}


def framing_named(name: str) -> Framing:
    try:
        return FRAMINGS[name]()
    except KeyError:
        raise ValueError(f"no card terminal framing {name!r} (known: {', '.join(FRAMINGS)})") from None
