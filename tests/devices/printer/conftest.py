"""Fixtures for the printer tests: a virtual printer on a real pty (or TCP port), the real driver on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.printer.driver import EscposPrinter, EscposSerialLink, NetworkLink
from devices.printer.encoder import PaperLayout
from devices.printer.simulator import PtyEndpoint, TcpEndpoint, VirtualPrinter

# TM-T88V: 512 dots of 80 mm paper, 42 columns of Font A.
WIDTH_DOTS = 512
# How long a test waits for the virtual printer to draw a receipt it was sent.
DRAW_TIMEOUT = 3.0


@pytest.fixture
def layout() -> PaperLayout:
    return PaperLayout("TM-T88V", WIDTH_DOTS)


@pytest.fixture
def virtual_printer(tmp_path: Path) -> Iterator[VirtualPrinter]:
    simulator = VirtualPrinter(PtyEndpoint(tmp_path / "printer.tty"), tmp_path / "receipts", WIDTH_DOTS)
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def printer(virtual_printer: VirtualPrinter, layout: PaperLayout) -> Iterator[EscposPrinter]:
    device = EscposPrinter(EscposSerialLink(str(virtual_printer.endpoint.link_path), 115200), layout)
    yield device
    device.close()


@pytest.fixture
def network_printer_pair(tmp_path: Path, layout: PaperLayout) -> Iterator[tuple[VirtualPrinter, EscposPrinter]]:
    endpoint = TcpEndpoint("127.0.0.1", 0)
    simulator = VirtualPrinter(endpoint, tmp_path / "receipts", WIDTH_DOTS)
    simulator.start()
    device = EscposPrinter(NetworkLink("127.0.0.1", endpoint.port), layout)
    yield simulator, device
    device.close()
    simulator.stop()
