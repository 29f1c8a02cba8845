"""Benchmark: a full ID card read cycle (find, select, read 30 01) through the simulated SAM module.

The simulator paces every byte at the configured baud (10 bits a byte), in its own process
so the driver's figures do not share a GIL with it. Driver overhead is the cycle's total
time minus the time its 1359 bytes (3 requests, 3 answers) need on the wire; it also holds
the simulator's scheduling jitter, so it is an upper bound on what the driver adds.

Anchor, alternating with the driver's cycles in the same run: the same three requests sent
to a second simulator in the same child process by bare pyserial (write the request, read
exactly the answer's size, nothing checked or decoded). The driver's cycle minus the
anchor's is what the driver itself adds, with the simulator's and the machine's jitter
(large on a loaded machine) taken out.

    .venv/bin/python bench/idcard_read.py [--reads 30] [--baud 115200]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

import serial

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.stats import percentile
from devices.channels import line_time
from devices.idcard import protocol, records
from devices.idcard.contract import ReadOutcome
from devices.idcard.driver import SerialIdCardReader
from devices.idcard.protocol import Command, Request, Response, Sw3
from devices.idcard.simulator import IdCardSimulator, sample_resident_card

WARM_UP_READS = 3
OVERHEAD_TARGET_MS = 2.0
REQUEST_SIZE = len(Request.of(Command.FIND_CARD).encode())
ANSWER_SIZES = (len(Response(Sw3.FIND_SUCCESS, bytes(4)).encode()),
                len(Response(Sw3.SUCCESS, bytes(8)).encode()),
                len(Response(Sw3.SUCCESS, protocol.encode_text_photo(bytes(256), bytes(1024))).encode()))


REQUESTS = tuple(Request.of(command).encode() for command in (Command.FIND_CARD, Command.SELECT_CARD,
                                                                 Command.READ_TEXT_PHOTO))
ANCHOR_TIMEOUT_SECONDS = 2.0


def serve_simulator(baud: int, control: Connection) -> None:
    """Child process: run the driver's simulator and the anchor's; put a fresh card down on
    the one named whenever asked."""
    simulators = {"driver": IdCardSimulator(baud=baud), "anchor": IdCardSimulator(baud=baud)}
    for simulator in simulators.values():
        simulator.start()
    control.send({name: simulator.path for name, simulator in simulators.items()})
    while (asked := control.recv()) != "stop":
        simulator = simulators[asked]
        simulator.remove_card()  # the last card must leave the field before the next read
        simulator.insert_card(sample_resident_card())
        control.send("ready")
    for simulator in simulators.values():
        simulator.stop()


def anchor_cycle(port: serial.Serial) -> None:
    """The same three exchanges with nothing but pyserial: write, read the answer's size."""
    for request, size in zip(REQUESTS, ANSWER_SIZES):
        port.write(request)
        if len(port.read(size)) != size:
            raise SystemExit("the anchor's answer came short")


def time_cycles(reader: SerialIdCardReader, anchor: serial.Serial, control: Connection,
                count: int) -> tuple[list[float], list[float]]:
    """`count` driver cycles and `count` anchor cycles, alternately."""
    totals, anchors = [], []
    for _ in range(count):
        control.send("driver")
        control.recv()
        started = time.perf_counter()
        result = reader.read_card()
        totals.append(time.perf_counter() - started)
        if result.outcome is not ReadOutcome.CARD:
            raise SystemExit(f"read cycle ended with {result.outcome.value}")
        control.send("anchor")
        control.recv()
        started = time.perf_counter()
        anchor_cycle(anchor)
        anchors.append(time.perf_counter() - started)
    return totals, anchors


def time_decoding(count: int = 2000) -> list[float]:
    """CPU time to turn the 1295-byte answer into a record (frame checks, blocks, fields)."""
    card = sample_resident_card()
    frame = Response(Sw3.SUCCESS, protocol.encode_text_photo(records.encode_card(card), card.photo.wlt)).encode()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        data = protocol.parse_text_photo(protocol.parse_response(frame).data)
        records.parse_card(data.text, data.photo)
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=30)
    parser.add_argument("--baud", type=int, default=115200, choices=protocol.BAUD_RATES)
    args = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.get_context("fork").Process(target=serve_simulator, args=(args.baud, theirs))
    child.start()
    paths = ours.recv()
    reader = SerialIdCardReader(paths["driver"], baud=args.baud)
    anchor = serial.Serial(paths["anchor"], args.baud, timeout=ANCHOR_TIMEOUT_SECONDS)
    try:
        time_cycles(reader, anchor, ours, WARM_UP_READS)
        totals, anchors = time_cycles(reader, anchor, ours, args.reads)
    finally:
        reader.close()
        anchor.close()
        ours.send("stop")
        child.join()

    read_answer_wire = line_time(ANSWER_SIZES[-1], args.baud)
    cycle_wire = line_time(3 * REQUEST_SIZE + sum(ANSWER_SIZES), args.baud)
    overheads = [total - cycle_wire for total in totals]
    decoding = time_decoding()
    ms = 1000
    print(f"ID card read cycle through the simulator at {args.baud} baud, {args.reads} reads "
          f"(after {WARM_UP_READS} warm-up), simulator in its own process")
    print(f"  wire time of the read answer ({ANSWER_SIZES[-1]} bytes):      {read_answer_wire * ms:7.1f} ms")
    print(f"  wire time of the whole cycle ({3 * REQUEST_SIZE + sum(ANSWER_SIZES)} bytes, 6 frames): "
          f"{cycle_wire * ms:7.1f} ms")
    print(f"  total per cycle:   median {statistics.median(totals) * ms:7.2f} ms   "
          f"p95 {percentile(totals, 0.95) * ms:7.2f} ms")
    print(f"  driver overhead:   median {statistics.median(overheads) * ms:7.2f} ms   "
          f"p95 {percentile(overheads, 0.95) * ms:7.2f} ms   (over the wire time; target < {OVERHEAD_TARGET_MS} ms)")
    anchor_overheads = [a - cycle_wire for a in anchors]
    driver_over_anchor = statistics.median(totals) - statistics.median(anchors)
    print(f"  anchor (bare pyserial, same exchanges, alternating): median {statistics.median(anchors) * ms:7.2f} ms, "
          f"{statistics.median(anchor_overheads) * ms:.2f} ms over the wire time")
    print(f"  driver cycle minus anchor cycle (medians): {driver_over_anchor * ms:.2f} ms   "
          f"ratio {statistics.median(totals) / statistics.median(anchors):.3f}   load average {os.getloadavg()[0]:.1f}")
    print(f"  answer -> record decoding (CPU): median {statistics.median(decoding) * 1e6:.0f} us   "
          f"p95 {percentile(decoding, 0.95) * 1e6:.0f} us")
    return 0 if statistics.median(overheads) * ms < OVERHEAD_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
