"""The self-service collection on screen (flows/collection.py), state by state.

identity (with "I am collecting for someone else" on the card screen, and the acceptance
receipt's application number once its QR code is scanned) -> the list of documents ready here,
one row each (kind, masked number, slot; overdue ones say so; what the scanned receipt found) ->
the signature pad (the acceptance service's screen kind "signature") ->
"bringing your passport" -> "take your passport from the tray" (countdown) -> the outcome of
each document, with where to go for those not handed out -> or what is still to come, in the
progress service's words; or where to go to collect for someone else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Action, Row, ScreenModel, Text
from kiosk.ui.presenters import pictures
from kiosk.ui.presenters.common import counter_hint_row, frame, literal
from kiosk.ui.presenters.identity import identity_screen, refusal_screen

MSG_SOMEONE_ELSE_BUTTON = N_("screen.collection.someone_else")
MSG_COLLECT = N_("screen.collection.collect")
MSG_SLOT = N_("screen.collection.slot")
MSG_WHERE = N_("screen.collection.where")
MSG_OUTCOME = N_("screen.collection.outcome")
MSG_APPLICATION = N_("screen.collection.application")
MSG_BRING = N_("screen.collection.bring")
MSG_BRING_LIST = N_("screen.collection.bring_list")
MSG_NOW = N_("screen.collection.now")
MSG_RECEIPT = N_("screen.collection.receipt")


def present(view: FlowView) -> ScreenModel:
    if view.state == "card":
        return frame(view, "device_action", picture=pictures.PLACE_ID_CARD, rows=tuple(receipt_rows(view.data)),
                     actions=(Action("someone_else", Text(MSG_SOMEONE_ELSE_BUTTON)),))
    if view.state == "face":
        model = identity_screen(view)
        assert model is not None
        return model
    return _BY_STATE[view.state](view)


def _ready(view: FlowView) -> ScreenModel:
    rows = (*receipt_rows(view.data), *document_rows(view.data.get("documents", ())))
    if view.data.get("receipt", {}).get("message_key") == "collection.receipt.not_yours":
        rows = (*rows, *counter_hint_row(view.data))
    return frame(view, "review", rows=rows, actions=(Action("collect", Text(MSG_COLLECT), primary=True),))


def _sign(view: FlowView) -> ScreenModel:
    """The pad itself is the screen's (kiosk/ui/signature_pad.py): it sends Touch("sign", strokes)."""
    return frame(view, "signature", can_cancel=not view.finished)


def receipt_rows(data: Mapping[str, Any]) -> list[Row]:
    """The scanned acceptance receipt: its application number and what the kiosk made of it."""
    receipt = data.get("receipt")
    if not receipt:
        return []
    number = receipt.get("application_number")
    return [Row(Text(MSG_RECEIPT), literal(number) if number else Text(receipt["message_key"])),
            *([Row(Text(MSG_NOW), Text(receipt["message_key"]))] if number else [])]


def _working(view: FlowView) -> ScreenModel:
    current = view.data.get("current")
    return frame(view, "working", rows=tuple(document_rows([current])) if current else ())


def _take(view: FlowView) -> ScreenModel:
    current = view.data.get("current")
    return frame(view, "device_action", picture=pictures.TAKE_CARD,
                 rows=tuple(document_rows([current])) if current else ())


def _done(view: FlowView) -> ScreenModel:
    rows = document_rows(view.data.get("documents", ()), with_outcome=True)
    if view.data.get("slip_note"):
        rows.append(Row(Text(MSG_OUTCOME), Text(view.data["slip_note"])))
    return frame(view, "result", error=None, rows=tuple(rows), picture="" if not view.data.get("receipt_printed")
                 else pictures.TAKE_RECEIPT)


def _partly(view: FlowView) -> ScreenModel:
    rows = document_rows(view.data.get("documents", ()), with_outcome=True)
    if view.data.get("slip_note"):
        rows.append(Row(Text(MSG_OUTCOME), Text(view.data["slip_note"])))
    return frame(view, "problem", error=None, rows=(*rows, *counter_hint_row(view.data)))


def _nothing_ready(view: FlowView) -> ScreenModel:
    rows: list[Row] = receipt_rows(view.data)
    for application in view.data.get("pending", ()):
        rows += [Row(Text(MSG_APPLICATION), literal(application["application_number"])),
                 Row(Text(MSG_NOW), Text(application["message_key"], dict(application["message_values"])))]
    if view.data.get("no_application"):
        rows.append(Row(Text(MSG_NOW), Text(view.data["no_application"])))
    return frame(view, "result", rows=(*rows, *counter_hint_row(view.data)))


def _someone_else(view: FlowView) -> ScreenModel:
    return frame(view, "problem", rows=(Row(Text(MSG_BRING), Text(MSG_BRING_LIST)), *counter_hint_row(view.data)))


def _cancelled(view: FlowView) -> ScreenModel:
    return frame(view, "result", error=None)


def document_rows(documents: Sequence[Mapping[str, Any]], with_outcome: bool = False) -> list[Row]:
    """Each document: its kind and masked number, its slot (and that it is overdue), what became of it."""
    rows: list[Row] = []
    for document in documents:
        rows.append(Row(Text(document["kind_key"]), literal(document["masked_number"])))
        slot = Text(MSG_SLOT, {"slot": document["slot"]})
        if document.get("overdue_key"):
            rows.append(Row(slot, Text(document["overdue_key"])))
        elif not with_outcome:
            rows.append(Row(Text(MSG_WHERE), slot))
        if with_outcome and document.get("outcome_key"):
            rows.append(Row(Text(MSG_OUTCOME), Text(document["outcome_key"])))
    return rows


_BY_STATE: Mapping[str, Callable[[FlowView], ScreenModel]] = {
    "ready": _ready, "sign": _sign, "dispensing": _working, "retracting": _working, "printing": _working, "take": _take,
    "done": _done, "partly": _partly, "nothing_ready": _nothing_ready, "someone_else": _someone_else,
    "unavailable": refusal_screen, "refused": refusal_screen, "cancelled": _cancelled,
}
