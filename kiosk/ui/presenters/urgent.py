"""The urgent path on screen (flows/urgent.py), state by state.

The information first: the four cases, each with the proof to bring, and the hall's 24-hour
green-channel phone large; "ask for urgent handling" or "done". Then (ID card, face) -> the case
-> the counter service -> when the citizen must travel -> review with the proof to bring ->
the case number and the urgent ticket large, the applications marked, the proof again, the phone.
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
from kiosk.ui.presenters.common import literal
from kiosk.ui.presenters.identity import identity_screen

MSG_REQUEST = N_("screen.urgent.request")
MSG_DONE = N_("screen.urgent.done_reading")
MSG_CONFIRM = N_("screen.urgent.confirm")
MSG_PHONE = N_("screen.urgent.row.phone")
MSG_BRING = N_("screen.urgent.row.bring")
MSG_CASE = N_("screen.urgent.row.case")
MSG_TICKET = N_("screen.urgent.row.ticket")
MSG_WAITING = N_("screen.urgent.row.waiting_ahead")
MSG_APPLICATION = N_("screen.urgent.row.application")
MSG_REASON = N_("screen.urgent.row.reason")
MSG_SERVICE = N_("screen.urgent.row.service")
MSG_TRAVEL = N_("screen.urgent.row.travel")
MSG_PEOPLE = N_("screen.appointment.people")
MSG_PROOF_WITH_RELATIONSHIP = N_("screen.urgent.proof_and_relationship")  # "{proof}; {relationship}"
MSG_TRAVEL_UNKNOWN = N_("screen.urgent.travel_unknown")


def present(view: FlowView) -> ScreenModel:
    model = identity_screen(view)
    if model is not None:
        return model
    build = STATES.get(view.state)
    return build(view) if build is not None else generic(view)


def _phone(data: Mapping[str, Any]) -> Row:
    return Row(Text(MSG_PHONE), literal(data["phone"]), large=True)


def _proof(reason: Mapping[str, Any], data: Mapping[str, Any]) -> Text:
    if reason["relationship"]:
        return Text(MSG_PROOF_WITH_RELATIONSHIP, {"proof": Text(reason["proof_key"]),
                                                  "relationship": Text(data["relationship_key"])})
    return Text(reason["proof_key"])


def info(view: FlowView) -> ScreenModel:
    rows = [_phone(view.data)]
    rows += [Row(Text(r["key"]), _proof(r, view.data)) for r in view.data.get("reasons", ())]
    return p.screen(view, "review", rows=tuple(rows),
                    actions=(Action("done", Text(MSG_DONE)), Action("request", Text(MSG_REQUEST), primary=True)))


def reason(view: FlowView) -> ScreenModel:
    options = tuple(Option("reason", r["value"], Text(r["key"]), _proof(r, view.data))
                    for r in view.data.get("reasons", ()))
    return p.screen(view, "choice", options=options)


def service(view: FlowView) -> ScreenModel:
    return p.screen(view, "choice", options=tuple(Option("service", s["value"], Text(s["key"]), service_detail(s["value"]))
                                                  for s in view.data.get("services", ())))


def travel(view: FlowView) -> ScreenModel:
    options = tuple(Option("travel", t["value"], Text(t["key"]),
                           literal(t["day"]) if t["day"] else Text(MSG_TRAVEL_UNKNOWN))
                    for t in view.data.get("travel", ()))
    return p.screen(view, "choice", options=options)


def _bring(data: Mapping[str, Any]) -> tuple[Row, ...]:
    return tuple(Row(Text(MSG_BRING), Text(key)) for key in data.get("proof_keys", ()))


def review(view: FlowView) -> ScreenModel:
    data = view.data
    rows = (Row(Text(MSG_REASON), Text(data["reason_key"])), Row(Text(MSG_SERVICE), Text(data["service_key"])),
            Row(Text(MSG_TRAVEL), Text(data["travel_key"])), *_bring(data))
    return p.screen(view, "review", rows=rows, actions=(Action("confirm", Text(MSG_CONFIRM), primary=True),))


def _done_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    rows = []
    if data.get("ticket_number"):
        rows += [Row(Text(MSG_TICKET), literal(data["ticket_number"]), large=True),
                 Row(Text(MSG_WAITING), Text(MSG_PEOPLE, {"count": data["waiting_ahead"]}))]
    rows.append(Row(Text(MSG_CASE), literal(data["case_number"])))
    rows += [Row(Text(MSG_APPLICATION), literal(number)) for number in data.get("applications", ())]
    return (*rows, *_bring(data), _phone(data))


def done(view: FlowView) -> ScreenModel:
    return p.ended_well(view, _done_rows(view.data))


def done_not_printed(view: FlowView) -> ScreenModel:
    return p.done_not_printed(view, _done_rows(view.data))


def info_seen(view: FlowView) -> ScreenModel:
    return p.ended_well(view, (_phone(view.data),))


STATES: dict[str, Callable[[FlowView], ScreenModel]] = {
    "info": info, "reason": reason, "service": service, "travel": travel, "review": review,
    "backend_failed": p.retry_problem, "printing": p.working, "done": done, "done_not_printed": done_not_printed,
    "info_seen": info_seen, "cancelled": p.cancelled,
}
