"""A wait for a device (FlowPump.tick_until) measures the flow's own time, not the time its
listeners take: the screenshots draw and audit each view inside their listener, which on a
loaded machine took seconds a view, and scenarios stopped early ("still in face after 10 s
waiting for insert_permit") although every device had answered (issue 14)."""

from __future__ import annotations

import enum
import time
from typing import ClassVar

import pytest

from flows.engine import Flow, Tick
from flows.pump import FlowPump, ScenarioFailed


class S(enum.Enum):
    ONE = 1
    TWO = 2
    THREE = 3


class Steps(Flow[S]):
    """Moves one state further on each tick, up to THREE."""

    name = "steps"
    TRANSITIONS: ClassVar = {S.ONE: frozenset({S.TWO}), S.TWO: frozenset({S.THREE})}
    VIEWS: ClassVar = {S.ONE: (1, "k.one"), S.TWO: (2, "k.two"), S.THREE: (3, "k.three")}
    STEPS = 3

    def __init__(self, stop_at: S = S.THREE) -> None:
        super().__init__(S.ONE)
        self.stop_at = stop_at

    def handle(self, event) -> None:
        if isinstance(event, Tick) and self.state is S.ONE:
            self.go(S.TWO)
        elif isinstance(event, Tick) and self.state is S.TWO and self.stop_at is S.THREE:
            self.go(S.THREE)


SLOW_DRAW_SECONDS = 0.4
LIMIT_SECONDS = 0.3


def pump_with_slow_listener(flow: Flow) -> FlowPump:
    pump = FlowPump(None)
    pump.listen(lambda _view: time.sleep(SLOW_DRAW_SECONDS))
    pump.adopt(flow)
    return pump


def test_time_spent_drawing_views_does_not_count_against_the_wait():
    pump = pump_with_slow_listener(Steps())
    started = time.monotonic()
    view = pump.tick_until_state("three", limit_seconds=LIMIT_SECONDS)
    assert view.state == "three"
    # the two new views took longer than the limit to draw, yet the wait held
    assert time.monotonic() - started > LIMIT_SECONDS
    assert pump.listening_seconds >= 2 * SLOW_DRAW_SECONDS


def test_a_flow_that_never_gets_there_still_fails_at_its_limit():
    pump = pump_with_slow_listener(Steps(stop_at=S.TWO))
    started = time.monotonic()
    with pytest.raises(ScenarioFailed, match="still in two"):
        pump.tick_until_state("three", limit_seconds=LIMIT_SECONDS)
    elapsed = time.monotonic() - started
    assert LIMIT_SECONDS + SLOW_DRAW_SECONDS <= elapsed < LIMIT_SECONDS + SLOW_DRAW_SECONDS + 2.0
