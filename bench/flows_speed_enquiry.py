"""Machine time and touches of the endorsement enquiry, beside the progress query as its anchor.

    .venv/bin/python bench/flows_speed_enquiry.py [--runs N]

One runtime as the self-test starts it (embedded reference back end over real HTTP, every
device simulated on its real channel, files under data_dir/selftest). Each run plays the
self-test scenarios once each, alternating: the progress query (identity, then one back-end
question: the anchor, measured in the same run on the same machine) and the endorsement
enquiry (identity, the permit chip read over the simulated serial line, the card ejected, the
slip printed). Neither changes the back end's data, so one runtime serves every run. One
warm-up of each is not counted.

Machine time is wall time with zero think time (terminal/selftest.py); touches count every
Touch the citizen sends (both flows need none: the cards and the scan move them on).
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

SERVICES = ("progress", "endorsement_enquiry")  # the anchor first
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
