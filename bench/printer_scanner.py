"""Benchmark: receipt printer and scanner paths through their simulators (same process, real ptys/sockets).

Figures: encoding a receipt to ESC/POS, drawing it (the renderer), the status round trip
(DLE EOT 1-4) over a pty and over TCP, a whole print (status check + job) until the
virtual printer has saved the PNG, and a scan from the simulator's write to the driver's
`read_scan`. The simulators share the process (and the GIL) with the driver, so the round
trips are upper bounds on what a real printer or scanner would see. ptys ignore the baud
rate: no line time is included.

    .venv/bin/python bench/printer_scanner.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.printer.driver import EscposPrinter, EscposSerialLink, NetworkLink
from devices.printer.encoder import PaperLayout, encode_receipt
from devices.printer.escpos_render import render_receipts
from devices.printer.simulator import PtyEndpoint, TcpEndpoint, VirtualPrinter
from devices.printer.test_slip import test_slip
from devices.scanner.driver import SerialScanner
from devices.scanner.simulator import ScannerSimulator

WIDTH_DOTS = 512
DRAW_TIMEOUT = 5.0


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    action()  # warm-up: first connection, glyph cache
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(f"{name:<44} median {statistics.median(times) * 1000:8.3f} ms   p95 {p95 * 1000:8.3f} ms   n={len(times)}")


def bench_printer(folder: Path, rounds: int) -> None:
    layout = PaperLayout("TM-T88V", WIDTH_DOTS)
    receipt = test_slip("BENCH-01", datetime(2025, 11, 26, 9, 30))
    job = encode_receipt(receipt, layout)
    print(f"test slip: {len(job)} bytes of ESC/POS")
    report("encode test slip", timed(lambda: encode_receipt(receipt, layout), rounds))
    report("render test slip to an image", timed(lambda: render_receipts(job, WIDTH_DOTS), max(rounds // 10, 5)))

    for name, endpoint in (("pty", PtyEndpoint(folder / "printer.tty")), ("tcp", TcpEndpoint("127.0.0.1", 0))):
        simulator = VirtualPrinter(endpoint, folder / f"receipts-{name}", WIDTH_DOTS)
        simulator.start()
        link = (EscposSerialLink(str(endpoint.link_path), 115200) if isinstance(endpoint, PtyEndpoint)
                else NetworkLink("127.0.0.1", endpoint.port))
        printer = EscposPrinter(link, layout)
        try:
            report(f"status round trip ({name})", timed(printer.status, rounds))

            def print_and_wait() -> None:
                count = len(simulator.receipts) + 1
                printer.print_receipt(receipt)
                if len(simulator.wait_for_receipts(count, DRAW_TIMEOUT)) < count:
                    raise RuntimeError("the virtual printer drew nothing")

            report(f"print test slip until PNG saved ({name})", timed(print_and_wait, max(rounds // 10, 5)))
        finally:
            printer.close()
            simulator.stop()


def bench_scanner(folder: Path, rounds: int) -> None:
    simulator = ScannerSimulator(folder / "scanner.tty")
    simulator.start()
    scanner = SerialScanner(str(simulator.path), 9600)
    try:
        scanner.status()

        def one_scan() -> None:
            simulator.scan("SQ2025112600137")
            if scanner.read_scan(DRAW_TIMEOUT) is None:
                raise RuntimeError("scan lost")

        report("scan to read_scan (on demand)", timed(one_scan, rounds))
        scanner.subscribe(lambda scan: None)
        report("scan to read_scan (background reader)", timed(one_scan, rounds))
    finally:
        scanner.close()
        simulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-printer-") as folder:
        bench_printer(Path(folder), args.rounds)
        bench_scanner(Path(folder), args.rounds)


if __name__ == "__main__":
    main()
