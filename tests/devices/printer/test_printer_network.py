"""A network printer on raw TCP (the 9100 protocol) against the virtual printer on loopback."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.printer.contract import PrinterError
from devices.printer.receipt import ChineseText, QrCode, Receipt
from devices.printer.status import PaperLevel

from .conftest import DRAW_TIMEOUT


def test_prints_over_tcp_with_status_checks(network_printer_pair):
    simulator, printer = network_printer_pair

    assert printer.status() is DeviceStatus.READY
    printer.print_receipt(Receipt().add(ChineseText("排队号 A012"), QrCode("A012")))

    [drawn] = simulator.wait_for_receipts(1, DRAW_TIMEOUT)
    assert drawn.text == "排队号 A012\n[QR] A012"
    assert drawn.path.is_file()


def test_paper_out_is_reported_over_tcp(network_printer_pair):
    simulator, printer = network_printer_pair
    simulator.set_paper(PaperLevel.OUT)
    with pytest.raises(PrinterError) as error:
        printer.print_receipt(Receipt().add(ChineseText("排队号 A013")))
    assert error.value.message_key == "printer.no_paper"


def test_printer_restart_drops_the_connection_and_the_driver_reconnects(network_printer_pair):
    simulator, printer = network_printer_pair
    assert printer.status() is DeviceStatus.READY
    simulator.unplug()
    assert printer.status() is DeviceStatus.DISCONNECTED
    simulator.plug_in()  # listens on the same port again
    assert printer.status() is DeviceStatus.READY
    printer.print_receipt(Receipt().add(ChineseText("重连后")))
    assert [r.text for r in simulator.wait_for_receipts(1, DRAW_TIMEOUT)] == ["重连后"]
