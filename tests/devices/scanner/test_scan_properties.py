"""Random bytes into the line decoder: only clean scans come out, and real codes survive any noise."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.scanner.decoder import ScanLineDecoder

FAST = settings(max_examples=200, deadline=None)
# U+0100-U+07FF is left out on purpose: a UTF-8 line of those that is also plain Chinese in
# GB18030 is read as GB18030 (see devices/scanner/decoder.py).
code_characters = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                                blacklist_characters="\ufeff").filter(lambda ch: not 0x100 <= ord(ch) <= 0x7FF)
codes = st.text(code_characters, min_size=1, max_size=40).filter(lambda text: text.strip())
noise = st.sampled_from([b"", b"\r", b"\n", b"\r\n", b"\x00", b"\x02", b"\x03\r", b"\x1b", b"\x07\n"])


@FAST
@given(st.lists(st.binary(max_size=64), max_size=8))
def test_random_bytes_give_only_clean_scans(chunks):
    decoder = ScanLineDecoder()
    for index, chunk in enumerate(chunks):
        for scan in decoder.feed(chunk, now=index * 0.01):
            assert scan.text.strip()
            assert not any(unicodedata.category(ch) == "Cc" for ch in scan.text)
            assert scan.encoding in ("utf-8", "gb18030")


@FAST
@given(st.lists(st.tuples(codes, st.sampled_from([b"\r", b"\n", b"\r\n"]), noise), min_size=1, max_size=6),
       st.integers(min_value=1, max_value=7))
def test_utf8_codes_between_noise_come_out_exactly(items, chunk_size):
    stream = b"".join(text.encode("utf-8") + terminator + junk for text, terminator, junk in items)
    decoder = ScanLineDecoder()
    found = []
    for start in range(0, len(stream), chunk_size):
        found += [scan.text for scan in decoder.feed(stream[start:start + chunk_size], now=0.0)]
    assert found == [text for text, _, _ in items]
