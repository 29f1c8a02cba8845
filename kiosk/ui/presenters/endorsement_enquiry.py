"""The endorsement enquiry on screen (flows/endorsement_enquiry.py), state by state.

identity -> insert the permit (picture, countdown) -> the list: each endorsement that can
still be used, one fact per row (where, what kind, trips, until when in plain words), the
note on trips last -> or why there is none (none on the card, all ended, permit expired),
each with the picture of the card to take back.

When the slip could not be printed the list stays on screen all the same (the flow's
sentence says to note it down); the printer's own message is left out as on other flows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Row, ScreenModel, Text
from kiosk.ui.presenters import pictures
from kiosk.ui.presenters.common import counter_hint_row, frame, literal
from kiosk.ui.presenters.identity import identity_screen, refusal_screen

# The renewal's row labels: one word for one thing across the two services.
MSG_DESTINATION = N_("screen.endorsement.destination")
MSG_TYPE = N_("screen.endorsement.type")
MSG_TRIPS = N_("screen.endorsement.trips")
MSG_CAN_BE_USED = N_("screen.enquiry.can_be_used")
MSG_LAST_ENDED = N_("screen.enquiry.last_ended")
MSG_PERMIT_VALID_UNTIL = N_("screen.enquiry.permit_valid_until")
MSG_NOTE = N_("screen.enquiry.note")


def present(view: FlowView) -> ScreenModel:
    model = identity_screen(view) or _BY_STATE[view.state](view)
    if view.finished and view.data.get("take_card") and not model.picture:
        model = replace(model, picture=pictures.TAKE_CARD)  # the card came back out: take it
    return model


def _insert_permit(view: FlowView) -> ScreenModel:
    return frame(view, "device_action", picture=pictures.INSERT_PERMIT)


def _printing(view: FlowView) -> ScreenModel:
    return frame(view, "working", picture=pictures.PRINTING)  # the receipt coming out (issue 14)


def _list(view: FlowView) -> ScreenModel:
    rows = list_rows(view.data.get("endorsements", ()), view.data.get("trips_note"))
    return frame(view, "result", rows=tuple(rows))


def _list_not_printed(view: FlowView) -> ScreenModel:
    rows = list_rows(view.data.get("endorsements", ()), view.data.get("trips_note"))
    return frame(view, "problem", error=None, rows=(*rows, *counter_hint_row(view.data)))


def _no_endorsements(view: FlowView) -> ScreenModel:
    return frame(view, "result", rows=_permit_rows(view.data))


def _all_expired(view: FlowView) -> ScreenModel:
    """None can be used: the last one to end, and when it ended."""
    last = view.data.get("last")
    rows: list[Row] = []
    if last:
        rows += [Row(Text(MSG_DESTINATION), Text(last["destination_key"])), Row(Text(MSG_TYPE), Text(last["type_key"])),
                 Row(Text(MSG_LAST_ENDED), literal(last["valid_until"]))]
    return frame(view, "problem", rows=(*rows, *_permit_rows(view.data)))


def _permit_expired(view: FlowView) -> ScreenModel:
    return frame(view, "problem", rows=_permit_rows(view.data))


def _timed_out(view: FlowView) -> ScreenModel:
    return refusal_screen(view)


def _cancelled(view: FlowView) -> ScreenModel:
    return frame(view, "result", error=None)


def _permit_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    expiry = data.get("permit_expiry")
    return (Row(Text(MSG_PERMIT_VALID_UNTIL), literal(expiry)),) if expiry else ()


def list_rows(items: Sequence[Mapping[str, Any]], trips_note: str | None) -> list[Row]:
    """Each endorsement: where, what kind, trips, until when; then the note on trips."""
    rows: list[Row] = []
    for item in items:
        rows += [Row(Text(MSG_DESTINATION), Text(item["destination_key"])),
                 Row(Text(MSG_TYPE), Text(item["type_key"])),
                 Row(Text(MSG_TRIPS), Text(item["trips_key"])),
                 Row(Text(MSG_CAN_BE_USED), Text(item["validity_key"], dict(item["validity_values"])))]
    if trips_note and items:
        rows.append(Row(Text(MSG_NOTE), Text(trips_note)))
    return rows


_BY_STATE: Mapping[str, Callable[[FlowView], ScreenModel]] = {
    "insert_permit": _insert_permit, "printing": _printing, "list": _list,
    "list_not_printed": _list_not_printed, "no_endorsements": _no_endorsements, "all_expired": _all_expired,
    "permit_expired": _permit_expired, "timed_out": _timed_out, "cancelled": _cancelled,
}
