"""The cable pulled and put back: DISCONNECTED (printer.offline) while out, then the driver reconnects by itself."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.printer.contract import PrinterError
from devices.printer.receipt import Receipt, Text

from .conftest import DRAW_TIMEOUT


def test_unplugged_printer_is_disconnected_and_the_print_refused(printer, virtual_printer):
    assert printer.status() is DeviceStatus.READY  # connected first, so the pty dies under the driver
    virtual_printer.unplug()

    assert printer.status() is DeviceStatus.DISCONNECTED
    assert printer.status() is DeviceStatus.DISCONNECTED  # the port is gone, reopening fails too
    with pytest.raises(PrinterError) as error:
        printer.print_receipt(Receipt().add(Text("endorsement receipt")))
    assert error.value.message_key == "printer.offline"
    assert error.value.status is DeviceStatus.DISCONNECTED


def test_plugged_back_in_the_next_call_reconnects_and_prints(printer, virtual_printer):
    printer.print_receipt(Receipt().add(Text("before")))
    # The driver returns once the bytes are in the pty; pulling the cable before the printer
    # has drawn them would lose the first receipt, which a real printer would have printed.
    assert [r.text for r in virtual_printer.wait_for_receipts(1, DRAW_TIMEOUT)] == ["before"]
    virtual_printer.unplug()
    assert printer.status() is DeviceStatus.DISCONNECTED

    virtual_printer.plug_in()  # a new pty behind the same port name

    assert printer.status() is DeviceStatus.READY
    printer.print_receipt(Receipt().add(Text("after")))
    assert [r.text for r in virtual_printer.wait_for_receipts(2, DRAW_TIMEOUT)] == ["before", "after"]


def test_a_printer_that_never_answers_is_disconnected(layout, tmp_path):
    """Powered off at the end of a live cable: the port opens, no status byte ever comes back."""
    from devices.channels import open_pty
    from devices.printer.driver import STATUS_REPLY_TIMEOUT, EscposPrinter, EscposSerialLink

    silent = open_pty()
    device = EscposPrinter(EscposSerialLink(silent.slave_path, 115200), layout)
    try:
        assert device.status() is DeviceStatus.DISCONNECTED
        assert f"within {STATUS_REPLY_TIMEOUT} s" in device.last_detail
    finally:
        device.close()
        silent.close()
