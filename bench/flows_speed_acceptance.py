"""Machine time of self-service acceptance (issue 12) on the simulators, zero think time, beside
two anchors measured or computed in the same run.

    .venv/bin/python bench/flows_speed_acceptance.py [--runs N]

Each run starts the kiosk's runtime as shipped (embedded reference back end over real HTTP, every
device simulated on its real channel: the fingerprint module on a pty paced at its configured
baud), then plays the self-test scenarios once each: "application_form" (the same form pages
alone, the first anchor), "acceptance" (photo receipt from an earlier capture, two fingers,
signature, collected, QR payment) and "acceptance_post" (online draft, photo taken now with the
camera guide, one smudged placement, the region picker, posted). A fresh runtime per run gives a
fresh back end (the same people apply again). One warm-up run is not counted.

The second anchor is the line time of the two fingerprint images (UpImage: 36,864 bytes of
pixels in 128-byte data packets at the configured baud), which no software on the kiosk can
shorten: "the rest" is the acceptance's machine time without it.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.channels import line_time
from devices.fingerprint.protocol import upload_wire_bytes
from terminal.config import load_config
from terminal.runtime import start_runtime
from terminal.selftest import SelftestResult, run_scenario
from terminal.selftest_cli import selftest_config

SERVICES = ("application_form", "acceptance", "acceptance_post")
FINGERS = 2
DEFAULT_RUNS = 3


def one_run() -> list[SelftestResult]:
    runtime = start_runtime(selftest_config(load_config()))
    try:
        return [run_scenario(runtime, service) for service in SERVICES]
    finally:
        runtime.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs (default {DEFAULT_RUNS})")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    baud = int(load_config()["devices"]["fingerprint"]["baud"])
    images = FINGERS * line_time(upload_wire_bytes(), baud)
    seconds: dict[str, list[float]] = {s: [] for s in SERVICES}
    touches: dict[str, set[int]] = {s: set() for s in SERVICES}
    started = time.perf_counter()
    one_run()  # warm-up: first imports, the SOAP client's first calls, the photo models
    for run in range(args.runs):
        for result in one_run():
            if not result.passed:
                print(f"run {run + 1}: {result.service_id} failed: {result.detail}", file=sys.stderr)
                return 1
            seconds[result.service_id].append(result.seconds)
            touches[result.service_id].add(result.touches)
    print(f"machine time, zero think time, {args.runs} runs ({time.perf_counter() - started:.0f} s in all); "
          f"fingerprint module at {baud} baud")
    print(f"{'scenario':<18} {'median s':>9} {'min s':>7} {'max s':>7} {'touches':>8}")
    for service in SERVICES:
        values = seconds[service]
        print(f"{service:<18} {statistics.median(values):>9.2f} {min(values):>7.2f} {max(values):>7.2f} "
              f"{'/'.join(map(str, sorted(touches[service]))):>8}")
    accept, form = statistics.median(seconds["acceptance"]), statistics.median(seconds["application_form"])
    print(f"anchor: two fingerprint images on the wire {images:.2f} s; the form's pages alone {form:.2f} s")
    print(f"acceptance without the images' wire time {accept - images:.2f} s "
          f"({accept - images - form:+.2f} s beyond the form's pages: photo receipt, the guide's other "
          f"looks at the glass, signature, quote, payment, submit, receipt)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
