"""What the evaluation step (好差评, issue 20) costs the citizen, beside a bare back-end round trip.

    .venv/bin/python bench/evaluation_step.py [--runs N]

One runtime as the self-test starts it (embedded reference back end over real HTTP, devices
simulated). Each run finishes an endorsement enquiry (not timed), then times on the flow pump:
- finish -> ask: the citizen's "finish" touch until the evaluation's first view (FlowPump.finish);
- level -> thanks: touching a top level until the thanks view (the citizen's wait: the back end is
  asked on a thread of its own);
- submitted: the same touch until SubmitEvaluation's answer arrived on that thread (nobody waits);
- skip -> end: a second run's skip touch until the end view (home follows at once);
and, as the anchor measured in the same run, a Ping round trip to the same back end.
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
from flows.demo_cards import card_for
from flows.endorsement_enquiry import EndorsementEnquiryFlow
from flows.pump import FlowPump
from terminal.config import load_config
from terminal.runtime import start_runtime
from terminal.selftest_cli import selftest_config

DEFAULT_RUNS = 10
SEND_WAIT_SECONDS = 10.0
FIGURES = ("ping (anchor)", "finish -> ask", "level -> thanks", "submitted", "skip -> end")


def finished_enquiry(runtime) -> FlowPump:
    """A finished service: 张伟's permit holds no endorsement (identity, the chip read, the end)."""
    runtime.session.wipe("bench")
    pump = FlowPump(runtime.flow_context())
    pump.start(EndorsementEnquiryFlow)
    runtime.simulators["idcard"].insert_card(card_for("local_adult"))
    pump.tick_until_state("insert_permit")
    runtime.simulators["permit"].insert_card("CA1234567")
    pump.tick_until(lambda v: v.finished, "the enquiry to end")
    runtime.simulators["idcard"].remove_card()
    return pump


def one_run(runtime, figures: dict[str, list[float]]) -> None:
    started = time.perf_counter()
    runtime.flow_context().backend.ping()
    figures["ping (anchor)"].append(time.perf_counter() - started)

    pump = finished_enquiry(runtime)
    started = time.perf_counter()
    view = pump.finish()
    figures["finish -> ask"].append(time.perf_counter() - started)
    assert view is not None and view.state == "ask"
    started = time.perf_counter()
    view = pump.touch("level", "SATISFIED")
    figures["level -> thanks"].append(time.perf_counter() - started)
    assert view.state == "thanks" and pump.flow.sent.wait(SEND_WAIT_SECONDS) and pump.flow.receipt_number
    figures["submitted"].append(time.perf_counter() - started)

    pump = finished_enquiry(runtime)
    pump.finish()
    started = time.perf_counter()
    view = pump.touch("skip")
    figures["skip -> end"].append(time.perf_counter() - started)
    assert view.state == "skipped" and view.data["home_in_seconds"] == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs (default {DEFAULT_RUNS})")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    runtime = start_runtime(selftest_config(load_config()))
    figures: dict[str, list[float]] = {name: [] for name in FIGURES}
    try:
        one_run(runtime, {name: [] for name in FIGURES})  # warm-up, not counted
        for _ in range(args.runs):
            one_run(runtime, figures)
    finally:
        runtime.close()
    print(f"evaluation step, zero think time, {args.runs} runs on one runtime")
    print(f"{'figure':<18} {'median ms':>10} {'p95 ms':>8} {'min ms':>8} {'max ms':>8}")
    for name in FIGURES:
        values = [s * 1000 for s in figures[name]]
        print(f"{name:<18} {statistics.median(values):>10.1f} {percentile(values, 0.95):>8.1f} "
              f"{min(values):>8.1f} {max(values):>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
