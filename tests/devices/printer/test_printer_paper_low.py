"""Paper near its end: still prints, status PAPER_LOW (usable), logged once however often it is polled."""

from __future__ import annotations

import logging

from devices.base import DeviceStatus
from devices.printer.receipt import Receipt, Text
from devices.printer.status import PaperLevel

from .conftest import DRAW_TIMEOUT


def test_paper_low_still_prints_and_is_reported(printer, virtual_printer):
    virtual_printer.set_paper(PaperLevel.NEAR_END)

    status = printer.status()
    printer.print_receipt(Receipt().add(Text("fine decision 2025-001")))

    assert status is DeviceStatus.PAPER_LOW and status.usable
    [drawn] = virtual_printer.wait_for_receipts(1, DRAW_TIMEOUT)
    assert drawn.text == "fine decision 2025-001"


def test_paper_low_is_logged_once_not_at_every_poll(printer, virtual_printer, caplog):
    virtual_printer.set_paper(PaperLevel.NEAR_END)
    with caplog.at_level(logging.INFO, logger="devices.printer.driver"):
        for _ in range(5):
            assert printer.status() is DeviceStatus.PAPER_LOW
    changes = [r.getMessage() for r in caplog.records if "paper_low" in r.getMessage()]
    assert changes == ["printer: (start) -> paper_low (paper near end)"]
