"""Pieces the form, photo, progress and appointment presenters share: the screen every
flow shows while it works, when it needs a retry, when it ends well or badly, and the
identity step (kiosk/ui/presenters/identity.py) as these flows need it.

These four flows take a cancel at any time as the Cancel event, without listing "cancel"
among their touch actions: Cancel is offered on every screen of theirs except while an
effect is under way (sending, printing), which the flow finishes first.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Action, Row, ScreenModel, Text
from kiosk.ui.presenters.common import counter_hint_row, frame
from kiosk.ui.presenters.identity import identity_screen as shared_identity_screen

MSG_NEXT = N_("screen.action.next")
MSG_RETRY = N_("screen.action.retry")


def screen(view: FlowView, kind: str, **content: Any) -> ScreenModel:
    """The shared frame (kiosk/ui/presenters/common.py) with Cancel offered until the flow ends."""
    return frame(view, kind, **{"can_cancel": not view.finished, **content})


def identity_screen(view: FlowView) -> ScreenModel:
    """Place the card, look at the camera: the screens every service shares, cancellable here."""
    model = shared_identity_screen(view)
    assert model is not None, f"{view.flow}: {view.state} is not an identity state"
    return dataclasses.replace(model, can_cancel=not view.finished)


def next_action() -> Action:
    return Action("next", Text(MSG_NEXT), primary=True)


def retry_action() -> Action:
    return Action("retry", Text(MSG_RETRY), primary=True)


def working(view: FlowView) -> ScreenModel:
    """Sending, printing, checking: the spinner and the instruction; nothing to press and no
    Cancel (the flow finishes what it started before it listens again)."""
    return screen(view, "working", can_cancel=False)


def retry_problem(view: FlowView) -> ScreenModel:
    """The back end did not answer: say so, keep everything, one button to try again."""
    return screen(view, "problem", rows=counter_hint_row(view.data), actions=(retry_action(),))


def ended_badly(view: FlowView) -> ScreenModel:
    """A refusal, or the end without a result: what happened (the error banner), where to go,
    one button to finish."""
    return screen(view, "problem", rows=counter_hint_row(view.data))


def ended_well(view: FlowView, rows: tuple[Row, ...] = ()) -> ScreenModel:
    return screen(view, "result", rows=rows)


def done_not_printed(view: FlowView, rows: tuple[Row, ...], counter: bool = True) -> ScreenModel:
    """Done, but the printer failed: the flow's sentence says so and what to do with the number
    on screen. The printer's own message (the view's error) is left out: a second instruction,
    written for receipts in general, that may even contradict this one."""
    return screen(view, "problem", error=None, rows=rows + (counter_hint_row(view.data) if counter else ()))


def cancelled(view: FlowView) -> ScreenModel:
    """Rarely seen (a cancel goes home at once), but a flow may still report it."""
    return screen(view, "result", error=None)
