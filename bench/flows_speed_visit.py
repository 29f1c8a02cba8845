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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scenario_timing import print_table, time_scenarios

SERVICES = ("appointment", "appointment_booking", "queue_ticket", "urgent")  # the anchor first
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
