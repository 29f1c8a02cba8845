"""Presenters: each flow's view turned into a ScreenModel (plain Python, no Kivy).

`present(view)` picks the flow's own presenter (kiosk/ui/presenters/<flow name>.py, a
`present(view) -> ScreenModel` function) and falls back to a generic one that shows the
instruction and one button per action, so a new flow is usable before it is polished.
"""

from __future__ import annotations

import importlib
from typing import Callable

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Action, ScreenModel, Text

FINISH = "__finish__"  # handled by the flow host: end the session and return home
FINISH_LABEL = N_("flow.finish")

Presenter = Callable[[FlowView], ScreenModel]
_cache: dict[str, Presenter] = {}


def presenter_for(flow_name: str) -> Presenter:
    if flow_name not in _cache:
        try:
            module = importlib.import_module(f"kiosk.ui.presenters.{flow_name}")
            _cache[flow_name] = module.present
        except ModuleNotFoundError as exc:
            if exc.name != f"kiosk.ui.presenters.{flow_name}":
                raise
            _cache[flow_name] = generic
    return _cache[flow_name]


def present(view: FlowView) -> ScreenModel:
    return presenter_for(view.flow)(view)


def finish_action() -> Action:
    return Action(FINISH, Text(FINISH_LABEL), primary=True)


def generic(view: FlowView) -> ScreenModel:
    """Any flow state: the instruction, the error, and a button per accepted action."""
    if view.finished:
        kind = "problem" if view.error_key else "result"
        return ScreenModel(kind, Text(view.message_key, view.data), view.step, view.steps,
                           error=Text(view.error_key) if view.error_key else None,
                           actions=(finish_action(),), finished=True)
    actions = tuple(Action(a, Text(f"action.{a}")) for a in view.actions)
    return ScreenModel("working" if not actions else "device_action", Text(view.message_key, view.data),
                       view.step, view.steps, error=Text(view.error_key) if view.error_key else None,
                       actions=actions, deadline=view.deadline)
