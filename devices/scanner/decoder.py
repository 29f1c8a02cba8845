"""Serial scanner lines -> scans: terminators, encodings and the noise between scans.

Scanners in serial (or USB-CDC) mode send each code followed by CR, LF or CRLF, as set in
their configuration menu, so any of the three ends a line and empty lines are dropped.
Text is UTF-8 on modern scanners and GB18030 on older Chinese-market ones (their "Chinese
output" mode), so UTF-8 is tried first and GB18030 second. Short GB18030 text can pass for
UTF-8 ("签注" is C7 A9 D7 A2, which UTF-8 reads as "ǩע"), but UTF-8 Chinese never uses
two-byte sequences: a UTF-8 reading with characters from U+0100-U+07FF (Latin Extended,
Greek, Cyrillic, Hebrew, Arabic) whose GB18030 reading is plain Chinese is taken as GB18030.
Latin-1 letters (Ü, é) keep the UTF-8 reading, so foreign names stay right.

Noise is dropped: stray control bytes (STX/ETX framing, NUL, a bell), lines that decode as
neither, and a partial line that stays unfinished longer than a scanner ever pauses inside
a code (a cable wiggle, a scanner reset mid-code).
"""

from __future__ import annotations

import logging
import time
import unicodedata

from devices.scanner.contract import Scan
from devices.wire_log import frame_summary

log = logging.getLogger(__name__)

TERMINATORS = b"\r\n"
# A scanner sends a whole code in one burst; at 9600 baud a 1000-byte QR code takes about a
# second but never pauses half a second between bytes. An unfinished line older than this is noise.
PARTIAL_LINE_TIMEOUT = 0.5
# The longest line kept: a version 40 QR code holds 7089 digits. Longer is garbage.
MAX_LINE_BYTES = 8192
_BYTE_ORDER_MARK = "\ufeff"


def decode_line(raw: bytes) -> tuple[str, str] | None:
    """(text, encoding) of one line without its terminator; None when it is noise."""
    # Control bytes are never part of a UTF-8 or GB18030 multi-byte character, so they can
    # be removed before decoding.
    cleaned = bytes(b for b in raw if b >= 0x20 and b != 0x7F)
    as_utf8 = _decode(cleaned, "utf-8")
    if as_utf8 is not None and not _has_two_byte_utf8_letters(as_utf8):
        return _scan_text(as_utf8, "utf-8")
    as_gb18030 = _decode(cleaned, "gb18030")
    if as_gb18030 is not None and (as_utf8 is None or _is_plain_chinese(as_gb18030)):
        return _scan_text(as_gb18030, "gb18030")
    return _scan_text(as_utf8, "utf-8") if as_utf8 is not None else None


def _decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _scan_text(text: str, encoding: str) -> tuple[str, str] | None:
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc").replace(_BYTE_ORDER_MARK, "")
    return (text, encoding) if text.strip() else None


def _has_two_byte_utf8_letters(text: str) -> bool:
    """Characters UTF-8 encodes in two bytes, beyond Latin-1: how GB18030 misread as UTF-8 looks."""
    return any(0x100 <= ord(ch) <= 0x7FF for ch in text)


def _is_plain_chinese(text: str) -> bool:
    """ASCII, CJK ideographs and the punctuation and symbols printed with them."""
    return all(ch.isascii() or ch == "\u00b7" or any(low <= ord(ch) <= high for low, high in _CHINESE_RANGES)
               for ch in text)


# General punctuation (“” — …), CJK radicals to unified ideographs (incl. 、。《》), compatibility
# ideographs, vertical and small forms, fullwidth forms (，！￥), and the supplementary ideographs.
_CHINESE_RANGES = ((0x2010, 0x206F), (0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE6F),
                   (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))


class ScanLineDecoder:
    """Feed it bytes as they arrive; it returns the complete scans among them."""

    def __init__(self, partial_timeout: float = PARTIAL_LINE_TIMEOUT) -> None:
        self.partial_timeout = partial_timeout
        self._partial = bytearray()
        self._overlong = False  # the current line passed MAX_LINE_BYTES: skip to its end
        self._last_byte_at = 0.0
        self.dropped_lines = 0  # noise lines thrown away, for the technician

    def feed(self, data: bytes, now: float | None = None) -> list[Scan]:
        now = time.monotonic() if now is None else now
        self.expire(now)
        scans: list[Scan] = []
        for byte in data:
            if byte in TERMINATORS:
                scan = self._finish_line(now)
                if scan is not None:
                    scans.append(scan)
            elif self._overlong:
                continue
            elif len(self._partial) < MAX_LINE_BYTES:
                self._partial.append(byte)
            else:
                self._drop(f"longer than {MAX_LINE_BYTES} bytes")
                self._overlong = True
        if data:
            self._last_byte_at = now
        return scans

    def expire(self, now: float | None = None) -> None:
        """Drop an unfinished line the scanner stopped sending a while ago."""
        now = time.monotonic() if now is None else now
        if now - self._last_byte_at <= self.partial_timeout:
            return
        if self._partial:
            self._drop(f"unfinished for {now - self._last_byte_at:.2f} s")
        self._overlong = False

    def _finish_line(self, now: float) -> Scan | None:
        raw = bytes(self._partial)
        self._partial.clear()
        self._overlong = False
        if not raw:
            return None  # an empty line, or the LF of a CRLF
        decoded = decode_line(raw)
        if decoded is None:
            self.dropped_lines += 1
            log.debug("scanner noise dropped: %s", frame_summary(raw))
            return None
        text, encoding = decoded
        return Scan(text, encoding, now)

    def _drop(self, why: str) -> None:
        log.debug("scanner partial line dropped (%s): %s", why, bytes(self._partial).hex(" "))
        self._partial.clear()
        self.dropped_lines += 1
