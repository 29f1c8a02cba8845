"""An open cover: reported, the print refused with printer.cover_open; closing it lets printing go on."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.printer.contract import PrinterError
from devices.printer.receipt import ChineseText, Receipt
from devices.printer.status import PaperLevel

from .conftest import DRAW_TIMEOUT


def test_open_cover_is_reported_and_the_print_refused(printer, virtual_printer):
    virtual_printer.set_cover_open(True)

    assert printer.status() is DeviceStatus.COVER_OPEN
    with pytest.raises(PrinterError) as error:
        printer.print_receipt(Receipt().add(ChineseText("照片回执")))
    assert error.value.message_key == "printer.cover_open"
    assert error.value.status is DeviceStatus.COVER_OPEN


def test_cover_open_is_named_first_even_when_the_paper_is_out(printer, virtual_printer):
    """Closing the cover is what the technician must do first (the paper sensor may be behind it)."""
    virtual_printer.set_paper(PaperLevel.OUT)
    virtual_printer.set_cover_open(True)
    assert printer.status() is DeviceStatus.COVER_OPEN


def test_closing_the_cover_lets_the_next_print_out(printer, virtual_printer):
    virtual_printer.set_cover_open(True)
    assert printer.status() is DeviceStatus.COVER_OPEN
    virtual_printer.set_cover_open(False)

    printer.print_receipt(Receipt().add(ChineseText("照片回执")))

    [drawn] = virtual_printer.wait_for_receipts(1, DRAW_TIMEOUT)
    assert drawn.text == "照片回执"
