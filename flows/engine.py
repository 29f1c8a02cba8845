"""The flow engine: named states, named events, allowed transitions readable in one place.

A flow is driven by events (a touch, a card, a scan, a payment notice, a timeout, a device
fault) and exposes a `FlowView`: what the screen must show, as message keys and data. Flows
are synchronous and import no Kivy: tests drive them directly; the UI runs them off the main
thread and renders their view.
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Generic, Mapping, TypeVar

log = logging.getLogger(__name__)

S = TypeVar("S", bound=enum.Enum)


# ----- events -----
@dataclass(frozen=True)
class Event:
    """Base of every event a flow accepts."""


@dataclass(frozen=True)
class Touch(Event):
    """The citizen pressed an action button; `value` carries a choice or typed text."""
    action: str
    value: Any = None


@dataclass(frozen=True)
class Tick(Event):
    """Time passed: flows check their named deadlines (card wait, payment expiry)."""


@dataclass(frozen=True)
class CardInserted(Event):
    kind: str  # "idcard" | "permit"


@dataclass(frozen=True)
class CardRemoved(Event):
    kind: str


@dataclass(frozen=True)
class Scanned(Event):
    text: str


@dataclass(frozen=True)
class PaymentNotice(Event):
    status: str  # "paid" | "declined" | "expired"


@dataclass(frozen=True)
class DeviceFault(Event):
    kind: str
    message_key: str


@dataclass(frozen=True)
class Cancel(Event):
    """The citizen confirmed 'leave' (or the session timed out)."""
    reason: str = "cancel"


# ----- what the screen shows -----
@dataclass(frozen=True)
class FlowView:
    """Everything a screen needs to render the current state, and nothing it could misuse."""

    flow: str
    state: str
    message_key: str                      # the one instruction on screen
    step: int = 0                         # "step 3 of 6"; 0 = no step bar
    steps: int = 0
    actions: tuple[str, ...] = ()         # touch actions the flow accepts now
    data: Mapping[str, Any] = field(default_factory=dict)
    error_key: str | None = None          # why the previous action failed, if it did
    deadline: float | None = None         # monotonic time a countdown ends, if one runs
    finished: bool = False                # the flow ended (success or refusal)


class TransitionError(RuntimeError):
    """A flow tried a transition its table does not allow: a programming error."""


class Flow(Generic[S]):
    """Base class: subclasses declare `State`, `TRANSITIONS`, `STEPS` and handle events.

    `TRANSITIONS` maps each state to the states it may move to: the whole machine, in one place.
    """

    name: ClassVar[str]
    TRANSITIONS: ClassVar[Mapping[Any, frozenset]]
    # state -> (step number, message key): what the screen shows in each state
    VIEWS: ClassVar[Mapping[Any, tuple[int, str]]]
    STEPS: ClassVar[int]

    def __init__(self, initial: S, now: Callable[[], float] = time.monotonic) -> None:
        self.state: S = initial
        self.now = now
        self.error_key: str | None = None
        self.deadline: float | None = None
        self.data: dict[str, Any] = {}
        self._listeners: list[Callable[[FlowView], None]] = []
        self._take_watch: Any = None  # flows/take_watch.py, once a permit service has ended

    # ----- transitions -----
    def go(self, target: S, error_key: str | None = None) -> None:
        if target not in self.TRANSITIONS.get(self.state, frozenset()):
            raise TransitionError(f"{self.name}: {self.state.name} -> {target.name} is not allowed")
        log.info("%s: %s -> %s%s", self.name, self.state.name, target.name,
                 f" ({error_key})" if error_key else "")
        self.state = target
        self.error_key = error_key
        if self.finished:
            self._watch_take()
        self._notify()

    # ----- the end: the permit card still to be taken (issue 14) -----
    def _watch_take(self) -> bool:
        """At the end of a service that took the permit card, and on each tick after it: is the
        card still in the slot or at its opening? True when the answer changed."""
        if self._take_watch is None:
            from flows.take_watch import TAKE_ALERT_SECONDS, TakeWatch, uses_permit

            ctx = getattr(self, "ctx", None)
            if ctx is None or not uses_permit(self):
                return False
            self._take_watch = TakeWatch(ctx, ctx.settings.get("take_alert_seconds", TAKE_ALERT_SECONDS))
        return self._take_watch.check(self.now())

    @property
    def awaiting_take(self) -> tuple[str, ...]:
        """What the citizen still has to take now the service has ended ("card"), or ()."""
        return self._take_watch.untaken if self._take_watch is not None else ()

    def _stay(self, error_key: str | None) -> None:
        """Redraw the same state, with or without an error line (also when only data changed)."""
        self.error_key = error_key
        self._notify()

    def note(self, error_key: str | None) -> None:
        """Stay in the current state but change what the screen says went wrong (a card pulled
        out too early, a payment check that could not reach the back end), or clear it."""
        if error_key != self.error_key:
            log.info("%s: %s (%s)", self.name, self.state.name, error_key or "cleared")
            self.error_key = error_key
            self._notify()

    def subscribe(self, listener: Callable[[FlowView], None]) -> None:
        """The UI listens to redraw whenever the state changes."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        view = self.view()
        for listener in self._listeners:
            listener(view)

    # ----- shared events, declared once for every flow -----
    def handle(self, event: Event) -> None:
        """Every flow's machine-level events: nothing happens after the end; a Cancel (the
        session ends) or the citizen's own "cancel" touch goes to `on_cancel`; a device fault
        redraws the current step with its message; every other event goes to `on_event`."""
        if self.finished:
            if isinstance(event, Tick) and self.awaiting_take and self._watch_take():
                self._notify()
            return
        if isinstance(event, Cancel):
            self.on_cancel(event.reason)
        elif isinstance(event, Touch) and event.action == "cancel":
            self.on_cancel("cancel")
        elif isinstance(event, DeviceFault):
            self.on_device_fault(event.message_key)
        else:
            self.on_event(event)

    def on_device_fault(self, message_key: str) -> None:
        self.note(message_key)

    # ----- what subclasses implement -----
    def on_cancel(self, reason: str) -> None:
        """Release what the flow holds (refund, card) and end."""
        raise NotImplementedError

    def on_event(self, event: Event) -> None:
        """The flow's own events: touches, ticks, device events, payment notices."""
        raise NotImplementedError

    def actions(self) -> tuple[str, ...]:
        return ()

    def view_data(self) -> Mapping[str, Any]:
        return {}

    @property
    def finished(self) -> bool:
        return not self.TRANSITIONS.get(self.state)

    def view(self) -> FlowView:
        step, key = self.VIEWS[self.state]
        data = self.view_data()
        watch = self._take_watch
        if self.finished and watch is not None and (watch.untaken or watch.overdue):
            data = {**data, "awaiting_take": watch.untaken, "take_overdue": watch.overdue,
                    "card_retracted": watch.retracted}
        return FlowView(flow=self.name, state=self.state.name.lower(), message_key=key, step=step,
                        steps=self.STEPS, actions=self.actions(), data=data,
                        error_key=self.error_key, deadline=self.deadline, finished=self.finished)


def check_transition_table(flow_class: type[Flow],
                           states: type[enum.Enum] | tuple[type[enum.Enum], ...]) -> list[str]:
    """Problems in a flow's tables: states with no view, targets that are not states.
    Used by tests so a new state cannot be forgotten in one of the tables. A flow built on
    another flow's machine (acceptance on the application form) has its states in two enums."""
    kinds = states if isinstance(states, tuple) else (states,)
    problems = []
    for state in (member for kind in kinds for member in kind):
        if state not in flow_class.VIEWS:
            problems.append(f"{state.name} has no view")
        for target in flow_class.TRANSITIONS.get(state, ()):
            if not isinstance(target, kinds):
                problems.append(f"{state.name} -> {target!r} is not a state")
    return problems
