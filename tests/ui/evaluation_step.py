"""The end of every service on the real screens since issue 20: "finish", then the evaluation step
(好差评, flows/evaluation.py) that every finished service asks, skipped with its one touch, then home."""

from __future__ import annotations

from typing import Any

from kiosk.headless import describe, wait_for
from kiosk.ui.presenters import FINISH

STEP_SECONDS = 10.0


def finish_then_skip_evaluation(app: Any, citizen: Any, screen: Any) -> None:
    citizen.touch(citizen.bottom(screen, FINISH))

    def evaluation_shown() -> bool:
        model = app.flow_host.model
        return (model is not None and model.kind == "choice" and app.screens.current == "choice"
                and any(action.action == "skip" for action in model.actions))
    wait_for(evaluation_shown, "the evaluation step", STEP_SECONDS, lambda: describe(app))
    citizen.touch(citizen.bottom(app.screens.get_screen("choice"), "skip"))
    wait_for(lambda: app.screens.current == "home" and app.flow_host.runner is None, "the home screen",
             STEP_SECONDS, lambda: describe(app))


def evaluation_shown(app: Any) -> bool:
    model = app.flow_host.model
    return (model is not None and model.kind == "choice" and app.screens.current == "choice"
            and any(action.action == "skip" for action in model.actions))


def skip_evaluation_then_home(app: Any, tap: Any, find: Any, wait_for: Any) -> None:
    """After "finish" was touched, with the screen-test fixtures `tap`, `find` and `wait_for`: the
    evaluation step appears, its one touch skips it, and the kiosk is home with no flow."""
    wait_for(lambda: evaluation_shown(app), "the evaluation step after Finish", app)
    tap(find.action(app.screens.get_screen("choice"), "skip"))
    wait_for(lambda: app.screens.current == "home" and not app.flow_host.active, "home after the evaluation", app)
