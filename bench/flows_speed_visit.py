"""Machine time and touches of booking, walk-in tickets and the urgent path (issue 20), beside
the appointment check-in as their anchor.

    .venv/bin/python bench/flows_speed_visit.py [--runs N]

One runtime as the self-test starts it (embedded reference back end over real HTTP, every
device simulated on its real channel, files under data_dir/selftest). Each run plays the
self-test scenarios once each, alternating: the appointment check-in (a typed code, one back-end
call, a printed ticket: the anchor, measured in the same run on the same machine), the booking
(identity, the slots, a booking with its QR slip, then the same citizen again cancelling it:
two identities and four back-end calls), the walk-in tickets (one without a card, one elderly
behind the ID card) and the urgent path (information, identity, the request, the slip). The
booking cancels what it booked and tickets and urgent cases only add rows, so one runtime
serves every run. One warm-up of each is not counted.

Machine time is wall time with zero think time (terminal/selftest.py); touches count every
Touch the citizen sends in the last flow each scenario starts (the pump counts from each start).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from terminal.config import load_config
from terminal.runtime import start_runtime
from terminal.selftest import run_scenario
from terminal.selftest_cli import selftest_config

SERVICES = ("appointment", "appointment_booking", "queue_ticket", "urgent")  # the anchor first
DEFAULT_RUNS = 10


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs per service (default {DEFAULT_RUNS})")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    runtime = start_runtime(selftest_config(load_config()))
    seconds: dict[str, list[float]] = {s: [] for s in SERVICES}
    touches: dict[str, set[int]] = {s: set() for s in SERVICES}
    try:
        for service in SERVICES:  # warm-up, not counted
            run_scenario(runtime, service)
        for run in range(args.runs):
            for service in SERVICES:
                result = run_scenario(runtime, service)
                if not result.passed:
                    print(f"run {run + 1}: {service} failed: {result.detail}", file=sys.stderr)
                    return 1
                seconds[service].append(result.seconds)
                touches[service].add(result.touches)
    finally:
        runtime.close()
    print(f"machine time per flow, zero think time, {args.runs} runs on one runtime")
    print(f"{'service':<20} {'median ms':>10} {'p95 ms':>8} {'min ms':>8} {'max ms':>8} {'touches':>8}")
    for service in SERVICES:
        values = [s * 1000 for s in seconds[service]]
        print(f"{service:<20} {statistics.median(values):>10.0f} {percentile(values, 0.95):>8.0f} "
              f"{min(values):>8.0f} {max(values):>8.0f} {'/'.join(map(str, sorted(touches[service]))):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
