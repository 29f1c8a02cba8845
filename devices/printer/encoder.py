"""Receipt -> ESC/POS bytes, through python-escpos, with Chinese printed the way printers expect.

python-escpos styles text, builds native QR codes and barcodes well, so it does those here.
It cannot print Chinese properly: its MagicEncode has no GB18030 code page, never sends
FS & (enter Chinese mode), and turns lines of only Chinese punctuation into "?". So every
non-ASCII line is sent by hand as FS & + GB18030 bytes + FS . (leave Chinese mode).

The bytes are built on escpos' `Dummy` printer and sent to the real connection in one write
(the pattern python-escpos documents for prepared jobs), so a job is never half-encoded
when the connection drops.
"""

from __future__ import annotations

import copy

from devices.printer.escpos_lib import QR_ECLEVEL_H, QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, Dummy, Escpos
from devices.printer.receipt import (
    Align,
    Barcode,
    ChineseText,
    Cut,
    KeyValue,
    Line,
    QrCode,
    QrErrorCorrection,
    Receipt,
    Rule,
    Symbology,
    Text,
    Title,
    display_columns,
    is_plain_ascii,
)

FS = b"\x1c"
CHINESE_MODE_ON = FS + b"&"
CHINESE_MODE_OFF = FS + b"."
LF = b"\n"
# Font A is 12 dots wide per ASCII character (a Chinese character takes two columns).
FONT_A_DOTS = 12
# Some compatible printers take at most 255 bytes in one GS ( k store; longer payloads are
# sent as a raster image, which every ESC/POS printer prints.
NATIVE_QR_MAX_BYTES = 255
# Characters whose GB18030 form is a four-byte code that printer fonts lack, replaced by the
# two-byte character printers have (the halfwidth yen sign by the fullwidth one, as on
# every Chinese fee slip).
_PRINTER_SUBSTITUTES = str.maketrans({"\u00a5": "\uffe5"})
_QR_LEVELS = {
    QrErrorCorrection.L: QR_ECLEVEL_L,
    QrErrorCorrection.M: QR_ECLEVEL_M,
    QrErrorCorrection.Q: QR_ECLEVEL_Q,
    QrErrorCorrection.H: QR_ECLEVEL_H,
}
# Title size through GS ! (2 x 2): unlike ESC !, it also enlarges Chinese characters.
TITLE_SCALE = 2


class UnknownProfile(ValueError):
    """The configured python-escpos printer profile does not exist."""


def _library_profile(name: str) -> object:
    from escpos.capabilities import CAPABILITIES, get_profile

    try:
        return get_profile(name)
    except KeyError:
        known = ", ".join(sorted(CAPABILITIES["profiles"]))
        raise UnknownProfile(f"python-escpos has no printer profile {name!r}; known: {known}") from None


def profile_width_dots(name: str) -> int:
    """The printable width the profile states, in dots (raises UnknownProfile)."""
    pixels = _library_profile(name).profile_data["media"]["width"]["pixels"]
    if not isinstance(pixels, int):
        raise UnknownProfile(f"profile {name!r} does not state its paper width; set paper_width_dots")
    return pixels


class PaperLayout:
    """Paper geometry the encoder lays lines out for: the profile and the printable width."""

    def __init__(self, profile_name: str, width_dots: int) -> None:
        _library_profile(profile_name)  # fail at start-up, not at the first print
        self.profile_name = profile_name
        self.width_dots = width_dots
        self.columns = width_dots // FONT_A_DOTS

    def new_job(self) -> Dummy:
        """An empty job on the profile, its paper width set so centring images works.

        Profiles are classes sharing one dict; the width goes into a private copy so one
        printer's setting never leaks into another's.
        """
        job = Dummy(profile=self.profile_name)
        data = copy.deepcopy(job.profile.profile_data)
        data["media"]["width"]["pixels"] = self.width_dots
        job.profile.profile_data = data
        return job


