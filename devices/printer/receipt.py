"""What a flow prints: a receipt is a list of typed lines, not a stream of printer commands.

Flows (form summary with the application number as a QR code, photo receipt, endorsement
receipt, fine decision, queue ticket) build a `Receipt` from these lines; the printer driver
turns it into ESC/POS bytes (devices/printer/encoder.py). Keeping the model free of bytes
lets a flow test assert "the receipt shows the application number" without a printer, and
lets the encoder own every byte-level rule (Chinese mode, native QR, alignment).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field

# A QR module is this many printer dots unless a line asks otherwise (about 0.8 mm at 180 dpi:
# a phone reads a 25-module code at arm's length).
DEFAULT_QR_MODULE_DOTS = 6
# Barcode bar height in dots (about 9 mm at 180 dpi) and narrowest bar width (2-6 dots).
DEFAULT_BARCODE_HEIGHT_DOTS = 64
DEFAULT_BARCODE_MODULE_DOTS = 2


class Align(enum.Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class QrErrorCorrection(enum.Enum):
    """How much of a QR code may be lost to a smudge: L 7 %, M 15 %, Q 25 %, H 30 %."""

    L = "L"
    M = "M"
    Q = "Q"
    H = "H"


class Symbology(enum.Enum):
    """Linear barcodes the encoder prints natively (ESC/POS GS k, function B)."""

    CODE128 = "CODE128"
    CODE39 = "CODE39"
    EAN13 = "EAN13"


# What each symbology can carry (code set B for CODE128: one byte of the length goes to "{B").
_BARCODE_DATA = {
    Symbology.CODE128: re.compile(r"[\x20-\x7e]{1,253}"),
    Symbology.CODE39: re.compile(r"[0-9A-Z $%+\-./]{1,255}"),
    Symbology.EAN13: re.compile(r"[0-9]{12,13}"),
}


def is_plain_ascii(text: str) -> bool:
    """True when `text` needs no Chinese mode: printable ASCII only."""
    return all(" " <= ch <= "~" for ch in text)


def display_columns(text: str) -> int:
    """Columns `text` takes on the paper: CJK (wide and fullwidth) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _require_single_line(text: str, kind: str) -> None:
    if "\n" in text or "\r" in text:
        raise ValueError(f"{kind} takes one line; add one line per row instead of {text!r}")


@dataclass(frozen=True)
class Title:
    """A heading: centred, bold, double width and height. Chinese and English alike."""

    text: str

    def __post_init__(self) -> None:
        _require_single_line(self.text, "Title")


@dataclass(frozen=True)
class Text:
    """A line of plain ASCII text (digits, English, reference numbers).

    Anything outside printable ASCII belongs in `ChineseText`, which switches the printer
    into Chinese mode; refusing it here keeps code-page guessing out of receipts.
    """

    text: str
    align: Align = Align.LEFT
    bold: bool = False

    def __post_init__(self) -> None:
        _require_single_line(self.text, "Text")
        if not is_plain_ascii(self.text):
            raise ValueError(f"Text is printable ASCII only; use ChineseText for {self.text!r}")


@dataclass(frozen=True)
class ChineseText:
    """A line printed in the printer's Chinese mode (GB18030), mixed with ASCII as needed."""

    text: str
    align: Align = Align.LEFT
    bold: bool = False

    def __post_init__(self) -> None:
        _require_single_line(self.text, "ChineseText")


@dataclass(frozen=True)
class KeyValue:
    """A label on the left and its value on the right of the same line ("姓名 Name ... 张*")."""

    key: str
    value: str

    def __post_init__(self) -> None:
        _require_single_line(self.key, "KeyValue key")
        _require_single_line(self.value, "KeyValue value")


@dataclass(frozen=True)
class QrCode:
    """A centred QR code of `payload` (UTF-8), e.g. an application number the counter scans."""

    payload: str
    module_dots: int = DEFAULT_QR_MODULE_DOTS
    error_correction: QrErrorCorrection = QrErrorCorrection.M

    def __post_init__(self) -> None:
        if not self.payload:
            raise ValueError("a QR code needs a payload")
        if not 1 <= self.module_dots <= 16:
            raise ValueError(f"QR module size must be 1-16 dots, not {self.module_dots}")


@dataclass(frozen=True)
class Barcode:
    """A centred linear barcode with its digits printed below."""

    data: str
    symbology: Symbology = Symbology.CODE128
    height_dots: int = DEFAULT_BARCODE_HEIGHT_DOTS
    module_dots: int = DEFAULT_BARCODE_MODULE_DOTS

    def __post_init__(self) -> None:
        if not _BARCODE_DATA[self.symbology].fullmatch(self.data):
            raise ValueError(f"{self.symbology.value} cannot carry {self.data!r}")
        if not 1 <= self.height_dots <= 255:
            raise ValueError(f"barcode height must be 1-255 dots, not {self.height_dots}")
        if not 2 <= self.module_dots <= 6:
            raise ValueError(f"barcode module width must be 2-6 dots, not {self.module_dots}")


@dataclass(frozen=True)
class Rule:
    """A separator across the paper's width."""

    char: str = "-"

    def __post_init__(self) -> None:
        if len(self.char) != 1 or not is_plain_ascii(self.char):
            raise ValueError(f"a rule is drawn with one ASCII character, not {self.char!r}")


@dataclass(frozen=True)
class Cut:
    """Feed the paper past the cutter and cut: the end of one receipt."""


Line = Title | Text | ChineseText | KeyValue | QrCode | Barcode | Rule | Cut


@dataclass
class Receipt:
    """The lines of one or more receipts; each `Cut` ends one (the encoder adds a final cut)."""

    lines: list[Line] = field(default_factory=list)

    def add(self, *lines: Line) -> Receipt:
        """Append lines; returns self so a flow can chain calls."""
        self.lines.extend(lines)
        return self
