"""One way to drive a flow: events in, views out, ticks in between, on a clock.

A flow (flows/engine.py) only reacts to events; something must feed it touches, device
events and ticks, and hand each new view to whoever draws it. `FlowPump` is that one thing,
run by two engines (as python-statemachine runs one machine on a sync and an async engine):

- **synchronously on a virtual clock** (`FlowPump` alone): the self-test, the screenshots,
  the flow tests and the benchmarks call `touch`, `send` and `tick`. Every tick advances the
  flows' clock by TICK_STEP_SECONDS, so waits made for a person (the photo countdown, pauses
  between face comparisons) cost no real time, while devices and the back end still run in
  real time over their real channels. Touches are counted, so a benchmark can report how
  many a citizen needs.
- **on a worker thread in real time** (`PumpThread`): the Kivy shell. A card read or a
  back-end call takes up to a few hundred milliseconds; on the UI thread it would freeze the
  screen and swallow touches. The thread feeds events one at a time (flows are synchronous
  and not re-entrant), ticks at the flow's own rate, and delivers every view through a
  callback the shell runs on its UI thread.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flows.engine import Event, Flow, FlowView, Tick, Touch

if TYPE_CHECKING:
    from flows.context import FlowContext

log = logging.getLogger(__name__)

# Virtual seconds per tick: a 10 Hz screen timer.
TICK_STEP_SECONDS = 0.1
# Real seconds between ticks on the thread: flows check their deadlines (payment expiry, card
# wait) and poll devices on each tick; a flow may ask for faster ticks (TICK_SECONDS).
TICK_SECONDS = 0.5
# A wait for a device or the back end (a card read, a scan on the line) gives up after this
# much real time: far beyond any healthy device, short enough that a hung scenario ends.
DEVICE_WAIT_LIMIT_SECONDS = 10.0
# Real pause between two ticks that changed nothing, so a thread delivering a scan or a
# camera frame gets the processor.
IDLE_TICK_PAUSE_SECONDS = 0.002
# A stuck event (a device that never answers) must not keep the worker forever on stop.
STOP_JOIN_SECONDS = 5.0

ViewListener = Callable[[FlowView], None]


class ScenarioFailed(AssertionError):
    """A scripted run did not go as a healthy kiosk would; the message says where."""


class VirtualClock:
    """The flows' clock on the synchronous engine: moves only when the pump ticks."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


class RealClock:
    """The flows' clock on the threaded engine: the monotonic clock; ticks do not move it."""

    def __call__(self) -> float:
        return time.monotonic()

    def advance(self, seconds: float) -> None:
        """Real time moves by itself."""


class FlowPump:
    """Drives one flow at a time with events, as the screen and the devices would."""

    def __init__(self, ctx: FlowContext | None, clock: VirtualClock | RealClock | None = None) -> None:
        """`ctx` is what started flows are built on (None: only `adopt` flows built elsewhere)."""
        self.clock = clock or VirtualClock()
        self.ctx = dataclasses.replace(ctx, now=self.clock) if ctx is not None else None
        self.flow: Flow[Any] | None = None
        self.touches = 0
        self.ticks = 0
        self._listeners: list[ViewListener] = []
        # Real seconds the flow spent in its listeners (the screenshots draw and audit each view
        # there): not the devices' time, so waits for a device do not count them.
        self.listening_seconds = 0.0

    @property
    def simulators(self) -> dict[str, Any]:
        """Control handles of the simulated devices (put a card on, pay on the "phone", ...)."""
        return self.ctx.devices.context.simulators

    def listen(self, listener: ViewListener) -> None:
        """`listener(view)` hears every new view of this flow and of the flows started after."""
        def timed(view: FlowView) -> None:
            started = time.monotonic()
            try:
                listener(view)
            finally:
                self.listening_seconds += time.monotonic() - started

        self._listeners.append(timed)
        if self.flow is not None:
            self.flow.subscribe(timed)

    def start(self, flow_class: type[Flow[Any]], **options: Any) -> FlowView:
        """A new flow of `flow_class` on this pump's context; counts start from zero; the
        listeners hear its first view."""
        if self.ctx is None:
            raise ScenarioFailed("this pump has no flow context to build a flow on")
        return self.adopt(flow_class(self.ctx, **options))

    def adopt(self, flow: Flow[Any]) -> FlowView:
        """Drive `flow` from now on (built by the caller); counts start from zero; the listeners
        hear its first view."""
        self.flow = flow
        self.touches = 0
        self.ticks = 0
        for listener in self._listeners:
            self.flow.subscribe(listener)
        view = self.flow.view()
        for listener in self._listeners:
            listener(view)
        return view

    @property
    def view(self) -> FlowView:
        return self._flow.view()

    @property
    def tick_seconds(self) -> float:
        """The real pace this flow wants its ticks at (the photo flow judges frames on each)."""
        return getattr(self._flow, "TICK_SECONDS", TICK_SECONDS)

    @property
    def _flow(self) -> Flow[Any]:
        if self.flow is None:
            raise ScenarioFailed("no flow started")
        return self.flow

    def touch(self, action: str, value: Any = None) -> FlowView:
        """The citizen presses `action` (with a choice or typed text); it must be offered."""
        if action not in self.view.actions:
            raise ScenarioFailed(f"{self.view.flow}: '{action}' is not offered in state {self.view.state}")
        self.touches += 1
        return self.send(Touch(action, value))

    def send(self, event: Event) -> FlowView:
        self._flow.handle(event)
        return self.view

    def finish(self) -> FlowView | None:
        """The citizen touched "finish" on a finished service: the evaluation step follows, once
        per service (flows/evaluation.py decides when); its first view, or None when the session
        may end now. Touches and ticks go on counting."""
        from flows.evaluation import evaluation_after

        following = evaluation_after(self._flow, self.ctx)
        if following is None:
            return None
        touches, ticks = self.touches, self.ticks
        view = self.adopt(following)
        self.touches, self.ticks = touches, ticks
        return view

    def tick(self) -> FlowView:
        self.ticks += 1
        self._flow.handle(Tick())
        self.clock.advance(TICK_STEP_SECONDS)
        return self.view

    def tick_until(self, condition: Callable[[FlowView], bool], what: str,
                   limit_seconds: float = DEVICE_WAIT_LIMIT_SECONDS) -> FlowView:
        """Tick until `condition(view)` holds; ScenarioFailed if the flow ends or time runs out.
        The limit is real time less the time the listeners took (a view drawn three times and
        audited on a loaded machine is not a slow device)."""
        deadline = time.monotonic() + limit_seconds
        listened = self.listening_seconds
        view = self.view
        while not condition(view):
            if view.finished:
                raise ScenarioFailed(f"{view.flow} ended in {view.state} ({view.error_key}) waiting for {what}")
            if time.monotonic() - (self.listening_seconds - listened) > deadline:
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


