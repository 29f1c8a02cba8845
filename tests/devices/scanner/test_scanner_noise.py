"""Noise between scans on a real pty: empty lines, stray control bytes, a half code left hanging."""

from __future__ import annotations

import time

from devices.scanner.decoder import PARTIAL_LINE_TIMEOUT

from .conftest import texts


def test_empty_lines_and_control_bytes_between_scans_are_ignored(scanner, simulator):
    simulator.send_raw(b"\r\n\r\n\x00\x07")
    simulator.scan("SQ2025112600137")
    simulator.send_raw(b"\x02\x03\r\n\x1b\r")
    simulator.scan("A012", terminator="\n")

    assert texts(scanner, 2) == ["SQ2025112600137", "A012"]
    assert scanner.poll() is None


def test_a_partial_code_left_hanging_is_dropped_not_glued_to_the_next(scanner, simulator):
    simulator.send_raw(b"GARBAGE-HALF-")
    assert scanner.read_scan(PARTIAL_LINE_TIMEOUT / 5) is None  # the driver read the half line
    time.sleep(PARTIAL_LINE_TIMEOUT + 0.1)
    simulator.scan("A013")

    assert texts(scanner, 1) == ["A013"]


def test_stray_bytes_inside_a_code_are_removed(scanner, simulator):
    simulator.send_raw(b"\x02SQ\x00001\x03\r")
    assert texts(scanner, 1) == ["SQ001"]
