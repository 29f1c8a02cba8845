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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scenario_timing import print_table, time_scenarios

SERVICES = ("progress", "endorsement_enquiry")  # the anchor first
DEFAULT_RUNS = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs per service (default {DEFAULT_RUNS})")
    args = parser.parse_args()
    timed = time_scenarios(SERVICES, args.runs)
    if timed is None:
        return 1
    print_table(args.runs, *timed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