FailureSink = Callable[[BaseException], None]


@dataclasses.dataclass(frozen=True)
class _Finish(Event):
    """The host's "finish" touch on a finished service, handled by the worker (`FlowPump.finish`)."""
    on_end: Callable[[], None]


class PumpThread:
    """Runs a started pump's flow on a worker thread in real time: events in, views out (each
    through `deliver`, which runs a function on the UI thread), ticks at the flow's pace."""

    def __init__(self, pump: FlowPump, on_view: ViewListener, on_failure: FailureSink,
                 deliver: Callable[[Callable[[], None]], None]) -> None:
        self.pump = pump
        self.flow = pump._flow
        self._on_view = on_view
        self._on_failure = on_failure
        self._deliver = deliver
        self._events: queue.Queue[Event | None] = queue.Queue()
        self._stopped = threading.Event()
        self._muted = False
        self._on_closed: Callable[[], None] | None = None
        self._worker = threading.Thread(target=self._work, name=f"flow-{self.flow.name}", daemon=True)
        self._ticker = threading.Thread(target=self._tick, name=f"tick-{self.flow.name}", daemon=True)
        pump.listen(self._view_changed)

    def start(self, first: Event | None = None) -> None:
        self._worker.start()
        self._ticker.start()
        self._view_changed(self.flow.view())
        if first is not None:
            self.send(first)

    def send(self, event: Event) -> None:
        if not self._stopped.is_set():
            self._events.put(event)

    def finish(self, on_end: Callable[[], None]) -> None:
        """The citizen finished the service on screen: the worker starts the evaluation step, or
        runs `on_end` on the UI thread when there is none (the session ends)."""
        self.send(_Finish(on_end))

    def close(self, final: Event, on_closed: Callable[[], None] | None = None) -> None:
        """Hand the flow one last event (a Cancel: refund, release the card) and let the worker
        end after it, without drawing any more views. `on_closed` runs on the UI thread once
        the worker has finished, so the session is wiped only when no flow code still reads it."""
        self._muted = True
        self._on_closed = on_closed
        self._events.put(final)
        self._events.put(None)
        if not self._worker.is_alive() and on_closed is not None:
            self._on_closed = None
            self._deliver(on_closed)

    def stop(self) -> None:
        self._stopped.set()
        self._events.put(None)
        if threading.current_thread() is not self._worker:
            self._worker.join(STOP_JOIN_SECONDS)

    @property
    def running(self) -> bool:
        return not self._stopped.is_set()

    def _view_changed(self, view: FlowView) -> None:
        if not self._stopped.is_set() and not self._muted:
            self._deliver(lambda: self._on_view(view))

    def _work(self) -> None:
        try:
            self._handle_events()
        finally:
            closed, self._on_closed = self._on_closed, None
            if closed is not None:
                self._deliver(closed)

    def _handle_events(self) -> None:
        while True:
            event = self._events.get()
            if event is None or self._stopped.is_set():
                self._stopped.set()
                return
            if isinstance(event, Tick) and not self._events.empty():
                continue  # a backlog of ticks carries no information: handle the real events
            try:
                if isinstance(event, Tick):
                    self.pump.tick()
                elif isinstance(event, _Finish):
                    if self.pump.finish() is None:
                        self._deliver(event.on_end)
                else:
                    self.pump.send(event)
            except Exception as exc:  # a flow bug must not kill the kiosk: show the error screen
                log.exception("flow %s failed on %s", self.flow.name, type(event).__name__)
                self._stopped.set()
                failure = exc
                self._deliver(lambda: self._on_failure(failure))
                return

    def _tick(self) -> None:
        interval = self.pump.tick_seconds
        while not self._stopped.wait(interval):
            flow = self.pump._flow
            # the evaluation step may follow a finished service; a finished one whose permit
            # card is still to be taken asks the module on each tick (flows/take_watch.py)
            if not flow.finished or flow.awaiting_take:
                self._events.put(Tick())
