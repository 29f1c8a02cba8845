"""Running every built service end to end on simulated devices: the technician's self-test.

Each service of the registry (flows/registry.py) has a scenario here that plays a citizen: it
puts a demo person's card on the simulated reader, scans codes, pays, touches the screen, and
checks the flow ends as it should. Scenarios drive the flow through a `FlowPump`
(flows/pump.py) on a virtual clock, so waits made for a person cost no real time while devices
and the back end still run in real time; the pump counts the touches.

"Machine time" is the wall time of a scenario with zero think time: computing, device line
times and back-end round trips, not the seconds a citizen would spend reading.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flows.pump import FlowPump, ScenarioFailed
from flows.registry import FLOWS, load_reference

if TYPE_CHECKING:
    from terminal.runtime import Runtime

log = logging.getLogger(__name__)

# Service id -> its scenario, "module:function" (imported when run): `scenario(pump: FlowPump)`
# raises ScenarioFailed (or AssertionError) when the flow does not end as it should.
SCENARIOS: Mapping[str, str] = {
    "application_form": "terminal.scenarios:application_form",
    "id_photo": "terminal.scenarios:id_photo",
    "endorsement": "terminal.scenarios_payments:endorsement",
    "traffic_fines": "terminal.scenarios_payments:traffic_fines",
    "fine_appeal": "terminal.scenarios_appeal:fine_appeal",
    "endorsement_card": "terminal.scenarios_payments:endorsement_card",
    "traffic_fines_card": "terminal.scenarios_payments:traffic_fines_card",
    # Not yet a VARIANT of "acceptance": flows/acceptance.py does not offer the card yet (issue 21).
    "acceptance_card": "terminal.scenarios_payments:acceptance_card",
    "progress": "terminal.scenarios:progress",
    "appointment": "terminal.scenarios:appointment",
    "endorsement_enquiry": "terminal.scenarios_enquiry:endorsement_enquiry",
    "acceptance": "terminal.scenarios_acceptance:acceptance",
    "acceptance_post": "terminal.scenarios_acceptance:acceptance_post",
    "collection": "terminal.scenarios_collection:collection",
    "collection_left": "terminal.scenarios_collection:collection_left",
    "collection_nothing_ready": "terminal.scenarios_collection:collection_nothing_ready",
    "collection_someone_else": "terminal.scenarios_collection:collection_someone_else",
    "appointment_booking": "terminal.scenarios_visit:appointment_booking",
    "queue_ticket": "terminal.scenarios_visit:queue_ticket",
    "urgent": "terminal.scenarios_visit:urgent",
}


# Services run again as rows of their own, right after their base service: the same flow paid
# another way (issue 21: by bank card on the card terminal).
VARIANTS: Mapping[str, tuple[str, ...]] = {
    "endorsement": ("endorsement_card",),
    "traffic_fines": ("traffic_fines_card",),
    # issue 13: a document left in the tray, nothing ready (another's receipt), 代领 refused
    "collection": ("collection_left", "collection_nothing_ready", "collection_someone_else"),
    "acceptance": ("acceptance_post", "acceptance_card"),  # issue 12: draft, photo now, posted; issue 21: by card
}


def selftest_services() -> tuple[str, ...]:
    """Every row of the self-test: the home screen's services in order, each followed by its variants."""
    return tuple(s for e in FLOWS for s in (e.service_id, *VARIANTS.get(e.service_id, ())))


def scenario_for(service_id: str) -> Callable[[FlowPump], None]:
    return load_reference(SCENARIOS[service_id])


@dataclass(frozen=True)
class SelftestResult:
    service_id: str
    passed: bool
    seconds: float  # machine time of the scenario
    touches: int
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service_id, "passed": self.passed, "machine_seconds": round(self.seconds, 3),
                "touches": self.touches, "detail": self.detail}


def run_scenario(runtime: Runtime, service_id: str, reference: str | None = None) -> SelftestResult:
    """One service's scenario (`reference`, else its entry in SCENARIOS) on a clean session;
    never raises for a failing scenario."""
    runtime.session.wipe(f"selftest {service_id} starts")
    pump = FlowPump(runtime.flow_context())
    started = time.perf_counter()
    try:
        load_reference(reference or SCENARIOS[service_id])(pump)
        end_on_evaluation(pump)
    except Exception as exc:  # noqa: BLE001 - a self-test reports every failure as a row
        seconds = time.perf_counter() - started
        log.warning("selftest %s failed: %s", service_id, exc)
        return SelftestResult(service_id, False, seconds, pump.touches, _one_line(exc))
    finally:
        runtime.session.wipe(f"selftest {service_id} ends")
    return SelftestResult(service_id, True, time.perf_counter() - started, pump.touches)


def end_on_evaluation(pump: FlowPump) -> None:
    """A service the scenario finished ends on the evaluation step (flows/evaluation.py), as at the
    kiosk when the citizen touches "finish"; the scenario's citizen skips it (one touch, optional,
    so not counted among the service's touches)."""
    from flows.engine import Touch
    from flows.evaluation import NOT_EVALUATED_STATES

    if pump.flow is None or not pump.flow.finished or pump.view.state in NOT_EVALUATED_STATES:
        return
    view = pump.finish()
    if view is None or view.flow != "evaluation" or "skip" not in view.actions:
        raise ScenarioFailed(f"{pump.view.flow} did not end on the evaluation step")
    pump.send(Touch("skip"))
    if pump.view.state != "skipped":
        raise ScenarioFailed(f"the evaluation step did not end when skipped ({pump.view.state})")


def run_all(runtime: Runtime, scenarios: Mapping[str, str] | None = None) -> list[SelftestResult]:
    """Every service's scenario, in the order of the home screen (or the given ones)."""
    chosen = scenarios if scenarios is not None else {s: SCENARIOS[s] for s in selftest_services()}
    return [run_scenario(runtime, service_id, reference) for service_id, reference in chosen.items()]


def all_passed(results: list[SelftestResult]) -> bool:
    return bool(results) and all(r.passed for r in results)


def format_table(results: list[SelftestResult]) -> str:
    """The technician's pass/fail table, one row per service."""
    header = f"{'service':<20} {'result':<6} {'machine time':>12} {'touches':>7}  detail"
    rows = [header, "-" * len(header)]
    for r in results:
        rows.append(f"{r.service_id:<20} {'pass' if r.passed else 'FAIL':<6} {r.seconds * 1000:>9.0f} ms "
                    f"{r.touches:>7}  {r.detail}")
    return "\n".join(rows)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
