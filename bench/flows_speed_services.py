"""Machine time and touches of the form, photo, progress and appointment flows, zero think time.

    .venv/bin/python bench/flows_speed_services.py [--runs N]

Each run starts the kiosk's runtime as shipped (embedded reference back end over real HTTP,
every device simulated on its real channel), then plays each service's self-test scenario
(terminal/scenarios.py) once: a demo citizen who touches instantly. A fresh runtime per run
gives a fresh back-end database, so the form can be submitted again by the same person.
One warm-up run (imports, the SOAP client's first calls) is not counted.

Machine time is wall time with zero think time: computing, device line times, back-end
round trips. Waits made for a person run on the flows' virtual clock (terminal/selftest.py)
and cost only the frames judged meanwhile: the photo's 1 s hold and 3 s countdown are 40
preview frames judged by the live guidance, then one finalize. Touches count every Touch
the citizen sends; typing a field (a phone number) counts as one touch.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.stats import percentile
from terminal.config import load_config  # noqa: E402
from terminal.runtime import start_runtime  # noqa: E402
from terminal.selftest import SelftestResult, run_scenario  # noqa: E402
from terminal.selftest_cli import selftest_config  # noqa: E402

SERVICES = ("application_form", "id_photo", "progress", "appointment")
DEFAULT_RUNS = 10


def one_run() -> tuple[list[SelftestResult], float]:
    """Every service once on a fresh runtime; returns the results and the runtime's start time."""
    config = selftest_config(load_config())
    started = time.perf_counter()
    runtime = start_runtime(config)
    startup = time.perf_counter() - started
    try:
        return [run_scenario(runtime, service) for service in SERVICES], startup
    finally:
        runtime.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs per service (default {DEFAULT_RUNS})")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    seconds: dict[str, list[float]] = {s: [] for s in SERVICES}
    touches: dict[str, set[int]] = {s: set() for s in SERVICES}
    startups: list[float] = []
    one_run()  # warm-up, not counted: first imports, the client's first WSDL use, cascade loading
    for run in range(args.runs):
        results, startup = one_run()
        startups.append(startup)
        for result in results:
            if not result.passed:
                print(f"run {run + 1}: {result.service_id} failed: {result.detail}", file=sys.stderr)
                return 1
            seconds[result.service_id].append(result.seconds)
            touches[result.service_id].add(result.touches)
    print(f"machine time per flow, zero think time, {args.runs} runs (one thread of the flow; "
          f"devices and back end in their own threads)")
    print(f"{'service':<18} {'median ms':>10} {'p95 ms':>8} {'min ms':>8} {'max ms':>8} {'touches':>8}")
    for service in SERVICES:
        values = [s * 1000 for s in seconds[service]]
        print(f"{service:<18} {statistics.median(values):>10.0f} {percentile(values, 0.95):>8.0f} "
              f"{min(values):>8.0f} {max(values):>8.0f} {'/'.join(map(str, sorted(touches[service]))):>8}")
    print(f"runtime start (embedded back end + simulators), median {statistics.median(startups) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
