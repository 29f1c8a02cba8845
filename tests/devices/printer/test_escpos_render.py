"""The ESC/POS interpreter: what it reads from the stream and what it draws."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.printer.encoder import encode_receipt
from devices.printer.escpos_render import EscposInterpreter, EscposStreamError, render_receipts
from devices.printer.receipt import Align, Barcode, ChineseText, Receipt, Symbology, Text
from devices.printer.status import ALL_STATUS_REQUESTS

WIDTH = 512


def dark_columns(image) -> np.ndarray:
    pixels = np.asarray(image)
    return np.flatnonzero((pixels < 128).any(axis=0))


def test_chinese_mode_decodes_gb18030():
    [receipt] = render_receipts(b"\x1c&" + "出入境，￥8".encode("gb18030") + b"\x1c.\n\x1dV\x00", WIDTH)
    assert receipt.text == "出入境，￥8"


def test_without_fs_ampersand_the_same_bytes_are_code_page_text():
    """The bug python-escpos's MagicEncode has: raw GB18030 outside Chinese mode is mojibake."""
    [receipt] = render_receipts("出入境".encode("gb18030") + b"\n\x1dV\x00", WIDTH)
    assert receipt.text == "出入境".encode("gb18030").decode("cp437")


def test_four_byte_gb18030_characters_decode():
    rare = "\U00020000"  # CJK Extension B
    [receipt] = render_receipts(b"\x1c&" + rare.encode("gb18030") + b"\x1c.\n\x1dV\x00", WIDTH)
    assert receipt.text == rare


def test_each_cut_ends_one_receipt_and_empty_cuts_make_none():
    receipts = render_receipts(b"one\n\x1dV\x00\x1dV\x00two\n\x1dV\x41\x03three\n", WIDTH)
    assert [r.text for r in receipts] == ["one", "two", "three"]


def test_any_split_of_the_stream_draws_the_same_receipt(layout):
    data = encode_receipt(Receipt().add(ChineseText("受理回执 Receipt"), Barcode("A1")), layout)
    whole = render_receipts(data, WIDTH)
    drawn = []
    interpreter = EscposInterpreter(WIDTH, on_receipt=drawn.append)
    for index in range(len(data)):
        interpreter.feed(data[index:index + 1])
    interpreter.finish()
    assert [r.text for r in drawn] == [r.text for r in whole]
    assert np.array_equal(np.asarray(drawn[0].image), np.asarray(whole[0].image))


def test_status_requests_reach_the_callback_in_order():
    asked: list[int] = []
    interpreter = EscposInterpreter(WIDTH, on_status_request=asked.append)
    interpreter.feed(ALL_STATUS_REQUESTS[:4])
    interpreter.feed(ALL_STATUS_REQUESTS[4:])
    assert asked == [1, 2, 3, 4]


def test_unknown_command_is_the_documented_error_with_its_offset():
    with pytest.raises(EscposStreamError) as error:
        render_receipts(b"abc\x1b\xff", WIDTH)
    assert error.value.offset == 3


def test_lenient_mode_skips_what_it_cannot_read_and_goes_on():
    [receipt] = render_receipts(b"abc\x1b\x01def\n", WIDTH, strict=False)
    assert receipt.text == "abc\x01def".replace("\x01", "")


def test_a_stream_ending_inside_a_command_is_the_documented_error():
    with pytest.raises(EscposStreamError, match="ends inside a command"):
        render_receipts(b"abc\n\x1d(k\x10\x001P0AB", WIDTH)


def test_centred_text_is_drawn_in_the_middle(layout):
    [receipt] = render_receipts(encode_receipt(Receipt().add(Text("MIDDLE", align=Align.CENTER)), layout), WIDTH)
    columns = dark_columns(receipt.image)
    middle = (columns.min() + columns.max()) / 2
    assert abs(middle - receipt.image.width / 2) < 8


def test_raster_image_bits_become_dark_dots():
    # GS v 0: 1 byte wide, 2 rows: row 0 = 1000 0001, row 1 = all dark
    [receipt] = render_receipts(b"\x1dv0\x00\x01\x00\x02\x00\x81\xff\x1dV\x00", WIDTH)
    pixels = np.asarray(receipt.image)
    top = 16  # the PNG's paper margin
    assert list(pixels[top, 16:24] < 128) == [True, False, False, False, False, False, False, True]
    assert (pixels[top + 1, 16:24] < 128).all()
    assert receipt.text == "[image 8 x 2]"


def test_ean13_barcode_is_drawn_readable(layout):
    """OpenCV 4.12 decodes EAN/UPC only, so the real-decoder check uses EAN-13 (check digit added)."""
    receipt = Receipt().add(Barcode("690123456789", symbology=Symbology.EAN13, module_dots=3))
    [drawn] = render_receipts(encode_receipt(receipt, layout), WIDTH)
    image = cv2.GaussianBlur(cv2.cvtColor(np.asarray(drawn.image), cv2.COLOR_GRAY2BGR), (3, 3), 0)
    found, decoded, kinds, _points = cv2.barcode.BarcodeDetector().detectAndDecodeWithType(image)
    assert found and decoded == ("6901234567892",) and kinds == ("EAN_13",)


def test_code128_bars_follow_the_data_with_human_readable_text_below(layout):
    [drawn] = render_receipts(encode_receipt(Receipt().add(Barcode("KIOSK-2025")), layout), WIDTH)
    assert drawn.text == "[code128] KIOSK-2025"
    pixels = np.asarray(drawn.image) < 128
    bar_rows = np.flatnonzero(pixels.sum(axis=1) > 40)  # rows crossing many bars
    assert len(bar_rows) >= 64  # the 64-dot bar height
    # the middle bar row reads as python-barcode's module pattern at 2 dots a module
    from barcode import get as get_barcode
    modules = get_barcode("code128", "KIOSK-2025").build()[0].rstrip("0")
    row = pixels[bar_rows[len(bar_rows) // 2]]
    start = int(np.flatnonzero(row)[0])
    drawn_modules = "".join("1" if dark else "0" for dark in row[start:start + 2 * len(modules):2])
    assert drawn_modules == modules


def test_receipts_printed_while_offline_are_not_drawn():
    drawn = []
    interpreter = EscposInterpreter(WIDTH, on_receipt=drawn.append)
    interpreter.printing = False
    interpreter.feed(b"lost\n\x1dV\x00")
    interpreter.printing = True
    interpreter.feed(b"kept\n\x1dV\x00")
    assert [r.text for r in drawn] == ["kept"]