def chinese_bytes(text: str) -> bytes:
    """`text` in Chinese mode: FS &, GB18030 (ASCII stays one byte), FS ."""
    encoded = text.translate(_PRINTER_SUBSTITUTES).encode("gb18030", errors="replace")
    return CHINESE_MODE_ON + encoded + CHINESE_MODE_OFF


def text_bytes(text: str) -> bytes:
    """ASCII as it is; anything else in Chinese mode."""
    return text.encode("ascii") if is_plain_ascii(text) else chinese_bytes(text)


def key_value_rows(key: str, value: str, columns: int) -> list[str]:
    """The key on the left, the value flush right; two rows when they do not fit on one."""
    gap = columns - display_columns(key) - display_columns(value)
    if gap >= 1:
        return [key + " " * gap + value]
    return [key, " " * max(columns - display_columns(value), 0) + value]


def encode_receipt(receipt: Receipt, layout: PaperLayout) -> bytes:
    """The ESC/POS job for `receipt`: reset, every line, and a final cut if the lines lack one."""
    job = layout.new_job()
    job.hw("INIT")
    lines: list[Line] = list(receipt.lines)
    if not lines or not isinstance(lines[-1], Cut):
        lines.append(Cut())
    for line in lines:
        encode_line(job, line, layout)
    return job.output


def encode_line(job: Escpos, line: Line, layout: PaperLayout) -> None:
    """Append one line's bytes to `job`; every line leaves the printer in the default style."""
    match line:
        case Title(text=text):
            job.set(align="center", bold=True, custom_size=True, width=TITLE_SCALE, height=TITLE_SCALE)
            job._raw(text_bytes(text) + LF)
            job.set(align="left", bold=False, custom_size=True, width=1, height=1)
        case Text(text=text, align=align, bold=bold) | ChineseText(text=text, align=align, bold=bold):
            body = chinese_bytes(text) if isinstance(line, ChineseText) else text.encode("ascii")
            _styled_row(job, body, align, bold)
        case KeyValue(key=key, value=value):
            for row in key_value_rows(key, value, layout.columns):
                job._raw(text_bytes(row) + LF)
        case Rule(char=char):
            job._raw(char.encode("ascii") * layout.columns + LF)
        case QrCode():
            _encode_qr(job, line)
        case Barcode():
            _encode_barcode(job, line)
        case Cut():
            job.cut()
        case _:
            raise TypeError(f"not a receipt line: {line!r}")


def _styled_row(job: Escpos, body: bytes, align: Align, bold: bool) -> None:
    styled = align is not Align.LEFT or bold
    if styled:
        job.set(align=align.value, bold=bold)
    job._raw(body + LF)
    if styled:
        job.set(align="left", bold=False)


def _encode_qr(job: Escpos, line: QrCode) -> None:
    level = _QR_LEVELS[line.error_correction]
    job.set(align="center")
    if len(line.payload.encode("utf-8")) <= NATIVE_QR_MAX_BYTES:
        job.qr(line.payload, ec=level, size=line.module_dots, native=True)
    else:
        job.qr(line.payload, ec=level, size=line.module_dots, native=False, center=True)
    job.set(align="left")


def _encode_barcode(job: Escpos, line: Barcode) -> None:
    # Code set B ("{B") carries printable ASCII; the printer adds the check character.
    code = "{B" + line.data if line.symbology is Symbology.CODE128 else line.data
    # The public `barcode()` only adds a software fallback we never want and prints
    # "Using hardware barcode renderer" to stdout on every call; `_hw_barcode` is the GS k
    # encoder behind it. receipt.Barcode already checked the data against a subset of the
    # rules python-escpos enforces here.
    job._hw_barcode(code, line.symbology.value, height=line.height_dots, width=line.module_dots,
                    pos="BELOW", font="A", align_ct=True, function_type="B")
    job.set(align="left")
