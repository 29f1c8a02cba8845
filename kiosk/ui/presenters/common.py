"""Pieces every flow's presenter repeats: the frame of a screen taken from a FlowView.

A presenter decides the screen kind and the content; the frame (step bar, instruction,
error banner, countdown, whether Cancel is offered, the Back button) follows from the view
the same way for every flow, so it is written once here.

Cancel is never a bottom-bar button: the frame's own Cancel asks once ("Leave? Your data will
be erased") and the flow host then sends the flow its Cancel. A presenter only says whether
the flow accepts a cancel now (the flow lists "cancel" among its actions).
"""

from __future__ import annotations

from typing import Any, Mapping

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Action, Row, ScreenModel, Text
from kiosk.ui.presenters import finish_action

CANCEL = "cancel"
BACK = "back"
MSG_BACK = N_("flow.back")
# "Where to go" when the kiosk cannot help: the terminal's own words per language.
MSG_WHERE_TO_GO = N_("screen.where_to_go")
# The catalogs translate this key to "{zh_CN}" and "{en}": with a flow's counter_hint
# ({"zh_CN": ..., "en": ...}) as values, each language shows the terminal's own sentence.
MSG_COUNTER_HINT = N_("screen.counter_hint")
MSG_YUAN = N_("screen.yuan")


def instruction(view: FlowView, **values: Any) -> Text:
    """The flow's one instruction, its placeholders (if any) filled from `values`: only what the
    sentence needs, so the model stays the same while other data ticks (a countdown)."""
    return Text(view.message_key, values)


def error(view: FlowView) -> Text | None:
    return Text(view.error_key) if view.error_key else None


def accepts(view: FlowView, action: str) -> bool:
    return action in view.actions


def frame(view: FlowView, kind: str, **content: Any) -> ScreenModel:
    """A ScreenModel of `kind` with the frame every flow screen shares, plus `content`.

    Unless the presenter says otherwise: step bar from the view, the flow's instruction and
    error, its countdown, Cancel when the flow accepts it, Back when the flow accepts it, and
    a finished flow gets the one button that ends the session."""
    fields: dict[str, Any] = {
        # step 0 is a state outside the numbered steps (a refusal, cancelled): no step bar
        "instruction": instruction(view), "step": view.step, "steps": view.steps if view.step else 0,
        "error": error(view),
        "deadline": view.deadline, "can_cancel": accepts(view, CANCEL) and not view.finished,
        "back": Action(BACK, Text(MSG_BACK)) if accepts(view, BACK) else None,
        "finished": view.finished,
    }
    if view.finished:
        fields["actions"] = (finish_action(),)
    fields.update(content)
    return ScreenModel(kind, **fields)


def counter_hint_text(data: Mapping[str, Any]) -> Text | None:
    """The terminal's "where to go" sentence in the screen's language, if the flow gave one."""
    hint = data.get("counter_hint")
    if not isinstance(hint, Mapping) or not hint:
        return None
    return Text(MSG_COUNTER_HINT, dict(hint))


def counter_hint_row(data: Mapping[str, Any]) -> tuple[Row, ...]:
    hint = counter_hint_text(data)
    return (Row(Text(MSG_WHERE_TO_GO), hint),) if hint is not None else ()


def money(amount: Any) -> Text:
    """An amount in yuan as the screen shows it ("¥30.00")."""
    return Text(MSG_YUAN, {"amount": amount})


def literal(value: Any) -> Text:
    """Text shown as it is in every language: a number, a date, a place name from the back end."""
    return Text(literal="" if value is None else str(value))

