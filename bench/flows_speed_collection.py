"""Machine time of a self-service collection, beside the progress query as its anchor.

    .venv/bin/python bench/flows_speed_collection.py [--runs N]

One runtime as the self-test starts it (embedded reference back end over real HTTP, every
device simulated on its real channel, files under data_dir/selftest). Each run plays the
self-test scenarios once each, alternating: the progress query (identity, then one back-end
question: the anchor, measured in the same run) and the collection (identity, ListReadyDocuments,
Collect and a signature judged and rendered to PNG, one passport dispensed over the simulated
RS-485 line, the reader's report checked against the back end's record, taken from the
tray 50 ms after it arrives, ConfirmCollection, the slip printed). Between runs the bench puts
the passport back as staff would: the scenario reloads its slot, and the bench marks it READY
again in the embedded back end. One warm-up of each is not counted.

The issue's target is "under 1 s plus the modelled mechanics": the simulated module takes
MECHANICS_SECONDS to pick, read and deliver a document (devices/dispenser/simulator.py
SimulatorTiming), and the citizen's hand TAKE_AFTER_SECONDS; the figure printed is the
machine time with both taken off.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scenario_timing import print_table, time_scenarios
from devices.dispenser.simulator import SimulatorTiming
from terminal.scenarios_collection import COLLECTION_DOCUMENT, TAKE_AFTER_SECONDS

SERVICES = ("progress", "collection")  # the anchor first
DEFAULT_RUNS = 10
_TIMING = SimulatorTiming()
MECHANICS_SECONDS = _TIMING.pick + _TIMING.read + _TIMING.deliver


def ready_again(runtime) -> None:
    """The passport READY again at the embedded back end (staff reloading it)."""
    with runtime.link.embedded.server.backend.store.write() as db:
        db.execute("UPDATE ready_documents SET status = 'READY', collected_at = NULL WHERE document_number = ?",
                   (COLLECTION_DOCUMENT,))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs per service (default {DEFAULT_RUNS})")
    args = parser.parse_args()
    timed = time_scenarios(SERVICES, args.runs, before_each=ready_again)
    if timed is None:
        return 1
    seconds, _ = timed
    print_table(args.runs, {**seconds, "collection - mechanics": [s - MECHANICS_SECONDS - TAKE_AFTER_SECONDS
                                                                  for s in seconds["collection"]]})
    print(f"(mechanics modelled by the simulator: {MECHANICS_SECONDS * 1000:.0f} ms pick+read+deliver, "
          f"the hand {TAKE_AFTER_SECONDS * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
