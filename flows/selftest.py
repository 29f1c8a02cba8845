"""Running every built service end to end on simulated devices: the technician's self-test.

Each registered flow (flows/registry.py) has a scenario that plays a citizen: it puts a
demo person's card on the simulated reader, scans codes, pays, touches the screen, and
checks the flow ends as it should. The `FlowDriver` gives scenarios (and the flow tests
and the benchmark) one way to do that:

- a virtual clock: every tick advances the flows' clock by TICK_STEP_SECONDS, so waits made
  for a person (the photo countdown, pauses between face comparisons) cost no real time,
  while devices and the back end still run in real time over their real channels;
- touches counted, so the benchmark can report how many a citizen needs.

"Machine time" is the wall time of a scenario with zero think time: computing, device line
times and back-end round trips, not the seconds a citizen would spend reading.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flows.engine import Event, Flow, FlowView, Tick, Touch
from flows.registry import FLOWS, FlowEntry

if TYPE_CHECKING:
    from kiosk.runtime import Runtime

log = logging.getLogger(__name__)

# Virtual seconds per tick: a 10 Hz screen timer.
TICK_STEP_SECONDS = 0.1
# A wait for a device or the back end (a card read, a scan on the line) gives up after this
# much real time: far beyond any healthy device, short enough that a hung self-test ends.
DEVICE_WAIT_LIMIT_SECONDS = 10.0
# Real pause between two ticks that changed nothing, so a thread delivering a scan or a
# camera frame gets the processor.
IDLE_TICK_PAUSE_SECONDS = 0.002


class ScenarioFailed(AssertionError):
    """A scenario did not go as a healthy kiosk would; the message says where."""


class VirtualClock:
    """The flows' clock during a scenario: moves only when the driver ticks."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


class FlowDriver:
    """Drives one flow at a time with events, as the screen and the devices would."""

    def __init__(self, runtime: Runtime, clock: VirtualClock | None = None) -> None:
        self.runtime = runtime
        self.clock = clock or VirtualClock()
        self.ctx = dataclasses.replace(runtime.flow_context(), now=self.clock)
        self.flow: Flow[Any] | None = None
        self.touches = 0
        self.ticks = 0

    @property
    def simulators(self) -> dict[str, Any]:
        return self.runtime.simulators

    def start(self, flow_class: type[Flow[Any]], **options: Any) -> FlowView:
        """A new flow of `flow_class` on this driver's context; counts start from zero."""
        self.flow = flow_class(self.ctx, **options)
        self.touches = 0
        self.ticks = 0
        return self.flow.view()

    @property
    def view(self) -> FlowView:
        return self._flow.view()

    @property
    def _flow(self) -> Flow[Any]:
        if self.flow is None:
            raise ScenarioFailed("no flow started")
        return self.flow

    def touch(self, action: str, value: Any = None) -> FlowView:
        """The citizen presses `action` (with a choice or typed text)."""
        if action not in self.view.actions:
            raise ScenarioFailed(f"{self.view.flow}: '{action}' is not offered in state {self.view.state}")
        self.touches += 1
        return self.send(Touch(action, value))

    def send(self, event: Event) -> FlowView:
        self._flow.handle(event)
        return self.view

    def tick(self) -> FlowView:
        self.ticks += 1
        self._flow.handle(Tick())
        self.clock.advance(TICK_STEP_SECONDS)
        return self.view

    def tick_until(self, condition: Callable[[FlowView], bool], what: str,
                   limit_seconds: float = DEVICE_WAIT_LIMIT_SECONDS) -> FlowView:
        """Tick until `condition(view)` holds; ScenarioFailed if the flow ends or time runs out."""
        deadline = time.monotonic() + limit_seconds
        view = self.view
        while not condition(view):
            if view.finished:
                raise ScenarioFailed(f"{view.flow} ended in {view.state} ({view.error_key}) waiting for {what}")
            if time.monotonic() > deadline:
                raise ScenarioFailed(f"{view.flow} still in {view.state} ({view.error_key}) after "
                                     f"{limit_seconds:g} s waiting for {what}")
            before = (view.state, view.error_key)
            view = self.tick()
            if (view.state, view.error_key) == before:
                time.sleep(IDLE_TICK_PAUSE_SECONDS)
        return view

    def tick_until_state(self, *states: str, limit_seconds: float = DEVICE_WAIT_LIMIT_SECONDS) -> FlowView:
        return self.tick_until(lambda v: v.state in states, " or ".join(states), limit_seconds)

    def expect(self, *states: str) -> FlowView:
        view = self.view
        if view.state not in states:
            raise ScenarioFailed(f"{view.flow}: expected {' or '.join(states)}, is in {view.state} "
                                 f"({view.error_key})")
        return view


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


def run_scenario(runtime: Runtime, entry: FlowEntry) -> SelftestResult:
    """One service's scenario on a clean session; never raises for a failing scenario."""
    runtime.session.wipe(f"selftest {entry.service_id} starts")
    driver = FlowDriver(runtime)
    started = time.perf_counter()
    try:
        scenario = entry.load_scenario()
        scenario(driver)
    except Exception as exc:  # noqa: BLE001 - a self-test reports every failure as a row
        seconds = time.perf_counter() - started
        log.warning("selftest %s failed: %s", entry.service_id, exc)
        return SelftestResult(entry.service_id, False, seconds, driver.touches, _one_line(exc))
    finally:
        runtime.session.wipe(f"selftest {entry.service_id} ends")
    return SelftestResult(entry.service_id, True, time.perf_counter() - started, driver.touches)


def run_all(runtime: Runtime, entries: Iterable[FlowEntry] = FLOWS) -> list[SelftestResult]:
    return [run_scenario(runtime, entry) for entry in entries]


def all_passed(results: list[SelftestResult]) -> bool:
    return bool(results) and all(r.passed for r in results)


def format_table(results: list[SelftestResult]) -> str:
    """The technician's pass/fail table, one row per service."""
    header = f"{'service':<18} {'result':<6} {'machine time':>12} {'touches':>7}  detail"
    rows = [header, "-" * len(header)]
    for r in results:
        rows.append(f"{r.service_id:<18} {'pass' if r.passed else 'FAIL':<6} {r.seconds * 1000:>9.0f} ms "
                    f"{r.touches:>7}  {r.detail}")
    return "\n".join(rows)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
