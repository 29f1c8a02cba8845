"""ESC/POS real-time status: the DLE EOT n requests, their one-byte replies, and what they mean.

A printer answers DLE EOT at once, even while offline or mid-job, which is why the kiosk
asks before every print: paper out or an open cover must be known before a citizen pays
for a receipt that cannot come out. The driver decodes replies here; the simulator encodes
its state with the same tables, so both sides agree bit for bit.

Every reply byte has bits 1 and 4 set and bits 0 and 7 clear (`0xx1xx10`); anything else
is not a status byte (wrong baud rate, line noise, a printer that does not speak ESC/POS).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from devices.base import DeviceStatus

DLE_EOT = b"\x10\x04"
# n of DLE EOT n
PRINTER_STATUS = 1
OFFLINE_CAUSE = 2
ERROR_CAUSE = 3
PAPER_SENSOR = 4
STATUS_KINDS = (PRINTER_STATUS, OFFLINE_CAUSE, ERROR_CAUSE, PAPER_SENSOR)
# All four requests in one write: one round trip, four reply bytes in this order.
ALL_STATUS_REQUESTS = b"".join(DLE_EOT + bytes([n]) for n in STATUS_KINDS)

FIXED_BITS_MASK = 0b1001_0011
FIXED_BITS_VALUE = 0b0001_0010

# DLE EOT 1: printer status
BIT_OFFLINE = 0x08
# DLE EOT 2: offline cause
BIT_COVER_OPEN = 0x04
BIT_STOPPED_PAPER_END = 0x20
BIT_ERROR_OCCURRED = 0x40
# DLE EOT 3: error cause
BIT_AUTOCUTTER_ERROR = 0x08
BIT_UNRECOVERABLE_ERROR = 0x20
BIT_AUTO_RECOVERABLE_ERROR = 0x40
# DLE EOT 4: paper roll sensor (each condition sets two bits)
BITS_PAPER_NEAR_END = 0x0C
BITS_PAPER_END = 0x60


class PaperLevel(enum.Enum):
    PRESENT = "present"
    NEAR_END = "near_end"  # still prints; the hall should refill soon
    OUT = "out"


class StatusReplyError(ValueError):
    """Status replies that are missing, short or not status bytes at all."""


@dataclass(frozen=True)
class PrinterState:
    """What the four status replies say, in words."""

    online: bool = True
    cover_open: bool = False
    paper: PaperLevel = PaperLevel.PRESENT
    cutter_error: bool = False
    unrecoverable_error: bool = False
    recoverable_error: bool = False

    @property
    def device_status(self) -> DeviceStatus:
        """The one status flows and the device manager act on, most actionable cause first."""
        if self.cover_open:
            return DeviceStatus.COVER_OPEN
        if self.paper is PaperLevel.OUT:
            return DeviceStatus.NO_PAPER
        if self.cutter_error or self.unrecoverable_error or self.recoverable_error or not self.online:
            return DeviceStatus.ERROR
        if self.paper is PaperLevel.NEAR_END:
            return DeviceStatus.PAPER_LOW
        return DeviceStatus.READY

    def describe(self) -> str:
        """One line for the technician: every condition that is not normal."""
        problems = [name for name, present in (
            ("offline", not self.online),
            ("cover open", self.cover_open),
            ("paper out", self.paper is PaperLevel.OUT),
            ("paper near end", self.paper is PaperLevel.NEAR_END),
            ("autocutter error", self.cutter_error),
            ("unrecoverable error", self.unrecoverable_error),
            ("recoverable error", self.recoverable_error),
        ) if present]
        return ", ".join(problems) or "ready"


def is_status_byte(value: int) -> bool:
    return value & FIXED_BITS_MASK == FIXED_BITS_VALUE


def parse_status_replies(replies: bytes) -> PrinterState:
    """Decode the four reply bytes to ALL_STATUS_REQUESTS (raises StatusReplyError)."""
    if len(replies) != len(STATUS_KINDS):
        raise StatusReplyError(f"expected {len(STATUS_KINDS)} status bytes, got {replies.hex(' ') or 'none'}")
    bad = [f"{b:02x}" for b in replies if not is_status_byte(b)]
    if bad:
        raise StatusReplyError(f"not status bytes: {' '.join(bad)} (in {replies.hex(' ')})")
    printer, offline, error, paper = replies
    if paper & BITS_PAPER_END or offline & BIT_STOPPED_PAPER_END:
        level = PaperLevel.OUT
    elif paper & BITS_PAPER_NEAR_END:
        level = PaperLevel.NEAR_END
    else:
        level = PaperLevel.PRESENT
    return PrinterState(
        online=not printer & BIT_OFFLINE,
        cover_open=bool(offline & BIT_COVER_OPEN),
        paper=level,
        cutter_error=bool(error & BIT_AUTOCUTTER_ERROR),
        unrecoverable_error=bool(error & BIT_UNRECOVERABLE_ERROR),
        recoverable_error=bool(error & BIT_AUTO_RECOVERABLE_ERROR),
    )


def status_reply(kind: int, state: PrinterState) -> int:
    """The byte a printer in `state` answers to DLE EOT `kind` (the simulator's side)."""
    value = FIXED_BITS_VALUE
    if kind == PRINTER_STATUS:
        value |= 0 if state.online else BIT_OFFLINE
    elif kind == OFFLINE_CAUSE:
        value |= BIT_COVER_OPEN if state.cover_open else 0
        value |= BIT_STOPPED_PAPER_END if state.paper is PaperLevel.OUT else 0
        any_error = state.cutter_error or state.unrecoverable_error or state.recoverable_error
        value |= BIT_ERROR_OCCURRED if any_error else 0
    elif kind == ERROR_CAUSE:
        value |= BIT_AUTOCUTTER_ERROR if state.cutter_error else 0
        value |= BIT_UNRECOVERABLE_ERROR if state.unrecoverable_error else 0
        value |= BIT_AUTO_RECOVERABLE_ERROR if state.recoverable_error else 0
    elif kind == PAPER_SENSOR:
        value |= {PaperLevel.PRESENT: 0, PaperLevel.NEAR_END: BITS_PAPER_NEAR_END,
                  PaperLevel.OUT: BITS_PAPER_END | BITS_PAPER_NEAR_END}[state.paper]
    return value
