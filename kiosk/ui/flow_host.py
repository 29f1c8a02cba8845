"""Runs the service the citizen chose: builds its flow, shows each view on its screen,
forwards touches, speaks each new instruction, and ends the session when the flow ends.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable

from kivy.clock import Clock

from core.i18n import N_
from flows import registry
from flows.engine import Cancel, FlowView, Touch
from flows.pump import FlowPump, PumpThread, RealClock
from kiosk.ui.model import ScreenModel, Text
from kiosk.ui.presenters import FINISH, finish_action, present
from kiosk.ui.presenters.pictures import TAKE_CARD
from terminal.take_alert import TakeAlert

if TYPE_CHECKING:
    from kiosk.app import KioskApp

log = logging.getLogger(__name__)

# After a service ends, the result stays this long before the kiosk wipes and goes home
# by itself (the citizen may walk off with the receipt without touching anything).
RESULT_SECONDS = 30
MSG_UNEXPECTED = N_("flow.unexpected_error")
# Issue 14: no return home while the permit card is still to be taken (flows/take_watch.py).
MSG_TAKE_CARD = N_("take.card_waiting")
MSG_TAKE_OVERDUE = N_("take.card_overdue")
MSG_CARD_RETRACTED = N_("take.card_retracted")


class FlowHost:
    def __init__(self, app: "KioskApp") -> None:
        self.app = app
        self.runner: PumpThread | None = None
        self.model: ScreenModel | None = None
        self._spoken = ""
        self._auto_finish = None
        self._home_at: float | None = None  # when a finished service's screen goes home
        self.service_id = ""
        self._closing = False
        self._awaiting_take = False  # the finished service waits for its card to be taken
        self.take_alert = TakeAlert(app.backstage.alerts)

    @property
    def active(self) -> bool:
        return self.runner is not None

    @property
    def awaiting_take(self) -> bool:
        """The service has ended with the permit card still to be taken: no countdown home and
        no idle wipe until it is (or the flow's long limit has alerted the hall)."""
        return self.runner is not None and self._awaiting_take

    @property
    def closing(self) -> bool:
        """A flow is still finishing its last event; no new service may start until it has."""
        return self._closing

    def start(self, service_id: str) -> None:
        runtime = self.app.backstage.runtime
        if runtime is None or self._closing:
            return
        self.service_id = service_id
        pump = FlowPump(runtime.flow_context(), clock=RealClock())
        pump.start(registry.entry(service_id).load_flow())
        self.runner = PumpThread(pump, self._show, self._failed,
                                 deliver=lambda fn: Clock.schedule_once(lambda _dt: fn(), 0))
        log.info("service %s started", service_id)
        self.runner.start()

    def touch(self, action: str, value: Any = None) -> None:
        if action == FINISH:
            self._finish()
            return
        if self.runner is not None:
            self.runner.send(Touch(action, value))

    def _finish(self) -> None:
        """The citizen is done: the evaluation step once after a service (flows/evaluation.py, by
        the pump), then home; the result's own countdown stops, the step has its own."""
        if self._auto_finish is not None:
            self._auto_finish.cancel()
            self._auto_finish = None
        if self.runner is None:
            self.app.end_session("service finished")
            return
        self.runner.finish(lambda: self.app.end_session("service finished"))

    def ask_cancel(self) -> None:
        from kiosk.ui.widgets import ConfirmLeave
        ConfirmLeave().open(animation=False)

    def cancel(self) -> None:
        self.app.end_session("cancelled by the citizen")

    def close(self, reason: str, then: Callable[[], None]) -> None:
        """The session ends (cancel, timeout, finish): the flow gets a Cancel to release what it
        holds (refund, card), and `then` (the wipe) runs once the flow's thread has let go."""
        if self._auto_finish is not None:
            self._auto_finish.cancel()
            self._auto_finish = None
        self.model = None
        self._spoken = ""
        self._awaiting_take = False
        self.take_alert.clear()  # the session ends: the hall's line about the card ends with it
        runner, self.runner = self.runner, None
        if runner is None:
            then()
            return
        self._closing = True

        def closed() -> None:
            self._closing = False
            then()
        runner.close(Cancel(reason), on_closed=closed)

    def camera_frame(self):
        runtime = self.app.backstage.runtime
        camera = runtime.devices.get("camera") if runtime is not None else None
        return camera.latest_frame() if camera is not None else None

    # ----- views -----
    def _show(self, view: FlowView) -> None:
        if self.runner is None:
            return
        self._awaiting_take = bool(view.finished and view.data.get("awaiting_take"))
        first_end = view.finished and self._auto_finish is None and not self._awaiting_take
        self.model = self.presented(view, restart=first_end)
        self.display(self.model)
        if view.data.get("take_overdue") and not self.take_alert.raised:
            log.warning("permit card not taken at the end of %s: hall alerted", self.service_id)
            self.take_alert.raise_for(self.service_id, self.app.settings["flows"]["take_alert_seconds"],
                                      bool(view.data.get("card_retracted")))
        if first_end:
            self._auto_finish = Clock.schedule_once(lambda _dt: self.app.end_session("result shown"),
                                                    max(0.0, self._home_at - time.monotonic()))

    def presented(self, view: FlowView, restart: bool = True) -> ScreenModel:
        """The screen for `view`. A service's end counts down to home, visibly (issue 14: a
        tap meant for 'Finish' landed on the home screen when it came back unannounced); the
        evaluation's end says how soon home comes (at once when skipped or timed out)."""
        model = present(view)
        if view.finished and view.data.get("awaiting_take"):
            # the card lies at the slot: say so and wait for it, no countdown home (issue 14);
            # the flow's own problem (a card stuck in the slot, a receipt not printed) comes first
            take = Text(MSG_TAKE_OVERDUE if view.data.get("take_overdue") else MSG_TAKE_CARD)
            return replace(model, deadline=None, picture=model.picture or TAKE_CARD, error=model.error or take)
        if view.finished and view.data.get("card_retracted"):
            model = replace(model, error=Text(MSG_CARD_RETRACTED))
        if not view.finished or model.deadline is not None:
            return model
        if restart or self._home_at is None:
            self._home_at = time.monotonic() + view.data.get("home_in_seconds", RESULT_SECONDS)
        return replace(model, deadline=self._home_at)

    def display(self, model: ScreenModel, speak: bool = True) -> None:
        """Draw `model` on its kind of screen and bring that screen up (and say its instruction)."""
        screens = self.app.screens
        screen = screens.get_screen(model.kind)
        screen.show(model)
        screens.current = model.kind
        if speak:
            self._speak(screen.instruction)

    def _speak(self, text: str) -> None:
        if text and text != self._spoken:
            self._spoken = text
            self.app.speak(text)

    def _failed(self, _error: BaseException) -> None:
        """A flow bug: say so plainly, never a stack trace; the log has the details."""
        self.runner = None
        self.model = ScreenModel("problem", Text(MSG_UNEXPECTED), actions=(finish_action(),), finished=True)
        self.display(self.model)

    def redraw(self) -> None:
        """The language changed: draw the current screen again in the new language."""
        if self.model is not None:
            screen = self.app.screens.get_screen(self.model.kind)
            screen.redraw()
            self._spoken = ""
            self._speak(screen.instruction)
