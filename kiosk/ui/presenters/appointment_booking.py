"""Booking an appointment on screen (flows/appointment_booking.py), state by state.

identity -> the citizen's bookings (one tile per booking to cancel, one to move, and "book
another") -> the service -> the hall (name and address) -> the day (weekday, date, how many
free times) -> the time (start to end) -> the mobile number on the numeric keypad, or "no text
message" -> review (what, where, when, the booking it replaces) -> booked: the appointment code
large, with the day, time and hall, and what to bring on the day.

Hall names come from the back end in both languages; the screen shows the one of its language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Action, InputField, Option, Row, ScreenModel, Text
from kiosk.ui.presenters import generic
from kiosk.ui.presenters import parts as p
from kiosk.ui.presenters.common import counter_hint_row, literal
from kiosk.ui.presenters.identity import identity_screen

MSG_HALL_NAME = N_("screen.booking.hall_name")          # "{name}" / "{name_en}"
MSG_WHEN = N_("screen.booking.when")                    # "{day} {weekday} {time}-{end}"
MSG_DAY_OPTION = N_("screen.booking.day_option")        # "{weekday} {day}"
MSG_FREE_TIMES = N_("screen.booking.free_times")        # "{count} free times"
MSG_TIME_OPTION = N_("screen.booking.time_option")      # "{time}-{end}"
MSG_FREE_PLACES = N_("screen.booking.free_places")      # "{count} places left"
MSG_CANCEL_IT = N_("screen.booking.cancel_it")
MSG_MOVE_IT = N_("screen.booking.move_it")
MSG_BOOK_ANOTHER = N_("screen.booking.book_another")
MSG_ALREADY = N_("screen.booking.already")
MSG_MOBILE = N_("screen.booking.mobile_field")
MSG_NO_TEXT = N_("screen.booking.no_text")
MSG_CONFIRM_BOOK = N_("screen.booking.confirm_book")
MSG_CONFIRM_CANCEL = N_("screen.booking.confirm_cancel")
MSG_KEEP = N_("screen.booking.keep")
# Rows.
MSG_CODE = N_("screen.booking.row.code")
MSG_SERVICE = N_("screen.booking.row.service")
MSG_HALL = N_("screen.booking.row.hall")
MSG_ADDRESS = N_("screen.booking.row.address")
MSG_TIME = N_("screen.booking.row.time")
MSG_TEXT_TO = N_("screen.booking.row.text_to")
MSG_REPLACES = N_("screen.booking.row.replaces")
MSG_NOTE = N_("screen.booking.row.note")
MSG_BRING = N_("screen.booking.bring")
MSG_TEXT_SENT = N_("screen.booking.text_sent")
# What each counter queue handles, under its tile (booking, walk-in tickets and the urgent path
# share it): a first-time visitor picks by what they came for. Every tile has a detail line.
SERVICE_DETAIL_KEYS = {"PASSPORT": N_("screen.service_detail.passport"),
                       "HK_MACAU_PERMIT": N_("screen.service_detail.hk_macau_permit"),
                       "TAIWAN_PERMIT": N_("screen.service_detail.taiwan_permit"),
                       "ENDORSEMENT": N_("screen.service_detail.endorsement"),
                       "OTHER": N_("screen.service_detail.other")}


def service_detail(service: str) -> Text:
    return Text(SERVICE_DETAIL_KEYS[service])


def present(view: FlowView) -> ScreenModel:
    model = identity_screen(view)
    if model is not None:
        return model
    build = STATES.get(view.state)
    return build(view) if build is not None else generic(view)


def hall_name(hall: Mapping[str, Any]) -> Text:
    return Text(MSG_HALL_NAME, {"name": hall["name"], "name_en": hall["name_en"]})


def when(item: Mapping[str, Any]) -> Text:
    return Text(MSG_WHEN, {"day": item["day"], "weekday": Text(item["weekday_key"]), "time": item["time"],
                           "end": item["end"]})


def booking_rows(booking: Mapping[str, Any], code_large: bool = False) -> tuple[Row, ...]:
    return (Row(Text(MSG_CODE), literal(booking["code"]), large=code_large),
            Row(Text(MSG_SERVICE), Text(booking["service_key"])),
            Row(Text(MSG_TIME), when(booking)),
            Row(Text(MSG_HALL), hall_name(booking["hall"])),
            *((Row(Text(MSG_ADDRESS), literal(booking["hall"]["address"])),) if booking["hall"]["address"] else ()))


def bookings(view: FlowView) -> ScreenModel:
    options: list[Option] = []
    for booking in view.data.get("bookings", ()):
        heading = when(booking)
        label = Text(booking["service_key"])
        options += [Option("move_booking", booking["code"], Text(MSG_MOVE_IT), label, group=heading),
                    Option("cancel_booking", booking["code"], Text(MSG_CANCEL_IT), label, group=heading)]
    return p.screen(view, "choice", options=tuple(options),
                    actions=(Action("new_booking", Text(MSG_BOOK_ANOTHER), primary=True),))


def confirm_cancel(view: FlowView) -> ScreenModel:
    return p.screen(view, "review", rows=booking_rows(view.data["booking"]), back=None,
                    actions=(Action("back", Text(MSG_KEEP)), Action("confirm", Text(MSG_CONFIRM_CANCEL), primary=True)))


def service(view: FlowView) -> ScreenModel:
    options = tuple(Option("service", s["value"], Text(s["key"]),
                           Text(MSG_ALREADY) if s["booked"] else service_detail(s["value"]))
                    for s in view.data.get("services", ()))
    return p.screen(view, "choice", options=options)


def hall(view: FlowView) -> ScreenModel:
    options = tuple(Option("hall", h["code"], hall_name(h), literal(h["address"])) for h in view.data.get("halls", ()))
    rows = (Row(Text(MSG_SERVICE), Text(view.data["service_key"])),) if "service_key" in view.data else ()
    if "moving" in view.data:
        rows += (Row(Text(MSG_REPLACES), when(view.data["moving"])),)
    return p.screen(view, "choice", rows=rows, options=options)


def day(view: FlowView) -> ScreenModel:
    options = tuple(Option("day", d["value"], Text(MSG_DAY_OPTION, {"weekday": Text(d["weekday_key"]), "day": d["value"]}),
                           Text(MSG_FREE_TIMES, {"count": d["free_times"]})) for d in view.data.get("days", ()))
    return p.screen(view, "choice", rows=_where(view.data), options=options)


def time(view: FlowView) -> ScreenModel:
    options = tuple(Option("time", t["value"], Text(MSG_TIME_OPTION, {"time": t["time"], "end": t["end"]}),
                           Text(MSG_FREE_PLACES, {"count": t["free"]})) for t in view.data.get("times", ()))
    heading = Row(Text(MSG_TIME), Text(MSG_DAY_OPTION, {"weekday": Text(view.data["weekday_key"]),
                                                        "day": view.data["day"]}))
    return p.screen(view, "choice", rows=(*_where(view.data), heading), options=options)


def _where(data: Mapping[str, Any]) -> tuple[Row, ...]:
    rows = (Row(Text(MSG_SERVICE), Text(data["service_key"])),) if "service_key" in data else ()
    return rows + ((Row(Text(MSG_HALL), hall_name(data["hall"])),) if "hall" in data else ())


def no_free_time(view: FlowView) -> ScreenModel:
    return p.screen(view, "problem", rows=(*_where(view.data), *counter_hint_row(view.data)))


def mobile(view: FlowView) -> ScreenModel:
    field = InputField("mobile", Text(MSG_MOBILE), "", "numeric", "mobile", required=False, value_only=True)
    return p.screen(view, "form", fields=(field,), actions=(Action("skip", Text(MSG_NO_TEXT)),))


def review(view: FlowView) -> ScreenModel:
    data = view.data
    rows = [*_where(data), Row(Text(MSG_ADDRESS), literal(data["hall"]["address"])), Row(Text(MSG_TIME), when(data["when"]))]
    rows.append(Row(Text(MSG_TEXT_TO), literal(data["mobile"]) if data.get("mobile") else Text(MSG_NO_TEXT)))
    if "moving" in data:
        rows.append(Row(Text(MSG_REPLACES), when(data["moving"])))
    return p.screen(view, "review", rows=tuple(rows), actions=(Action("confirm", Text(MSG_CONFIRM_BOOK), primary=True),))


def _booked_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    rows = booking_rows(data["booking"], code_large=True) + (Row(Text(MSG_NOTE), Text(MSG_BRING)),)
    return rows + ((Row(Text(MSG_TEXT_TO), Text(MSG_TEXT_SENT)),) if data.get("text_message") else ())


def booked(view: FlowView) -> ScreenModel:
    return p.ended_well(view, _booked_rows(view.data))


def booked_not_printed(view: FlowView) -> ScreenModel:
    return p.done_not_printed(view, _booked_rows(view.data))


def booking_cancelled(view: FlowView) -> ScreenModel:
    return p.ended_well(view, booking_rows(view.data["booking"]))


STATES: dict[str, Callable[[FlowView], ScreenModel]] = {
    "bookings": bookings, "confirm_cancel": confirm_cancel, "service": service, "hall": hall, "day": day,
    "time": time, "no_free_time": no_free_time, "mobile": mobile, "review": review,
    "backend_failed": p.retry_problem, "printing": p.working, "booked": booked,
    "booked_not_printed": booked_not_printed, "booking_cancelled": booking_cancelled, "cancelled": p.cancelled,
}
