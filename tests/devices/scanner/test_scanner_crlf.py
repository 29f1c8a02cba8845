"""Scanners set to CR, LF or CRLF on a real pty: one scan per code, never an empty one."""

from __future__ import annotations

import pytest

from .conftest import texts


@pytest.mark.parametrize("terminator", ["\r", "\n", "\r\n"])
def test_one_scan_per_code_whatever_the_terminator(scanner, simulator, terminator):
    for code in ("A012", "A013", "A014"):
        simulator.scan(code, terminator=terminator)
    assert texts(scanner, 3) == ["A012", "A013", "A014"]
    assert scanner.poll() is None


def test_a_scanner_switched_between_terminators(scanner, simulator):
    simulator.scan("ONE", terminator="\r\n")
    simulator.scan("TWO", terminator="\n")
    simulator.scan("THREE", terminator="\r")
    assert texts(scanner, 3) == ["ONE", "TWO", "THREE"]
