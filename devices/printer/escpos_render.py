"""An ESC/POS interpreter that draws what a thermal printer would print, one image per receipt.

There is no maintained ESC/POS renderer in Python, so this one is ours. It reads a byte
stream the way a printer does (incrementally: the virtual printer feeds it bytes as they
arrive on its pty or socket) and lays the output on a paper roll image: text in Font A/B
and Chinese mode (FS & ... FS ., GB18030), bold, underline, reverse, double and scaled
sizes, alignment, native QR codes (GS ( k, drawn with the qrcode package from the payload),
linear barcodes (GS k, bars from python-barcode), raster images (GS v 0) and column bit
images (ESC *). A cut (GS V, ESC i, ESC m) ends a receipt; real-time status requests
(DLE EOT n) are handed to a callback so the virtual printer can answer them.

Commands that only set things a picture cannot show (code tables aside: print density,
smoothing, peripheral selection, buzzer...) are parsed and ignored. A command this
interpreter does not know cannot be skipped safely (its length is unknown): in strict mode
it raises `EscposStreamError`, the one documented error; in lenient mode (the virtual
printer) the prefix byte is dropped and the rest read as data, as a confused printer would.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NoReturn

from PIL import Image, ImageDraw, ImageFont, ImageOps

log = logging.getLogger(__name__)

CJK_FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# TM-T88V: 512 dots of 80 mm paper at 180 dpi.
DEFAULT_WIDTH_DOTS = 512
# Character cells in dots: Font A 12 x 24, Font B 9 x 17, Chinese (Kanji) 24 x 24.
FONT_A_CELL = (12, 24)
FONT_B_CELL = (9, 17)
KANJI_CELL = (24, 24)
# Default line spacing (ESC 2): 1/6 inch at 180 dpi.
DEFAULT_LINE_SPACING = 30
TAB_COLUMNS = 8
# White paper shown around the printable area in the PNG.
PAPER_MARGIN = 16
# Barcode and QR defaults at power-on (GS h, GS w, GS ( k 67).
DEFAULT_BARCODE_HEIGHT = 162
DEFAULT_BARCODE_MODULE = 3
DEFAULT_QR_MODULE = 3
# Quiet zone drawn around a QR code, in modules (the paper is white there anyway).
QR_QUIET_MODULES = 4
# Limits from the ESC/POS reference: longer values are not commands a printer accepts.
MAX_RASTER_BYTES_PER_ROW = 128
MAX_RASTER_ROWS = 4095
MAX_BARCODE_A_BYTES = 255
MAX_TAB_STOPS = 32

ESC, FS, GS, DLE = 0x1B, 0x1C, 0x1D, 0x10
LF, HT, CR = 0x0A, 0x09, 0x0D


class EscposStreamError(ValueError):
    """The stream holds something a printer cannot interpret: an unknown or truncated command."""

    def __init__(self, offset: int, problem: str) -> None:
        self.offset = offset
        self.problem = problem
        super().__init__(f"at byte {offset}: {problem}")


class _NeedMore(Exception):
    """The command continues past the bytes received so far."""


class _Malformed(Exception):
    """The command at hand is unknown or out of range (becomes an EscposStreamError)."""


class _Reader:
    """Reads one command from the pending bytes; raises _NeedMore at their end."""

    def __init__(self, buffer: bytes | bytearray, pos: int) -> None:
        self.buffer = buffer
        self.pos = pos

    def byte(self) -> int:
        if self.pos >= len(self.buffer):
            raise _NeedMore
        self.pos += 1
        return self.buffer[self.pos - 1]

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.buffer):
            raise _NeedMore
        self.pos += count
        return bytes(self.buffer[self.pos - count:self.pos])

    def until(self, terminator: int, limit: int) -> bytes:
        """Bytes up to `terminator` (consumed, not returned); None found within `limit` is an error."""
        end = self.buffer.find(bytes([terminator]), self.pos, self.pos + limit + 1)
        if end < 0:
            if len(self.buffer) - self.pos > limit:
                raise _Malformed(f"no terminator {terminator:#04x} within {limit} bytes")
            raise _NeedMore
        data = bytes(self.buffer[self.pos:end])
        self.pos = end + 1
        return data

    def word(self) -> int:
        low, high = self.take(2)
        return low | high << 8


@dataclass
class PrintMode:
    """Everything ESC @ resets: character style, alignment, margins, code settings."""

    font_b: bool = False
    bold: bool = False
    underline: int = 0
    reverse: bool = False
    ank_scale: tuple[int, int] = (1, 1)
    kanji_scale: tuple[int, int] = (1, 1)
    kanji_underline: int = 0
    chinese: bool = False
    align: str = "left"
    codepage: int = 0
    line_spacing: int = DEFAULT_LINE_SPACING
    left_margin: int = 0
    area_width: int | None = None
    tab_stops: tuple[int, ...] = tuple(range(TAB_COLUMNS, 256, TAB_COLUMNS))
    barcode_height: int = DEFAULT_BARCODE_HEIGHT
    barcode_module: int = DEFAULT_BARCODE_MODULE
    barcode_hri: int = 0
    barcode_hri_font_b: bool = False
    qr_module: int = DEFAULT_QR_MODULE
    qr_level: str = "L"
    qr_data: bytes = b""


@dataclass
class _Cell:
    """Something placed on the current line: a glyph or a column bit image."""

    image: Image.Image
    x: int

    @property
    def height(self) -> int:
        return self.image.height


@dataclass
class _Line:
    cells: list[_Cell] = field(default_factory=list)
    x: int = 0
    align: str = "left"
    text: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RenderedReceipt:
    """One receipt: its picture, and a transcript of its text and codes (for tests and search)."""

    image: Image.Image
    text: str


@functools.lru_cache(maxsize=8)
def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(CJK_FONT_PATH), pixels)
    except OSError:
        log.warning("CJK font %s missing: Chinese will not render", CJK_FONT_PATH)
        return ImageFont.load_default(pixels)


@functools.lru_cache(maxsize=4096)
def _glyph(char: str, width: int, height: int, bold: bool) -> Image.Image:
    """`char` drawn in a width x height cell (ink 0 on white 255), as a thermal head would."""
    font = _font(max(height - 3, 8))
    # Wide letters (m, W, @) overflow a 12-dot cell in a proportional font: draw them at
    # their own width and squeeze them in, as a printer's fixed-pitch font would look.
    drawn_width = max(width, int(font.getlength(char)) + 2)
    cell = Image.new("L", (drawn_width, height), 255)
    draw = ImageDraw.Draw(cell)
    baseline = height - max(height // 5, 2)
    for offset in ((0, 1) if bold else (0,)):
        draw.text((drawn_width / 2 + offset, baseline), char, font=font, fill=0, anchor="ms")
    return cell if drawn_width == width else cell.resize((width, height), Image.Resampling.LANCZOS)


def _decode_codepage_table() -> dict[int, str]:
    """ESC t numbers -> Python codecs, from python-escpos' printer database (Epson numbering)."""
    from devices.printer.escpos_lib import import_capabilities

    CAPABILITIES = import_capabilities().CAPABILITIES
    encodings = CAPABILITIES["encodings"]
    table: dict[int, str] = {}
    for number, name in CAPABILITIES["profiles"]["TM-T88V"]["codePages"].items():
        codec = encodings.get(name, {}).get("python_encode")
        if codec:
            table[int(number)] = codec
    return table


