"""Benchmark: a status ask and a bank card sale through the simulated terminal at its baud rate.

The simulator runs in its own process (no GIL shared with the driver), paces every byte at the
baud rate and spends its modelled acquirer time; the card is already in the reader. The anchor
printed beside each figure is the time the simulator is modelled to take, computed in the same
run from the same frames: its ACK and its answer paced at the baud rate, plus the acquirer (the
pty does not pace the host's own writes, so the request's wire time is not in it; on a real
UART add it). The driver's overhead is the difference (an upper bound: it also holds the
simulator's scheduling jitter).

    .venv/bin/python bench/card_terminal.py [--sales 20] [--statuses 50] [--baud 9600]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.stats import percentile
from devices.card_terminal.contract import CardTransaction, TransactionKind
from devices.card_terminal.driver import SerialCardTerminal
from devices.card_terminal.framing import StxLrcFraming
from devices.card_terminal.protocol import (
    Answer,
    Command,
    TerminalState,
    encode_reply,
    status_fields,
    transaction_fields,
)
from devices.card_terminal.simulator import CardTerminalSimulator, Timing
from devices.channels import line_time

ACQUIRER_SECONDS = 0.3  # modelled acquirer round trip (the default simulator's is 1.5 s)
WARM_UP = 2


def serve_simulator(baud: int, control: Connection) -> None:
    """Child process: the simulator; present a card when asked, stop when told."""
    simulator = CardTerminalSimulator(None, baud=baud, timing=Timing(card_wait=5.0, acquirer=ACQUIRER_SECONDS))
    control.send(simulator.start())
    while (command := control.recv()) != "stop":
        if command == "card":
            simulator.present_card("funds")
            control.send("ok")
    simulator.stop()


def report(name: str, totals: list[float], modelled: float) -> None:
    overheads = [(t - modelled) * 1000 for t in totals]
    print(f"{name:<24} n={len(totals):<3} median {statistics.median(totals) * 1000:7.1f} ms  "
          f"p95 {percentile(totals, 0.95) * 1000:7.1f} ms  anchor (modelled) {modelled * 1000:7.1f} ms  "
          f"overhead median {statistics.median(overheads):5.2f} ms p95 {percentile(overheads, 0.95):5.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=20)
    parser.add_argument("--statuses", type=int, default=50)
    parser.add_argument("--baud", type=int, default=9600)
    args = parser.parse_args()

    framing = StxLrcFraming()
    ack = line_time(1, args.baud)
    status_wire = ack + line_time(len(framing.encode(encode_reply(Command.STATUS, Answer.DONE, *status_fields(TerminalState.IDLE)))),
                  args.baud)
    sample = CardTransaction(TransactionKind.SALE, "00", "BENCH-0000", 1250, "000000", "622202*********0128",
                             "000001", "000001", None)
    sale_answer = framing.encode(encode_reply(Command.SALE, Answer.DONE, *transaction_fields(sample)))
    sale_modelled = ack + ACQUIRER_SECONDS + \
        line_time(len(sale_answer) + len("YYYYMMDDhhmmss"), args.baud)

    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=serve_simulator, args=(args.baud, child), daemon=True)
    process.start()
    driver = SerialCardTerminal(parent.recv(), args.baud)
    try:
        statuses = []
        for index in range(args.statuses + WARM_UP):
            started = time.perf_counter()
            driver.status()
            if index >= WARM_UP:
                statuses.append(time.perf_counter() - started)
        sales = []
        for index in range(args.sales + WARM_UP):
            parent.send("card")
            parent.recv()
            started = time.perf_counter()
            txn = driver.sale(1250, f"BENCH-{index:04d}")
            elapsed = time.perf_counter() - started
            assert txn.approved, txn
            if index >= WARM_UP:
                sales.append(elapsed)
    finally:
        driver.close()
        parent.send("stop")
        process.join(5)
    print(f"card terminal over a pty at {args.baud} baud (stx-lrc framing, ACK/NAK)")
    report("status", statuses, status_wire)
    report(f"sale (acquirer {ACQUIRER_SECONDS * 1000:.0f} ms)", sales, sale_modelled)


if __name__ == "__main__":
    main()
