"""Benchmark: reading a permit card and writing an endorsement through the simulated module.

The simulator runs in its own process (so the driver does not share a GIL with it), paces
every byte at the baud rate and spends its modelled chip and print time. The driver's
overhead is each operation's total minus that modelled time (wire + chip + print), so it
also holds the simulator's scheduling jitter: an upper bound on what the driver adds.

    .venv/bin/python bench/permit_card.py [--reads 20] [--writes 5] [--baud 115200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.stats import percentile
from devices.channels import line_time
from devices.permit.driver import SerialPermitDriver
from devices.permit.protocol import FRAME_OVERHEAD, RECORD_SIZE, encode_card
from devices.permit.records import CHIP_CAPACITY, Destination, Endorsement, EndorsementType, Trips
from devices.permit.simulator import PermitCardSimulator, SimulatorTiming

TIMING = SimulatorTiming()
WARM_UP = 2


def serve_simulator(state_file: Path, baud: int, control: Connection) -> None:
    """Child process: run the simulator; fill the chip or stop when asked."""
    simulator = PermitCardSimulator(state_file, baud=baud, timing=TIMING)
    control.send(simulator.start())
    while True:
        command = control.recv()
        if command == "fill":
            simulator.fill_chip()
            control.send("filled")
        elif command == "stop":
            simulator.stop()
            return


def report(name: str, totals: list[float], modelled: float) -> None:
    overheads = [(t - modelled) * 1000 for t in totals]
    print(f"{name:<34} n={len(totals):<3} median {statistics.median(totals) * 1000:7.1f} ms  "
          f"p95 {percentile(totals, 0.95) * 1000:7.1f} ms  modelled {modelled * 1000:7.1f} ms  "
          f"overhead median {statistics.median(overheads):5.2f} ms p95 {percentile(overheads, 0.95):5.2f} ms")


def timed(operation, count: int) -> list[float]:
    for _ in range(WARM_UP):
        operation()
    totals = []
    for _ in range(count):
        start = time.perf_counter()
        operation()
        totals.append(time.perf_counter() - start)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--writes", type=int, default=5)
    parser.add_argument("--baud", type=int, default=115200)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-permit-"))
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(target=serve_simulator, args=(folder / "cards.json", args.baud, theirs))
    child.start()
    driver = SerialPermitDriver(ours.recv(), args.baud)
    try:
        card = driver.read_card()
        answer = FRAME_OVERHEAD + 1 + len(encode_card(card))
        report(f"read card ({len(card.endorsements)} records, {answer} B)", timed(driver.read_card, args.reads),
               line_time(FRAME_OVERHEAD, args.baud) + TIMING.chip_read + line_time(answer, args.baud))

        record_ids = iter(range(10_000, 20_000))

        def write() -> None:
            record = Endorsement(next(record_ids), Destination.HONG_KONG, EndorsementType.GROUP_TOUR,
                                 Trips.ONE, dt.date(2027, 1, 1), dt.date(2027, 4, 1), "440300")
            assert driver.write_endorsement(record).written

        write_wire = (line_time(FRAME_OVERHEAD + 1 + 1 + RECORD_SIZE, args.baud)
                      + line_time(FRAME_OVERHEAD + 2, args.baud))
        read_back_wire = (line_time(FRAME_OVERHEAD + 4, args.baud)
                          + line_time(FRAME_OVERHEAD + 1 + RECORD_SIZE, args.baud))
        report("write + print + read back", timed(write, args.writes),
               write_wire + TIMING.chip_write + TIMING.face_print + read_back_wire + TIMING.chip_read / 4)

        ours.send("fill")
        ours.recv()
        full = FRAME_OVERHEAD + 1 + len(encode_card(driver.read_card()))
        report(f"read full chip ({CHIP_CAPACITY} records, {full} B)", timed(driver.read_card, max(3, args.reads // 4)),
               line_time(FRAME_OVERHEAD, args.baud) + TIMING.chip_read + line_time(full, args.baud))
    finally:
        driver.close()
        ours.send("stop")
        child.join()


if __name__ == "__main__":
    main()