@functools.lru_cache(maxsize=1)
def _codepages() -> dict[int, str]:
    return _decode_codepage_table()


# GS k symbology numbers -> (python-barcode name, the data a printer accepts).
_BARCODES: dict[int, tuple[str, str]] = {
    0: ("upca", r"[0-9]{11,12}"), 65: ("upca", r"[0-9]{11,12}"),
    2: ("ean13", r"[0-9]{12,13}"), 67: ("ean13", r"[0-9]{12,13}"),
    3: ("ean8", r"[0-9]{7,8}"), 68: ("ean8", r"[0-9]{7,8}"),
    4: ("code39", r"\*?[0-9A-Z $%+\-./]+\*?"), 69: ("code39", r"\*?[0-9A-Z $%+\-./]+\*?"),
    5: ("itf", r"([0-9]{2})+"), 70: ("itf", r"([0-9]{2})+"),
    6: ("codabar", r"[A-Da-d][0-9$+\-./:]+[A-Da-d]"), 71: ("codabar", r"[A-Da-d][0-9$+\-./:]+[A-Da-d]"),
    73: ("code128", r"\{[ABC][\x00-\x7f]+"),
}
_QR_LEVELS = {48: "L", 49: "M", 50: "Q", 51: "H"}


class EscposInterpreter:
    """Feed it bytes; it calls `on_receipt(receipt)` at each cut and `on_status_request(n)`.

    `feed` may be called with any split of the stream (a command cut in two is completed
    by the next call). `finish` ends the stream: a trailing partial command is an error in
    strict mode, and uncut output becomes a last receipt.
    """

    def __init__(self, width_dots: int = DEFAULT_WIDTH_DOTS,
                 on_receipt: Callable[[RenderedReceipt], None] | None = None,
                 on_status_request: Callable[[int], None] | None = None,
                 strict: bool = True) -> None:
        self.width_dots = width_dots
        self.on_receipt = on_receipt or (lambda receipt: None)
        self.on_status_request = on_status_request or (lambda kind: None)
        self.strict = strict
        # False while the virtual printer has no paper or an open cover: commands are still
        # read (status requests answered) but nothing reaches the paper.
        self.printing = True
        self.mode = PrintMode()
        self._pending = bytearray()
        self._offset = 0
        self._line = _Line()
        self._bands: list[Image.Image] = []
        self._transcript: list[str] = []
        self._inked = False

    # ---- stream handling

    def feed(self, data: bytes) -> None:
        self._pending += data
        pos = 0
        while pos < len(self._pending):
            reader = _Reader(self._pending, pos)
            try:
                self._command(reader)
            except _NeedMore:
                break
            except _Malformed as exc:
                error = EscposStreamError(self._offset + pos,
                                          f"{exc} (bytes {self._pending[pos:pos + 4].hex(' ')})")
                if self.strict:
                    self._consume(pos)
                    raise error from None
                log.warning("virtual printer skips a byte: %s", error)
                reader.pos = pos + 1
            pos = reader.pos
        self._consume(pos)

    def finish(self) -> None:
        """End of stream: flush the last line and emit uncut output as a receipt."""
        if self._pending:
            problem = f"stream ends inside a command: {self._pending[:8].hex(' ')}"
            self._pending.clear()
            if self.strict:
                raise EscposStreamError(self._offset, problem)
            log.warning("virtual printer drops a partial command: %s", problem)
        self._print_line()
        self._emit_receipt()

    def _consume(self, count: int) -> None:
        del self._pending[:count]
        self._offset += count

    @staticmethod
    def _unknown(what: str) -> NoReturn:
        raise _Malformed(f"unsupported command {what}")

    # ---- command dispatch

    def _command(self, reader: _Reader) -> None:
        first = reader.byte()
        if first == ESC:
            self._esc(reader)
        elif first == GS:
            self._gs(reader)
        elif first == FS:
            self._fs(reader)
        elif first == DLE:
            self._dle(reader)
        elif first == LF:
            self._print_line()
        elif first == HT:
            self._tab()
        elif first < 0x20 or first == 0x7F:
            pass  # CR and undefined control codes: printers ignore them
        elif self.mode.chinese and first >= 0x80:
            self._text(_read_gb18030(reader, first), kanji=True)
        elif first >= 0x80:
            codec = _codepages().get(self.mode.codepage, "cp437")
            self._text(bytes([first]).decode(codec, errors="replace"), kanji=False)
        else:
            self._text(chr(first), kanji=False)

    def _esc(self, reader: _Reader) -> None:
        mode = self.mode
        code = chr(reader.byte())
        if code == "@":
            self._line = _Line()
            self.mode = PrintMode()
        elif code == "!":
            value = reader.byte()
            mode.font_b = bool(value & 0x01)
            mode.bold = bool(value & 0x08)
            mode.ank_scale = (2 if value & 0x20 else 1, 2 if value & 0x10 else 1)
            mode.underline = 1 if value & 0x80 else 0
        elif code in "EG":
            mode.bold = bool(reader.byte() & 1)
        elif code == "-":
            mode.underline = reader.byte() % 48 % 3
        elif code == "M":
            mode.font_b = reader.byte() in (1, 49)
        elif code == "a":
            mode.align = {0: "left", 1: "center", 2: "right"}.get(reader.byte() % 48, "left")
        elif code == "d":
            count = reader.byte()
            self._print_line(feed_empty=False)
            self._feed(count * mode.line_spacing)
        elif code == "J":
            dots = reader.byte()
            self._print_line(spacing=dots)
        elif code == "t":
            mode.codepage = reader.byte()
        elif code == "3":
            mode.line_spacing = reader.byte()
        elif code == "2":
            mode.line_spacing = DEFAULT_LINE_SPACING
        elif code == "$":
            self._move_to(reader.word())
        elif code == "\\":
            offset = reader.word()
            self._move_to(self._line.x + (offset - 0x10000 if offset >= 0x8000 else offset))
        elif code == "D":
            stops = reader.until(0, MAX_TAB_STOPS)
            mode.tab_stops = tuple(sorted(set(stops))) or PrintMode().tab_stops
        elif code == "*":
            self._column_image(reader)
        elif code in "im":
            self._cut()
        elif code in "RVU{ =reT":
            reader.byte()  # international set, rotation, direction, spacing, peripherals...
        elif code == "S":
            pass  # standard mode (the only one drawn)
        elif code == "c":
            reader.take(2)  # panel buttons and paper sensors
        elif code == "p":
            reader.take(3)  # cash drawer pulse
        elif code == "B":
            reader.take(2)  # buzzer
        else:
            self._unknown(f"ESC {code!r}")

    def _gs(self, reader: _Reader) -> None:
        mode = self.mode
        code = chr(reader.byte())
        if code == "!":
            value = reader.byte()
            scale = ((value >> 4 & 7) + 1, (value & 7) + 1)
            mode.ank_scale = mode.kanji_scale = scale
        elif code == "B":
            mode.reverse = bool(reader.byte() & 1)
        elif code == "V":
            function = reader.byte()
            if function in (65, 66, 97, 98, 103, 104):
                reader.byte()  # feed before cutting
            elif function not in (0, 1, 48, 49):
                self._unknown(f"GS V {function}")
            self._cut()
        elif code == "h":
            mode.barcode_height = reader.byte() or 1
        elif code == "w":
            mode.barcode_module = min(max(reader.byte(), 1), 6)
        elif code == "H":
            mode.barcode_hri = reader.byte() % 48 % 4
        elif code == "f":
            mode.barcode_hri_font_b = reader.byte() in (1, 49)
        elif code == "k":
            self._barcode(reader)
        elif code == "(":
            self._gs_paren(reader)
        elif code == "v":
            if reader.byte() != ord("0"):
                self._unknown("GS v (not 0)")
            self._raster_image(reader)
        elif code == "8":
            if reader.byte() != ord("L"):
                self._unknown("GS 8 (not L)")
            length = int.from_bytes(reader.take(4), "little")
            reader.take(length)
            log.info("graphics data (GS 8 L) is not drawn")
        elif code == "L":
            mode.left_margin = min(reader.word(), self.width_dots - 1)
        elif code == "W":
            mode.area_width = reader.word() or None
        elif code == "P":
            reader.take(2)  # motion units
        elif code in "abrIE":
            reader.byte()  # status back, smoothing, transmit requests, print density
        else:
            self._unknown(f"GS {code!r}")

    def _fs(self, reader: _Reader) -> None:
        mode = self.mode
        code = chr(reader.byte())
        if code == "&":
            mode.chinese = True
        elif code == ".":
            mode.chinese = False
        elif code == "!":
            value = reader.byte()
            mode.kanji_scale = (2 if value & 0x04 else 1, 2 if value & 0x08 else 1)
            mode.kanji_underline = 1 if value & 0x80 else 0
        elif code == "W":
            mode.kanji_scale = (2, 2) if reader.byte() & 1 else (1, 1)
        elif code == "-":
            mode.kanji_underline = reader.byte() % 48 % 3
        elif code == "C":
            reader.byte()  # Kanji code system (GB18030 is the only one Chinese models use)
        elif code == "S":
            reader.take(2)  # Kanji spacing
        elif code == "p":
            reader.take(2)
            log.info("NV bit image (FS p) is not drawn")
        else:
            self._unknown(f"FS {code!r}")

    def _dle(self, reader: _Reader) -> None:
        code = reader.byte()
        if code == 0x04:
            kind = reader.byte()
            if kind in (7, 8):
                reader.byte()
            elif 1 <= kind <= 4:
                self.on_status_request(kind)
            else:
                self._unknown(f"DLE EOT {kind}")
        elif code == 0x05:
            reader.byte()  # real-time recovery request
        elif code == 0x14:
            function = reader.byte()
            if function not in (1, 2):
                self._unknown(f"DLE DC4 {function}")
            reader.take(2)
        else:
            self._unknown(f"DLE {code:#04x}")

    def _gs_paren(self, reader: _Reader) -> None:
        function = chr(reader.byte())
        body = reader.take(reader.word())
        if function == "k":
            self._two_d_code(body)
        else:
            log.info("GS ( %s is not drawn", function)

    # ---- text

    def _text(self, char: str, kanji: bool) -> None:
        mode = self.mode
        base = KANJI_CELL if kanji else (FONT_B_CELL if mode.font_b else FONT_A_CELL)
        scale_x, scale_y = mode.kanji_scale if kanji else mode.ank_scale
        width, height = base[0] * scale_x, base[1] * scale_y
        self._line.text.append(char)
        glyph = _glyph(char, base[0], base[1], mode.bold)
        if (width, height) != base:
            glyph = glyph.resize((width, height), Image.Resampling.NEAREST)
        underline = mode.kanji_underline if kanji else mode.underline
        if underline or mode.reverse:
            glyph = glyph.copy()
            if underline:
                ImageDraw.Draw(glyph).rectangle((0, height - underline, width - 1, height - 1), fill=0)
            if mode.reverse:
                glyph = ImageOps.invert(glyph)
        self._place(glyph)

    def _place(self, image: Image.Image) -> None:
        """Put a cell on the current line, wrapping to the next line when it does not fit."""
        if self._line.cells and self._line.x + image.width > self._area_width():
            self._print_line(feed_empty=False)
        if not self._line.cells:
            self._line.align = self.mode.align
        self._line.cells.append(_Cell(image, self._line.x))
        self._line.x += image.width

    def _tab(self) -> None:
        column_width = (FONT_B_CELL if self.mode.font_b else FONT_A_CELL)[0] * self.mode.ank_scale[0]
        column = self._line.x // column_width
        next_stop = next((stop for stop in self.mode.tab_stops if stop > column), None)
        if next_stop is not None:
            self._move_to(next_stop * column_width)

    def _move_to(self, x: int) -> None:
        self._line.x = min(max(x, 0), self._area_width())

    def _area_width(self) -> int:
        available = self.width_dots - self.mode.left_margin
        return min(self.mode.area_width or available, available)

    # ---- paper

    def _print_line(self, spacing: int | None = None, feed_empty: bool = True) -> None:
        """LF: print the line buffer and feed one line (an empty line just feeds)."""
        line, self._line = self._line, _Line()
        spacing = self.mode.line_spacing if spacing is None else spacing
        if not line.cells:
            if feed_empty:
                self._feed(spacing)
            return
        if self.printing:
            self._transcript.append("".join(line.text).rstrip())
        tallest = max(cell.height for cell in line.cells)
        band = Image.new("L", (self.width_dots, max(tallest, spacing)), 255)
        free = max(self._area_width() - line.x, 0)
        shift = {"left": 0, "center": free // 2, "right": free}[line.align]
        for cell in line.cells:
            # cells stand on a common baseline at the bottom of the tallest one
            band.paste(cell.image, (self.mode.left_margin + shift + cell.x, tallest - cell.height))
        self._add_band(band, inked=True)

    def _feed(self, dots: int) -> None:
        if dots > 0:
            self._add_band(Image.new("L", (self.width_dots, dots), 255), inked=False)

    def _add_band(self, band: Image.Image, inked: bool) -> None:
        if not self.printing:
            return
        self._bands.append(band)
        self._inked |= inked

    def _place_block(self, image: Image.Image, what: str, transcript: str) -> None:
        """A QR code, barcode or raster image: on its own band, aligned like text."""
        self._print_line(feed_empty=False)
        area = self._area_width()
        if image.width > area:
            log.warning("%s is %d dots wide, wider than the %d-dot paper: not printed", what, image.width, area)
            return
        if self.printing:
            self._transcript.append(transcript)
        shift = {"left": 0, "center": (area - image.width) // 2, "right": area - image.width}[self.mode.align]
        band = Image.new("L", (self.width_dots, image.height), 255)
        band.paste(image, (self.mode.left_margin + shift, 0))
        self._add_band(band, inked=True)

    def _cut(self) -> None:
        self._print_line(feed_empty=False)
        self._emit_receipt()

    def _emit_receipt(self) -> None:
        bands, inked, transcript = self._bands, self._inked, self._transcript
        self._bands, self._inked, self._transcript = [], False, []
        if not inked:
            return  # a cut with nothing printed since the last one yields no receipt
        height = sum(band.height for band in bands) + 2 * PAPER_MARGIN
        page = Image.new("L", (self.width_dots + 2 * PAPER_MARGIN, height), 255)
        y = PAPER_MARGIN
        for band in bands:
            page.paste(band, (PAPER_MARGIN, y))
            y += band.height
        self.on_receipt(RenderedReceipt(page, "\n".join(transcript)))

    # ---- images and codes

    def _raster_image(self, reader: _Reader) -> None:
        """GS v 0 m xL xH yL yH d1...dk: rows of `x` bytes, most significant bit leftmost."""
        import numpy as np  # only for pictures: the simulated printer starts without it

        scale = reader.byte() % 48
        width_bytes, rows = reader.word(), reader.word()
        if not 1 <= width_bytes <= MAX_RASTER_BYTES_PER_ROW or not 1 <= rows <= MAX_RASTER_ROWS:
            raise _Malformed(f"raster image of {width_bytes} x {rows} bytes is out of range")
        data = reader.take(width_bytes * rows)
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8)).reshape(rows, width_bytes * 8)
        image = Image.fromarray(np.where(bits == 1, 0, 255).astype(np.uint8))
        if scale & 3:
            image = image.resize((image.width * (2 if scale & 1 else 1), image.height * (2 if scale & 2 else 1)),
                                 Image.Resampling.NEAREST)
        self._place_block(image, "raster image", f"[image {image.width} x {image.height}]")

    def _column_image(self, reader: _Reader) -> None:
        """ESC * m nL nH d...: one line of 8 or 24 dots high columns, placed like a character."""
        import numpy as np

        density = reader.byte()
        if density not in (0, 1, 32, 33):
            raise _Malformed(f"ESC * density {density} is not 0, 1, 32 or 33")
        columns = reader.word()
        dots_high = 24 if density >= 32 else 8
        data = reader.take(columns * dots_high // 8)
        if not columns:
            return
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8)).reshape(columns, dots_high).T
        image = Image.fromarray(np.where(bits == 1, 0, 255).astype(np.uint8))
        stretch_x = 2 if density in (0, 32) else 1  # single density: each dot twice as wide
        stretch_y = 3 if dots_high == 8 else 1  # 8-dot mode is 60 dpi vertically
        if stretch_x != 1 or stretch_y != 1:
            image = image.resize((image.width * stretch_x, image.height * stretch_y), Image.Resampling.NEAREST)
        self._place(image)

    def _two_d_code(self, body: bytes) -> None:
        """GS ( k: body is cn fn parameters. Only QR codes (cn 49) are drawn."""
        if len(body) < 2:
            raise _Malformed("GS ( k without symbol and function")
        symbol, function, params = body[0], body[1], body[2:]
        if symbol != 49:
            log.info("2D symbol type %d is not drawn", symbol)
            return
        mode = self.mode
        if function == 67 and params:
            mode.qr_module = min(max(params[0], 1), 16)
        elif function == 69 and params:
            mode.qr_level = _QR_LEVELS.get(params[0], mode.qr_level)
        elif function == 80 and params:
            mode.qr_data = params[1:]
        elif function == 81:
            self._print_qr()

    def _print_qr(self) -> None:
        import numpy as np

        import qrcode
        from qrcode.exceptions import DataOverflowError

        if not self.mode.qr_data:
            return
        levels = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
                  "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
        code = qrcode.QRCode(error_correction=levels[self.mode.qr_level], box_size=self.mode.qr_module,
                             border=QR_QUIET_MODULES)
        code.add_data(self.mode.qr_data, optimize=0)
        try:
            code.make(fit=True)
        except DataOverflowError:
            log.warning("QR payload of %d bytes does not fit a QR code: not printed", len(self.mode.qr_data))
            return
        matrix = np.array(code.get_matrix(), dtype=bool)
        image = Image.fromarray(np.where(matrix, 0, 255).astype(np.uint8))
        size = image.width * self.mode.qr_module
        payload = self.mode.qr_data.decode("utf-8", errors="replace")
        self._place_block(image.resize((size, size), Image.Resampling.NEAREST), "QR code", f"[QR] {payload}")

    def _barcode(self, reader: _Reader) -> None:
        symbology = reader.byte()
        if symbology <= 6:
            data = reader.until(0, MAX_BARCODE_A_BYTES)
        elif 65 <= symbology <= 78:
            data = reader.take(reader.byte())
        else:
            raise _Malformed(f"GS k symbology {symbology} does not exist")
        self._print_barcode(symbology, data)

    def _print_barcode(self, symbology: int, data: bytes) -> None:
        from barcode import get as get_barcode
        from barcode.errors import BarcodeError

        known = _BARCODES.get(symbology)
        text = data.decode("latin-1")
        if known is None:
            log.info("barcode symbology %d is not drawn", symbology)
            return
        name, accepted = known
        if not re.fullmatch(accepted, text):
            log.warning("barcode data %r is not valid for %s: a printer prints nothing", text, name)
            return
        human = _code128_text(data) if name == "code128" else text.strip("*")
        if human is None:
            log.warning("CODE128 data %s is malformed: not printed", data.hex(" "))
            return
        try:
            modules = get_barcode(name, human).build()[0]
        except (BarcodeError, LookupError) as exc:
            log.warning("barcode %r cannot be encoded as %s (%s): not printed", human, name, exc)
            return
        self._draw_barcode(modules, human, name)

    def _draw_barcode(self, modules: str, human: str, name: str) -> None:
        import numpy as np

        mode = self.mode
        bars = np.array([ch == "1" for ch in modules], dtype=bool)
        row = np.repeat(np.where(bars, 0, 255).astype(np.uint8), mode.barcode_module)
        image = Image.fromarray(np.tile(row, (mode.barcode_height, 1)))
        hri = self._hri_image(human) if mode.barcode_hri else None
        parts = [image]
        if hri is not None:
            if mode.barcode_hri & 1:
                parts.insert(0, hri)
            if mode.barcode_hri & 2:
                parts.append(hri)
        width = max(part.width for part in parts)
        block = Image.new("L", (width, sum(part.height for part in parts)), 255)
        y = 0
        for part in parts:
            block.paste(part, ((width - part.width) // 2, y))
            y += part.height
        self._place_block(block, "barcode", f"[{name}] {human}")

    def _hri_image(self, text: str) -> Image.Image:
        width, height = FONT_B_CELL if self.mode.barcode_hri_font_b else FONT_A_CELL
        strip = Image.new("L", (max(width * len(text), 1), height), 255)
        for index, char in enumerate(text):
            strip.paste(_glyph(char, width, height, False), (index * width, 0))
        return strip


def _read_gb18030(reader: _Reader, lead: int) -> str:
    """One character in Chinese mode: two bytes, or four for GB18030's extension planes."""
    if not 0x81 <= lead <= 0xFE:
        return "?"
    second = reader.byte()
    if 0x30 <= second <= 0x39:
        raw = bytes([lead, second]) + reader.take(2)
    elif 0x40 <= second <= 0xFE and second != 0x7F:
        raw = bytes([lead, second])
    else:
        reader.pos -= 1  # not a trail byte: the lead alone is garbage, the next byte is read anew
        return "?"
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return "?"


def _code128_text(data: bytes) -> str | None:
    """The characters an ESC/POS CODE128 field carries ("{B" sets, "{C" digit pairs, "{{")."""
    if len(data) < 2 or data[0] != ord("{"):
        return None
    text, code_set, index = [], "", 0
    while index < len(data):
        byte = data[index]
        if byte == ord("{") and index + 1 < len(data):
            function = chr(data[index + 1])
            index += 2
            if function in "ABC":
                code_set = function
            elif function == "{":
                text.append("{")
            continue  # FNC1-4 and shift carry no printable character
        if code_set == "C":
            if byte > 99:
                return None
            text.append(f"{byte:02d}")
        else:
            text.append(chr(byte))
        index += 1
    return "".join(text) if text and code_set else None


def render_receipts(data: bytes, width_dots: int = DEFAULT_WIDTH_DOTS,
                    strict: bool = True) -> list[RenderedReceipt]:
    """Every receipt in a captured byte stream, one per cut (raises EscposStreamError)."""
    receipts: list[RenderedReceipt] = []
    interpreter = EscposInterpreter(width_dots, on_receipt=receipts.append, strict=strict)
    interpreter.feed(data)
    interpreter.finish()
    return receipts


def stack_receipts(images: list[Image.Image], gap: int = 24) -> Image.Image:
    """Several receipts one below the other with a grey gap, for one PNG of a whole capture."""
    width = max(image.width for image in images)
    height = sum(image.height for image in images) + gap * (len(images) - 1)
    sheet = Image.new("L", (width, height), 160)
    y = 0
    for image in images:
        sheet.paste(image, (0, y))
        y += image.height + gap
    return sheet
