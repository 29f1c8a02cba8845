"""A scenario finds the slip it expects by its content among the receipts drawn since it counted
them (terminal/simulation.py printed_since), not at the position it counted: the virtual printer
draws asynchronously, and an earlier service's receipt still arriving took that position, so the
screenshots' collection scenario stopped at "no collection slip naming the passport" (issue 14)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from devices.printer.simulator import PrintedReceipt
from terminal.simulation import printed_since


class Printer:
    """What the scenarios read of the virtual printer: the receipts drawn so far, in order."""

    def __init__(self) -> None:
        self.receipts: list[PrintedReceipt] = []

    def draw_later(self, *texts: str, gap: float = 0.05) -> threading.Thread:
        def draw() -> None:
            for text in texts:
                time.sleep(gap)
                self.receipts.append(PrintedReceipt(Path(f"/nonexistent/{len(self.receipts)}.png"), text))
        thread = threading.Thread(target=draw, daemon=True)
        thread.start()
        return thread


def test_the_slip_is_found_after_an_earlier_receipt_still_arriving():
    printer = Printer()
    counted = len(printer.receipts)  # the previous service's receipt is not drawn yet
    printer.draw_later("appeal receipt AP-1", "collection slip E******01").join()
    assert printer.receipts[counted].text == "appeal receipt AP-1"  # what the old check judged
    assert printed_since(printer, counted, "E******01", timeout=2.0) == "collection slip E******01"


def test_a_slip_that_never_comes_is_none_and_earlier_receipts_do_not_count():
    printer = Printer()
    printer.receipts.append(PrintedReceipt(Path("/nonexistent/0.png"), "collection slip E******01"))
    started = time.monotonic()
    assert printed_since(printer, 1, "E******01", timeout=0.3) is None
    assert time.monotonic() - started >= 0.3
