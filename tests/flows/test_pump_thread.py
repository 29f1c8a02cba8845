"""The threaded engine feeds events to a flow on its own thread, delivers views, and survives a flow bug."""

from __future__ import annotations

import enum
import queue
import threading

from flows.engine import Flow, Touch
from flows.pump import FlowPump, PumpThread, RealClock


class S(enum.Enum):
    START = 1
    DONE = 2


class Counter(Flow[S]):
    name = "counter"
    TRANSITIONS = {S.START: frozenset({S.DONE})}
    VIEWS = {S.START: (1, "k.start"), S.DONE: (2, "k.done")}
    STEPS = 2

    def __init__(self) -> None:
        super().__init__(S.START)
        self.threads: set[str] = set()

    def handle(self, event) -> None:
        self.threads.add(threading.current_thread().name)
        if isinstance(event, Touch) and event.action == "finish":
            self.go(S.DONE)
        if isinstance(event, Touch) and event.action == "crash":
            raise RuntimeError("bug")


def make_runner(flow):
    calls: queue.Queue = queue.Queue()
    views, failures = [], []
    pump = FlowPump(None, clock=RealClock())
    pump.adopt(flow)
    runner = PumpThread(pump, views.append, failures.append, deliver=calls.put)
    return runner, calls, views, failures


def drain(calls, until, timeout=5.0):
    while not until():
        calls.get(timeout=timeout)()


def test_events_run_off_the_ui_thread_and_views_come_back():
    flow = Counter()
    runner, calls, views, _ = make_runner(flow)
    runner.start()
    runner.send(Touch("finish"))
    drain(calls, lambda: any(v.state == "done" for v in views))
    runner.stop()
    assert views[0].state == "start" and views[-1].finished
    assert flow.threads == {"flow-counter"}


def test_a_failing_flow_reports_instead_of_crashing():
    runner, calls, _, failures = make_runner(Counter())
    runner.start()
    runner.send(Touch("crash"))
    drain(calls, lambda: bool(failures))
    assert isinstance(failures[0], RuntimeError)
    assert not runner.running
