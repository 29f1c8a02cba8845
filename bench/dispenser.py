"""Benchmark: the document dispenser driver against its simulator, beside the permit driver.

The simulators run in a child process (no shared GIL with the drivers), pace every byte at the
baud rate and spend their modelled mechanism time (devices/dispenser/simulator.py SimulatorTiming).
The driver's overhead is each operation's total minus that modelled time (wire + mechanism), so
it also holds the simulator's scheduling jitter: an upper bound on what the driver adds. The
anchor, measured in the same run, is the permit card driver's STATUS over its own simulator.

    .venv/bin/python bench/dispenser.py [--statuses 50] [--cycles 5] [--baud 38400]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.channels import line_time
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.protocol import FRAME_OVERHEAD
from devices.dispenser.simulator import DispenserSimulator, SimulatorTiming
from devices.permit.driver import SerialPermitDriver
from devices.permit.simulator import PermitCardSimulator
from devices.permit.simulator import SimulatorTiming as PermitTiming

TIMING = SimulatorTiming()
PERMIT_BAUD = 115200
ID_FIELD = 10  # LEN + a 9-character document number
WARM_UP = 2


def serve(folder: Path, baud: int, control: Connection) -> None:
    """Child process: both simulators, until told to stop."""
    dispenser = DispenserSimulator(folder / "dispenser.json", baud=baud, timing=TIMING)
    permit = PermitCardSimulator(folder / "permit.json", baud=PERMIT_BAUD)
    control.send((dispenser.start(), permit.start()))
    control.recv()
    dispenser.stop()
    permit.stop()


def report(name: str, totals: list[float], modelled: float) -> None:
    overheads = sorted((t - modelled) * 1000 for t in totals)
    p95 = overheads[min(len(overheads) - 1, round(0.95 * (len(overheads) - 1)))]
    print(f"{name:<40} n={len(totals):<3} median {statistics.median(totals) * 1000:8.1f} ms  "
          f"modelled {modelled * 1000:8.1f} ms  overhead median {statistics.median(overheads):5.2f} ms "
          f"p95 {p95:5.2f} ms")


def timed(run: object, count: int) -> list[float]:
    totals = []
    for i in range(count + WARM_UP):
        started = time.perf_counter()
        run(i)  # type: ignore[operator]
        if i >= WARM_UP:
            totals.append(time.perf_counter() - started)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statuses", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--baud", type=int, default=38400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ours, theirs = multiprocessing.Pipe()
        child = multiprocessing.Process(target=serve, args=(Path(folder), args.baud, theirs), daemon=True)
        child.start()
        dispenser_port, permit_port = ours.recv()
        dispenser = SerialDispenserDriver(dispenser_port, args.baud)
        permit = SerialPermitDriver(permit_port, PERMIT_BAUD)
        try:
            def wire(request_data: int, answer_data: int) -> float:
                """Line time of a request and its answer (the answer's ST0 is the + 1)."""
                return line_time(2 * FRAME_OVERHEAD + 1 + request_data + answer_data, args.baud)

            # The permit STATUS: 8-byte request, 11-byte answer, 5 ms of module time.
            report("anchor: permit STATUS (115200 baud)", timed(lambda i: permit.status(), args.statuses),
                   PermitTiming().status + line_time(8 + 11, PERMIT_BAUD))
            report(f"dispenser STATUS ({args.baud} baud)", timed(lambda i: dispenser.module_status(), args.statuses),
                   TIMING.status + wire(0, 4))
            report("dispenser WHERE", timed(lambda i: dispenser.where_is("E61234501"), args.statuses),
                   wire(ID_FIELD, 2))

            def cycle(i: int) -> None:
                number = f"E8{i:07d}"
                dispenser.load(12, number)
                dispenser.dispense(12, number)
                dispenser.retract()
            modelled = (TIMING.load + TIMING.pick + TIMING.read + TIMING.deliver + TIMING.retract
                        + wire(1 + ID_FIELD, 0) + wire(1 + ID_FIELD, 0) + wire(0, ID_FIELD))
            report("dispenser LOAD + DISPENSE + RETRACT", timed(cycle, args.cycles), modelled)
        finally:
            dispenser.close()
            permit.close()
            ours.send("stop")
            child.join(5)


if __name__ == "__main__":
    main()
