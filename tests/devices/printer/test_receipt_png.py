"""A Chinese receipt with a QR code goes through the virtual printer to a PNG a phone could read."""

from __future__ import annotations

import cv2
import numpy as np

from devices.printer.receipt import Align, ChineseText, Cut, KeyValue, QrCode, Receipt, Rule, Title

from .conftest import DRAW_TIMEOUT

APPLICATION_NUMBER = "SQ2025112600137"


def form_summary() -> Receipt:
    return Receipt().add(
        Title("受理回执"),
        ChineseText("出入境证件申请 Application receipt", align=Align.CENTER),
        Rule(),
        KeyValue("申请编号 No.", APPLICATION_NUMBER),
        KeyValue("姓名 Name", "张*"),
        KeyValue("费用 Fee", "￥80.00"),
        Rule(),
        QrCode(f"出入境受理:{APPLICATION_NUMBER}"),
        ChineseText("请凭此回执到窗口领取证件。", align=Align.CENTER),
        Cut(),
    )


def test_chinese_receipt_png_has_text_and_a_decodable_qr_code(printer, virtual_printer):
    printer.print_receipt(form_summary())

    [drawn] = virtual_printer.wait_for_receipts(1, DRAW_TIMEOUT)
    image = cv2.imread(str(drawn.path), cv2.IMREAD_GRAYSCALE)
    assert image is not None and image.shape[1] == 512 + 32

    payload, _points, _code = cv2.QRCodeDetector().detectAndDecode(image)
    assert payload == f"出入境受理:{APPLICATION_NUMBER}"

    title_band = image[16:16 + 48]  # first line: the double-height title
    assert (title_band < 128).sum() > 500  # dark dots of four large characters
    assert "申请编号 No." in drawn.text and APPLICATION_NUMBER in drawn.text
    assert "请凭此回执到窗口领取证件。" in drawn.text


def test_rendered_text_lines_carry_ink_where_the_transcript_has_text(printer, virtual_printer):
    printer.print_receipt(form_summary())
    [drawn] = virtual_printer.wait_for_receipts(1, DRAW_TIMEOUT)
    image = cv2.imread(str(drawn.path), cv2.IMREAD_GRAYSCALE)
    inked_rows = np.flatnonzero((image < 128).sum(axis=1) > 0)
    # title, subtitle, 2 rules, 3 key/values, QR, last line: ink spread over most of the slip
    assert inked_rows.max() - inked_rows.min() > 400
