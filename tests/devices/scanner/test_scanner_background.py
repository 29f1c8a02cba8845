"""Subscribing: every scan reaches every subscriber from the reader thread, and the queue too."""

from __future__ import annotations

import threading
import time

from devices.base import Device
from devices.scanner.contract import CodeScanner

from .conftest import SCAN_TIMEOUT, texts


def test_subscribers_get_each_scan(scanner, simulator):
    first, second = [], []
    arrived = threading.Event()
    scanner.subscribe(first.append)
    scanner.subscribe(lambda scan: (second.append(scan), arrived.set()))

    simulator.scan("SQ001")

    assert arrived.wait(SCAN_TIMEOUT)
    assert [s.text for s in first] == [s.text for s in second] == ["SQ001"]
    assert texts(scanner, 1) == ["SQ001"]


def test_unsubscribed_callbacks_hear_nothing_more(scanner, simulator):
    heard = []
    unsubscribe = scanner.subscribe(heard.append)
    simulator.scan("ONE")
    assert texts(scanner, 1) == ["ONE"]
    unsubscribe()
    simulator.scan("TWO")
    assert texts(scanner, 1) == ["TWO"]
    assert [s.text for s in heard] == ["ONE"]


def test_scans_from_an_earlier_screen_can_be_discarded(scanner, simulator):
    simulator.scan("STALE")
    time.sleep(0.05)  # let the pty deliver it
    scanner.status()  # reads and queues what is waiting, takes nothing
    scanner.discard_pending()
    simulator.scan("FRESH")
    assert texts(scanner, 1) == ["FRESH"]


def test_poll_does_not_wait(scanner):
    assert scanner.poll() is None


def test_driver_meets_the_contracts(scanner):
    assert isinstance(scanner, CodeScanner) and isinstance(scanner, Device)
