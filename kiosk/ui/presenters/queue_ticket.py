"""Walk-in queue tickets on screen (flows/queue_ticket.py), state by state.

A tile per service, and "priority" for the elderly, disabled, pregnant and urgent -> (ID card,
face) -> the group, 60 or older greyed with why when the card says younger -> the service ->
the ticket: its number large, the service, the people ahead and about how long, and for a
priority ticket what to show at the counter. Out of paper: nothing issued, where to go instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Action, Option, Row, ScreenModel, Text
from kiosk.ui.presenters import generic
from kiosk.ui.presenters import parts as p
from kiosk.ui.presenters.appointment_booking import service_detail
from kiosk.ui.presenters.common import counter_hint_row, literal
from kiosk.ui.presenters.identity import identity_screen

MSG_PRIORITY = N_("screen.queue.priority")
MSG_TICKET = N_("screen.queue.row.ticket_number")
MSG_SERVICE = N_("screen.queue.row.service")
MSG_GROUP = N_("screen.queue.row.group")
MSG_WAITING = N_("screen.queue.row.waiting_ahead")
MSG_ESTIMATE = N_("screen.queue.row.estimate")
MSG_NOTE = N_("screen.queue.row.note")
MSG_PEOPLE = N_("screen.appointment.people")  # "{count} people": the check-in's words
MSG_ABOUT_MINUTES = N_("screen.queue.about_minutes")


def present(view: FlowView) -> ScreenModel:
    model = identity_screen(view)
    if model is not None:
        return model
    build = STATES.get(view.state)
    return build(view) if build is not None else generic(view)


def _services(view: FlowView) -> tuple[Option, ...]:
    return tuple(Option("service", s["value"], Text(s["key"]), service_detail(s["value"]))
                 for s in view.data.get("services", ()))


def choose(view: FlowView) -> ScreenModel:
    return p.screen(view, "choice", options=_services(view),
                    actions=(Action("priority", Text(MSG_PRIORITY)),))


def group(view: FlowView) -> ScreenModel:
    options = tuple(Option("group", g["value"], Text(g["key"]),
                           Text(g["reason_key"]) if g["reason_key"] else Text(g["note_key"]), enabled=g["enabled"])
                    for g in view.data.get("groups", ()))
    return p.screen(view, "choice", options=options)


def service(view: FlowView) -> ScreenModel:
    return p.screen(view, "choice", rows=(Row(Text(MSG_GROUP), Text(view.data["group_key"])),),
                    options=_services(view))


def ticket_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    rows = [Row(Text(MSG_TICKET), literal(data["ticket_number"]), large=True),
            Row(Text(MSG_SERVICE), Text(data["service_key"]))]
    if data.get("group_key"):
        rows.append(Row(Text(MSG_GROUP), Text(data["group_key"])))
    rows += [Row(Text(MSG_WAITING), Text(MSG_PEOPLE, {"count": data["waiting_ahead"]})),
             Row(Text(MSG_ESTIMATE), Text(MSG_ABOUT_MINUTES, {"minutes": data["minutes"]}))]
    if data.get("group_note_key"):
        rows.append(Row(Text(MSG_NOTE), Text(data["group_note_key"])))
    return tuple(rows)


def done(view: FlowView) -> ScreenModel:
    return p.ended_well(view, ticket_rows(view.data))


def done_not_printed(view: FlowView) -> ScreenModel:
    return p.done_not_printed(view, ticket_rows(view.data))


def no_paper(view: FlowView) -> ScreenModel:
    return p.screen(view, "problem", rows=counter_hint_row(view.data))


STATES: dict[str, Callable[[FlowView], ScreenModel]] = {
    "choose": choose, "group": group, "service": service, "backend_failed": p.retry_problem,
    "printing": p.working, "done": done, "done_not_printed": done_not_printed, "no_paper": no_paper,
    "cancelled": p.cancelled,
}
