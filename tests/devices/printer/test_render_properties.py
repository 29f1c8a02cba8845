"""Random, truncated and corrupted ESC/POS streams: a receipt or EscposStreamError, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.printer.encoder import PaperLayout, encode_receipt
from devices.printer.escpos_render import EscposStreamError, RenderedReceipt, render_receipts
from devices.printer.receipt import Barcode, ChineseText, KeyValue, QrCode, Receipt, Rule, Text, Title

WIDTH = 384  # a narrow paper makes over-wide codes and wrapping more likely
LAYOUT = PaperLayout("TM-T88V", WIDTH)
SAMPLE = encode_receipt(Receipt().add(
    Title("受理回执"), Text("Application"), ChineseText("姓名：张*，费用￥80"), KeyValue("No.", "A2025"),
    Rule(), QrCode("A2025 出入境"), Barcode("A2025")), LAYOUT)
# Command prefixes and fragments the interpreter knows, so random streams reach deep branches.
FRAGMENTS = [b"\x1b@", b"\x1b!", b"\x1bE", b"\x1ba", b"\x1bd", b"\x1bJ", b"\x1b*", b"\x1b$", b"\x1b\\", b"\x1bD",
             b"\x1d!", b"\x1dV", b"\x1dk", b"\x1dkI", b"\x1d(k", b"\x1d(k\x03\x001Q0", b"\x1dv0", b"\x1dL", b"\x1dW",
             b"\x1c&", b"\x1c.", b"\x1c!", b"\x10\x04", b"\x10\x14", b"\x1d8L", b"\n", b"\t", "中".encode("gb18030")]
streams = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=6)), max_size=40).map(b"".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes, strict: bool) -> None:
    try:
        receipts = render_receipts(data, WIDTH, strict=strict)
    except EscposStreamError:
        assert strict, "lenient mode must not raise"
        return
    assert all(isinstance(r, RenderedReceipt) and r.image.width == WIDTH + 32 for r in receipts)


@FAST
@given(st.binary(max_size=300), st.booleans())
def test_random_bytes(data, strict):
    check(data, strict)


@FAST
@given(streams, st.booleans())
def test_random_command_soup(data, strict):
    check(data, strict)


@FAST
@given(st.integers(min_value=0, max_value=len(SAMPLE)))
def test_truncated_receipts(cut_at):
    check(SAMPLE[:cut_at], strict=True)
    check(SAMPLE[:cut_at], strict=False)


@FAST
@given(st.integers(min_value=0, max_value=len(SAMPLE) - 1), st.integers(min_value=0, max_value=255))
def test_corrupted_receipts(position, value):
    data = bytearray(SAMPLE)
    data[position] = value
    check(bytes(data), strict=True)
    check(bytes(data), strict=False)
