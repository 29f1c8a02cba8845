"""Benchmark: capturing one finger (GenImg, Img2Tz, UpImage) through the simulated module.

The simulator runs in its own process (no shared GIL with the driver) and paces every byte of
every packet at the baud rate, against the clock, plus its modelled sensor and feature time.
The anchor is the wire time of the image itself (36,864 bytes: 6.4 s at 57600 baud, 3.2 s at
115200), the figure the issue names; the protocol's packet framing (11 bytes per 128-byte data
packet) and the three commands add modelled wire time too. The driver's overhead is the
capture's measured time minus everything modelled; it must stay under 5 % of the image's wire time.

    .venv/bin/python bench/fingerprint_capture.py [--captures 3] [--bauds 57600 115200]
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

from devices.channels import line_time
from devices.fingerprint.contract import Quality, capture_finger
from devices.fingerprint.driver import SerialFingerprintScanner
from devices.fingerprint.protocol import IMAGE_BYTES, upload_wire_bytes
from devices.fingerprint.simulator import Finger, FingerprintSimulator, SimulatorTiming

TIMING = SimulatorTiming()
OVERHEAD_LIMIT = 0.05  # of the image's wire time (issue 12)
# Bytes on the line besides UpImage: GenImg (12 + 12) and Img2Tz (13 + 12).
COMMAND_BYTES = 12 + 12 + 13 + 12


def serve_simulator(baud: int, control: Connection) -> None:
    simulator = FingerprintSimulator(baud, timing=TIMING)
    simulator.place_finger(Finger.GOOD)  # on the glass before the first GenImg
    control.send(simulator.start())
    control.recv()  # "stop"
    simulator.stop()


def bench(baud: int, captures: int) -> bool:
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=serve_simulator, args=(baud, child), daemon=True)
    process.start()
    port = parent.recv()
    scanner = SerialFingerprintScanner(port, baud)
    try:
        scanner.status()  # the handshake (VfyPwd, ReadSysPara) is not part of a capture
        totals = []
        for _ in range(captures):
            started = time.perf_counter()
            capture = capture_finger(scanner, timeout=5.0)
            totals.append(time.perf_counter() - started)
            assert capture.quality is Quality.GOOD and len(capture.image.pixels) == 2 * IMAGE_BYTES
    finally:
        scanner.close()
        parent.send("stop")
        process.join(5)
    image_wire = line_time(IMAGE_BYTES, baud)
    modelled = line_time(COMMAND_BYTES + upload_wire_bytes(), baud) + TIMING.gen_img + TIMING.img2tz
    median = statistics.median(totals)
    overhead = median - modelled
    share = overhead / image_wire
    ok = share < OVERHEAD_LIMIT
    print(f"{baud:>6} baud  n={captures}  capture median {median:6.3f} s (max {max(totals):6.3f})  "
          f"image wire time {image_wire:5.3f} s  modelled (all packets + sensor) {modelled:6.3f} s  "
          f"driver overhead {overhead * 1000:6.1f} ms = {share:6.2%} of the image wire time "
          f"({'under' if ok else 'OVER'} the {OVERHEAD_LIMIT:.0%} limit)")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--captures", type=int, default=3)
    parser.add_argument("--bauds", type=int, nargs="+", default=[57600, 115200])
    args = parser.parse_args()
    results = [bench(baud, args.captures) for baud in args.bauds]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
