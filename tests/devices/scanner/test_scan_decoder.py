"""The line decoder on its own: terminators, encodings, noise, partial lines (time is injected)."""

from __future__ import annotations

import pytest

from devices.scanner.decoder import MAX_LINE_BYTES, PARTIAL_LINE_TIMEOUT, ScanLineDecoder, decode_line


def feed_texts(decoder: ScanLineDecoder, data: bytes, now: float = 0.0) -> list[str]:
    return [scan.text for scan in decoder.feed(data, now)]


@pytest.mark.parametrize("terminator", [b"\r", b"\n", b"\r\n"])
def test_each_terminator_ends_one_scan(terminator):
    assert feed_texts(ScanLineDecoder(), b"A1" + terminator + b"B2" + terminator) == ["A1", "B2"]


def test_a_scan_split_across_reads_is_joined():
    decoder = ScanLineDecoder()
    assert feed_texts(decoder, b"SQ2025", 0.0) == []
    assert feed_texts(decoder, b"0001\r", 0.1) == ["SQ20250001"]


def test_utf8_first_then_gb18030():
    assert decode_line("出入境".encode("utf-8")) == ("出入境", "utf-8")
    assert decode_line("出入境".encode("gb18030")) == ("出入境", "gb18030")


def test_gb18030_that_also_passes_for_utf8_is_read_as_chinese():
    assert "签注".encode("gb18030").decode("utf-8") == "ǩע"  # valid UTF-8, wrong text
    assert decode_line("签注".encode("gb18030")) == ("签注", "gb18030")


def test_latin1_letters_keep_the_utf8_reading():
    assert decode_line("MÜLLER José".encode("utf-8")) == ("MÜLLER José", "utf-8")


def test_control_bytes_are_removed_and_empty_lines_dropped():
    decoder = ScanLineDecoder()
    assert feed_texts(decoder, b"\x02A\x00B\x03\r\r\n\n\x07\r   \r") == ["AB"]
    assert decoder.dropped_lines == 2  # the bell alone, the spaces; empty lines are not even counted


def test_bytes_that_are_neither_encoding_are_dropped():
    decoder = ScanLineDecoder()
    assert feed_texts(decoder, b"\xff\xfe\x80\rOK\r") == ["OK"]
    assert decoder.dropped_lines == 1


def test_a_partial_line_older_than_the_timeout_is_dropped():
    decoder = ScanLineDecoder()
    decoder.feed(b"garb", 0.0)
    assert feed_texts(decoder, b"A12\r", PARTIAL_LINE_TIMEOUT + 0.01) == ["A12"]


def test_a_partial_line_within_the_timeout_is_kept():
    decoder = ScanLineDecoder()
    decoder.feed(b"A1", 0.0)
    assert feed_texts(decoder, b"2\r", PARTIAL_LINE_TIMEOUT - 0.01) == ["A12"]


def test_an_overlong_line_is_dropped_to_its_end():
    decoder = ScanLineDecoder()
    assert feed_texts(decoder, b"9" * (MAX_LINE_BYTES + 10) + b"\rOK\r") == ["OK"]


def test_scans_never_show_their_text_in_repr():
    [scan] = ScanLineDecoder().feed(b"110101199003077777\r", 0.0)
    assert "1101" not in repr(scan)
