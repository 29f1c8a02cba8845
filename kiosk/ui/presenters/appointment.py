"""Screens of the appointment check-in (flows/appointment.py), one per flow state.

Scan the appointment's QR code (the screen moves on by itself) or type the code; the queue
ticket's number is shown large on the result, with the service, the time and how many wait
ahead, also when the ticket could not be printed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import InputField, Row, ScreenModel, Text
from kiosk.ui.presenters import generic, pictures
from kiosk.ui.presenters import parts as p
from kiosk.ui.presenters.common import literal

MSG_TYPE_CODE = N_("screen.appointment.type_code")
MSG_TICKET = N_("screen.appointment.row.ticket_number")
MSG_SERVICE = N_("screen.appointment.row.service")
MSG_TIME = N_("screen.appointment.row.time")
MSG_WAITING = N_("screen.appointment.row.waiting_ahead")
MSG_PEOPLE = N_("screen.appointment.people")  # "{count} people"


def present(view: FlowView) -> ScreenModel:
    build = STATES.get(view.state)
    return build(view) if build is not None else generic(view)


def scan(view: FlowView) -> ScreenModel:
    field = InputField("code", Text(MSG_TYPE_CODE), "", "code", "code", value_only=True)
    return p.screen(view, "device_action", picture=pictures.SCAN_QR, fields=(field,))


def _ticket_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    return (Row(Text(MSG_TICKET), literal(data["ticket_number"]), large=True),
            Row(Text(MSG_SERVICE), Text(data["service_key"])),
            Row(Text(MSG_TIME), literal(data["appointment_start"])),
            Row(Text(MSG_WAITING), Text(MSG_PEOPLE, {"count": data["waiting_ahead"]})))


def done(view: FlowView) -> ScreenModel:
    return p.ended_well(view, _ticket_rows(view.data))


def done_not_printed(view: FlowView) -> ScreenModel:
    """No ticket came out: the number on screen is the one the hall will call; nothing else to do."""
    return p.done_not_printed(view, _ticket_rows(view.data), counter=False)


STATES: dict[str, Callable[[FlowView], ScreenModel]] = {
    "scan": scan,
    "check_in_failed": p.retry_problem,
    "printing": p.working,
    "done": done,
    "done_not_printed": done_not_printed,
    "cancelled": p.cancelled,
}
