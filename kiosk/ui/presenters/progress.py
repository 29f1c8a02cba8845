"""Screens of the progress query (flows/progress.py), one per flow state.

The number is scanned from the summary's QR code (the screen moves on by itself) or typed on
the kiosk's keypad for codes (letters, digits, dash: "AP-20250301-000042"). The timeline is
one row per step, its day beside it, under the sentence that says where things stand now.
"""

from __future__ import annotations

from collections.abc import Callable

from backend_client.models import ApplicationStatus
from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import InputField, Row, ScreenModel, Text
from kiosk.ui.presenters import generic, pictures
from kiosk.ui.presenters import parts as p
from kiosk.ui.presenters.common import instruction, literal

MSG_TYPE_NUMBER = N_("screen.progress.type_number")
MSG_NUMBER = N_("screen.progress.row.application_number")
MSG_DOCUMENT = N_("screen.progress.row.document")


def present(view: FlowView) -> ScreenModel:
    build = STATES.get(view.state)
    return build(view) if build is not None else generic(view)


def number(view: FlowView) -> ScreenModel:
    field = InputField("number", Text(MSG_TYPE_NUMBER), "", "code", "number", value_only=True)
    return p.screen(view, "device_action", picture=pictures.SCAN_QR, fields=(field,))


def timeline(view: FlowView) -> ScreenModel:
    """Where it stands now (the instruction), then the number, the documents and each step."""
    data = view.data
    rows = [Row(Text(MSG_NUMBER), literal(data["application_number"]))]
    rows += [Row(Text(MSG_DOCUMENT), Text(key)) for key in data["documents"]]
    rows += [Row(literal(step["day"]), Text(step["message_key"])) for step in data["steps"]]
    now = instruction(view, **data["message_values"])
    if data["status"] == ApplicationStatus.REJECTED.value:
        return p.screen(view, "problem", instruction=now, rows=tuple(rows))
    return p.screen(view, "result", instruction=now, rows=tuple(rows))


STATES: dict[str, Callable[[FlowView], ScreenModel]] = {
    "card": p.identity_screen,
    "face": p.identity_screen,
    "number": number,
    "query_failed": p.retry_problem,
    "timeline": timeline,
    "refused": p.ended_badly,
    "cancelled": p.cancelled,
}
