"""Paper out: reported before printing, the print refused with printer.no_paper, nothing lost after a refill."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.printer.contract import PrinterError
from devices.printer.receipt import Receipt, Text
from devices.printer.status import PaperLevel

from .conftest import DRAW_TIMEOUT


def test_paper_out_is_reported_and_the_print_refused(printer, virtual_printer):
    virtual_printer.set_paper(PaperLevel.OUT)

    assert printer.status() is DeviceStatus.NO_PAPER
    with pytest.raises(PrinterError) as error:
        printer.print_receipt(Receipt().add(Text("queue ticket A012")))
    assert error.value.message_key == "printer.no_paper"
    assert error.value.status is DeviceStatus.NO_PAPER
    assert "paper out" in error.value.detail
    assert virtual_printer.wait_for_receipts(1, 0.2) == []


def test_after_a_refill_the_next_print_comes_out(printer, virtual_printer):
    virtual_printer.set_paper(PaperLevel.OUT)
    assert printer.status() is DeviceStatus.NO_PAPER
    virtual_printer.set_paper(PaperLevel.PRESENT)

    printer.print_receipt(Receipt().add(Text("queue ticket A012")))

    [drawn] = virtual_printer.wait_for_receipts(1, DRAW_TIMEOUT)
    assert drawn.text == "queue ticket A012"
    assert printer.status() is DeviceStatus.READY
