"""Status replies that are not status bytes (wrong baud rate): ERROR with printer.error, never READY."""

from __future__ import annotations

import os
import select
import threading

import pytest

from devices.base import DeviceStatus
from devices.channels import open_pty
from devices.printer.contract import PrinterError
from devices.printer.driver import EscposPrinter, EscposSerialLink
from devices.printer.receipt import Receipt, Text


@pytest.fixture
def garbling_port():
    """A far end answering every 3-byte request with 0xFF, as a line at the wrong baud rate does."""
    pair = open_pty()
    stop = threading.Event()

    def answer() -> None:
        while not stop.is_set():
            if select.select([pair.master_fd], [], [], 0.02)[0]:
                request = os.read(pair.master_fd, 64)
                os.write(pair.master_fd, b"\xff" * (len(request) // 3))

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    yield pair.slave_path
    stop.set()
    thread.join()
    pair.close()


def test_garbled_replies_are_an_error_and_block_printing(garbling_port, layout):
    device = EscposPrinter(EscposSerialLink(garbling_port, 115200), layout)
    try:
        assert device.status() is DeviceStatus.ERROR
        assert "not status bytes: ff" in device.last_detail
        with pytest.raises(PrinterError) as error:
            device.print_receipt(Receipt().add(Text("x")))
        assert error.value.message_key == "printer.error"
    finally:
        device.close()
