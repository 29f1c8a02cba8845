"""Machine time of self-test scenarios played alternately on one runtime: the loop and the table
the flow benches share (flows_speed_enquiry.py, flows_speed_visit.py, flows_speed_collection.py),
so each bench says only which services it times, its anchor first, and what it adds.

One runtime as the self-test starts it (embedded reference back end over real HTTP, every device
simulated on its real channel, files under data_dir/selftest); one warm-up round not counted.
"""

from __future__ import annotations

import logging
import statistics
import sys
from collections.abc import Callable, Sequence

from bench.stats import percentile
from terminal.config import load_config
from terminal.runtime import Runtime, start_runtime
from terminal.selftest import run_scenario
from terminal.selftest_cli import selftest_config


def time_scenarios(services: Sequence[str], runs: int, before_each: Callable[[Runtime], None] | None = None,
                   ) -> tuple[dict[str, list[float]], dict[str, set[int]]] | None:
    """Seconds and touch counts per service over `runs` rounds (after one warm-up round);
    None, with the failure on stderr, when a scenario fails. `before_each` runs before every
    scenario (to put back what a scenario used up)."""
    logging.basicConfig(level=logging.ERROR)
    runtime = start_runtime(selftest_config(load_config()))
    seconds: dict[str, list[float]] = {s: [] for s in services}
    touches: dict[str, set[int]] = {s: set() for s in services}
    try:
        for run in range(runs + 1):  # the first is the warm-up
            for service in services:
                if before_each is not None:
                    before_each(runtime)
                result = run_scenario(runtime, service)
                if not result.passed:
                    print(f"run {run}: {service} failed: {result.detail}", file=sys.stderr)
                    return None
                if run:
                    seconds[service].append(result.seconds)
                    touches[service].add(result.touches)
    finally:
        runtime.close()
    return seconds, touches


def print_table(runs: int, seconds: dict[str, list[float]], touches: dict[str, set[int]] | None = None) -> None:
    """Median, p95, min and max in ms per row (and the touch counts seen, when given)."""
    width = max(20, *(len(name) + 1 for name in seconds))
    print(f"machine time per flow, zero think time, {runs} runs on one runtime")
    print(f"{'service':<{width}} {'median ms':>10} {'p95 ms':>8} {'min ms':>8} {'max ms':>8}"
          + (f" {'touches':>8}" if touches is not None else ""))
    for name, values_s in seconds.items():
        values = [s * 1000 for s in values_s]
        row = (f"{name:<{width}} {statistics.median(values):>10.0f} {percentile(values, 0.95):>8.0f} "
               f"{min(values):>8.0f} {max(values):>8.0f}")
        if touches is not None:
            row += f" {'/'.join(map(str, sorted(touches.get(name, ())))):>8}"
        print(row)
