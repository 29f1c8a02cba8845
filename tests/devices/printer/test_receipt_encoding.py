"""Byte-exact ESC/POS for every receipt line kind (python-escpos' Dummy collects the bytes)."""

from __future__ import annotations

import pytest

from devices.printer.encoder import PaperLayout, chinese_bytes, encode_line, encode_receipt, key_value_rows
from devices.printer.receipt import (
    Align,
    Barcode,
    ChineseText,
    Cut,
    KeyValue,
    QrCode,
    QrErrorCorrection,
    Receipt,
    Rule,
    Symbology,
    Text,
    Title,
)

FS_AND = b"\x1c&"
FS_DOT = b"\x1c."


def encode(line, layout: PaperLayout) -> bytes:
    job = layout.new_job()
    encode_line(job, line, layout)
    return job.output


def test_plain_text_is_ascii_and_a_line_feed(layout):
    assert encode(Text("Hello, world"), layout) == b"Hello, world\n"


def test_styled_text_sets_then_restores_bold_and_alignment(layout):
    assert encode(Text("Total", align=Align.RIGHT, bold=True), layout) == (
        b"\x1bE\x01\x1ba\x02" + b"Total\n" + b"\x1bE\x00\x1ba\x00")


def test_text_refuses_chinese_so_it_never_goes_through_code_pages():
    with pytest.raises(ValueError, match="ChineseText"):
        Text("姓名")


def test_chinese_text_enters_chinese_mode_sends_gb18030_and_leaves(layout):
    assert encode(ChineseText("姓名：张三"), layout) == (
        FS_AND + "姓名：张三".encode("gb18030") + FS_DOT + b"\n")
    assert "姓名：张三".encode("gb18030") == bytes.fromhex("d0d5 c3fb a3ba d5c5 c8fd")


def test_lines_of_only_chinese_punctuation_print_as_punctuation(layout):
    """GIVEN a line python-escpos's MagicEncode would turn into '?'. THEN it goes out as GB18030."""
    assert encode(ChineseText("，。！？"), layout) == FS_AND + bytes.fromhex("a3ac a1a3 a3a1 a3bf") + FS_DOT + b"\n"


def test_halfwidth_yen_prints_as_the_fullwidth_sign_printers_have():
    assert chinese_bytes("¥80") == FS_AND + b"\xa3\xa4" + b"80" + FS_DOT
    assert chinese_bytes("￥80") == FS_AND + b"\xa3\xa4" + b"80" + FS_DOT


def test_centred_bold_chinese_text(layout):
    assert encode(ChineseText("请取走回执", align=Align.CENTER, bold=True), layout) == (
        b"\x1bE\x01\x1ba\x01" + FS_AND + "请取走回执".encode("gb18030") + FS_DOT + b"\n" + b"\x1bE\x00\x1ba\x00")


def test_title_is_centred_bold_and_double_size_through_gs_bang(layout):
    """GS ! (not ESC !) so Chinese characters are enlarged too."""
    assert encode(Title("受理回执"), layout) == (
        b"\x1d!\x11\x1bE\x01\x1ba\x01"
        + FS_AND + "受理回执".encode("gb18030") + FS_DOT + b"\n"
        + b"\x1d!\x00\x1bE\x00\x1ba\x00")


def test_ascii_title_needs_no_chinese_mode(layout):
    assert encode(Title("RECEIPT"), layout) == (
        b"\x1d!\x11\x1bE\x01\x1ba\x01" + b"RECEIPT\n" + b"\x1d!\x00\x1bE\x00\x1ba\x00")


def test_key_value_fills_the_42_columns(layout):
    assert encode(KeyValue("No.", "A2025"), layout) == b"No." + b" " * 34 + b"A2025\n"


def test_chinese_key_value_counts_two_columns_per_character(layout):
    row = "申请编号" + " " * 29 + "A2025"  # 8 + 29 + 5 = 42 columns
    assert encode(KeyValue("申请编号", "A2025"), layout) == FS_AND + row.encode("gb18030") + FS_DOT + b"\n"


def test_key_value_too_long_for_one_row_puts_the_value_flush_right_below():
    assert key_value_rows("Address", "X" * 40, 42) == ["Address", "  " + "X" * 40]


def test_rule_spans_the_paper(layout):
    assert encode(Rule(), layout) == b"-" * 42 + b"\n"
    assert encode(Rule("="), PaperLayout("TM-T88V", 576)) == b"=" * 48 + b"\n"


def test_short_qr_code_is_native_gs_paren_k_centred(layout):
    payload = b"A2025"
    assert encode(QrCode("A2025"), layout) == (
        b"\x1ba\x01"
        + b"\x1d(k\x04\x001A2\x00"  # model 2
        + b"\x1d(k\x03\x001C\x06"  # module 6 dots
        + b"\x1d(k\x03\x001E1"  # error correction M
        + b"\x1d(k" + bytes([len(payload) + 3, 0]) + b"1P0" + payload  # store
        + b"\x1d(k\x03\x001Q0"  # print
        + b"\x1ba\x00")


def test_qr_code_payload_is_utf8_and_level_is_configurable(layout):
    payload = "出入境".encode("utf-8")
    out = encode(QrCode("出入境", module_dots=4, error_correction=QrErrorCorrection.H), layout)
    assert b"\x1d(k\x03\x001C\x04" in out
    assert b"\x1d(k\x03\x001E3" in out
    assert b"\x1d(k" + bytes([len(payload) + 3, 0]) + b"1P0" + payload in out


def test_long_qr_code_is_sent_as_a_raster_image(layout):
    out = encode(QrCode("X" * 300), layout)
    assert b"\x1d(k" not in out
    assert b"\x1dv0" in out


def test_code128_barcode_uses_code_set_b_function_b(layout):
    assert encode(Barcode("A2025"), layout) == (
        b"\x1ba\x01" + b"\x1dh\x40" + b"\x1dw\x02" + b"\x1df\x00" + b"\x1dH\x02"
        + b"\x1dkI\x07{BA2025" + b"\x1ba\x00")


def test_ean13_barcode(layout):
    out = encode(Barcode("690123456789", symbology=Symbology.EAN13, height_dots=80, module_dots=3), layout)
    assert out == (b"\x1ba\x01\x1dh\x50\x1dw\x03\x1df\x00\x1dH\x02" + b"\x1dkC\x0c690123456789" + b"\x1ba\x00")


@pytest.mark.parametrize("symbology, data", [
    (Symbology.EAN13, "12345"), (Symbology.EAN13, "ABCDEFGHIJKL"), (Symbology.CODE39, "lower"),
    (Symbology.CODE128, "中文"), (Symbology.CODE128, ""),
])
def test_barcode_data_the_symbology_cannot_carry_is_refused(symbology, data):
    with pytest.raises(ValueError):
        Barcode(data, symbology=symbology)


def test_cut_feeds_past_the_cutter_then_cuts(layout):
    assert encode(Cut(), layout) == b"\x1bd\x06\x1dV\x00"


def test_receipt_starts_with_init_and_ends_with_exactly_one_cut(layout):
    assert encode_receipt(Receipt().add(Text("A")), layout) == b"\x1b@" + b"A\n" + b"\x1bd\x06\x1dV\x00"
    assert encode_receipt(Receipt().add(Text("A"), Cut()), layout) == b"\x1b@" + b"A\n" + b"\x1bd\x06\x1dV\x00"


def test_lines_are_single_rows():
    with pytest.raises(ValueError):
        ChineseText("一\n二")
