"""Chinese codes on a real pty: UTF-8 scanners and older GB18030 ones both read as the same text."""

from __future__ import annotations

from .conftest import SCAN_TIMEOUT


def test_utf8_scanner(scanner, simulator):
    simulator.scan("出入境受理:SQ001", encoding="utf-8")
    scan = scanner.read_scan(SCAN_TIMEOUT)
    assert scan is not None and scan.text == "出入境受理:SQ001" and scan.encoding == "utf-8"


def test_gb18030_scanner(scanner, simulator):
    simulator.scan("出入境受理：张三，￥80", encoding="gb18030")
    scan = scanner.read_scan(SCAN_TIMEOUT)
    assert scan is not None and scan.text == "出入境受理：张三，￥80" and scan.encoding == "gb18030"


def test_mixed_scanners_one_after_the_other(scanner, simulator):
    simulator.scan("签注", encoding="gb18030")
    simulator.scan("签注", encoding="utf-8")
    first, second = scanner.read_scan(SCAN_TIMEOUT), scanner.read_scan(SCAN_TIMEOUT)
    assert (first.text, first.encoding) == ("签注", "gb18030")
    assert (second.text, second.encoding) == ("签注", "utf-8")
