"""Runs a flow off the Kivy thread and hands each new view back to it.

A card read, a card write or a back-end call takes from a few to a few hundred milliseconds;
done on the Kivy thread it would freeze the screen and swallow touches. The runner feeds
events to the flow one at a time on a worker thread (flows are synchronous and not
re-entrant) and delivers every view to the screen on the Kivy thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Callable

from flows.engine import Event, Flow, FlowView, Tick

log = logging.getLogger(__name__)

# Flows check their deadlines (payment expiry, card wait) and poll devices on each tick.
TICK_SECONDS = 0.5
# A stuck event (a device that never answers) must not keep the worker forever on close.
STOP_JOIN_SECONDS = 5.0

ViewSink = Callable[[FlowView], None]
FailureSink = Callable[[BaseException], None]


class FlowRunner:
    """Owns one flow while it is on screen: events in, views out, ticks in between."""

    def __init__(self, flow: Flow, on_view: ViewSink, on_failure: FailureSink,
                 deliver: Callable[[Callable[[], None]], None]) -> None:
        """`deliver(fn)` runs fn on the UI thread (Kivy: Clock.schedule_once)."""
        self.flow = flow
        self._on_view = on_view
        self._on_failure = on_failure
        self._deliver = deliver
        self._events: queue.Queue[Event | None] = queue.Queue()
        self._stopped = threading.Event()
        self._muted = False
        self._on_closed: Callable[[], None] | None = None
        self._worker = threading.Thread(target=self._work, name=f"flow-{flow.name}", daemon=True)
        self._ticker = threading.Thread(target=self._tick, name=f"tick-{flow.name}", daemon=True)
        flow.subscribe(self._view_changed)

    def start(self, first: Event | None = None) -> None:
        self._worker.start()
        self._ticker.start()
        self._view_changed(self.flow.view())
        if first is not None:
            self.send(first)

    def send(self, event: Event) -> None:
        if not self._stopped.is_set():
            self._events.put(event)

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
                self.flow.handle(event)
            except Exception as exc:  # a flow bug must not kill the kiosk: show the error screen
                log.exception("flow %s failed on %s", self.flow.name, type(event).__name__)
                self._stopped.set()
                failure = exc
                self._deliver(lambda: self._on_failure(failure))
                return

    def _tick(self) -> None:
        # A flow may ask for faster ticks (the photo flow judges camera frames on each one).
        interval = getattr(self.flow, "TICK_SECONDS", TICK_SECONDS)
        while not self._stopped.wait(interval):
            if self.flow.finished:
                return
            self._events.put(Tick())
