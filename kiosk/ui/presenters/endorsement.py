"""The HK/Macau endorsement renewal on screen (flows/endorsement.py), state by state.

identity -> insert the permit (picture) -> the last endorsement offered first, or a choice
level by level with the fee on each tile -> review with the total before paying -> QR
payment -> writing, printing (no cancel while the card is written) -> what was issued, or
the refund when the card could not take it.

Every fact is one row (destination, kind, trips, validity, stay, fee): one key each, so both
languages read naturally and an older citizen reads one thing per line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Action, Option, Row, ScreenModel, Text
from kiosk.ui.presenters import pictures
from kiosk.ui.presenters.common import accepts, counter_hint_row, frame, literal, money
from kiosk.ui.presenters.identity import identity_screen, refusal_screen
from kiosk.ui.presenters.payment import paying_screen, payment_failed_screen

# Row labels of one endorsement.
MSG_DESTINATION = N_("screen.endorsement.destination")
MSG_TYPE = N_("screen.endorsement.type")
MSG_TRIPS = N_("screen.endorsement.trips")
MSG_VALIDITY = N_("screen.endorsement.validity")
MSG_STAY = N_("screen.endorsement.stay")
MSG_FEE = N_("screen.endorsement.fee")
MSG_TOTAL = N_("screen.endorsement.total")
MSG_NUMBER = N_("screen.endorsement.number")
MSG_HOLDER = N_("screen.endorsement.holder")
MSG_HOLDER_NAME = N_("screen.endorsement.holder_name")
MSG_PERMIT_NUMBER = N_("screen.endorsement.permit_number")
MSG_VALID_DATES = N_("screen.endorsement.valid_dates")
MSG_ORDER = N_("screen.endorsement.order")
MSG_PAID = N_("screen.endorsement.paid")
MSG_REFUNDED = N_("screen.endorsement.refunded_amount")
MSG_REFUND_NUMBER = N_("screen.endorsement.refund_number")
MSG_TO_BE_REFUNDED = N_("screen.endorsement.to_be_refunded")
MSG_STAY_DAYS = N_("endorsement.max_stay_days")
MSG_MONTHS = N_("endorsement.validity_months")
# Tiles and buttons.
MSG_SAME = N_("screen.endorsement.same")
MSG_SUMMARY = N_("screen.endorsement.summary")
MSG_OTHER = N_("screen.endorsement.other")
MSG_OTHER_DETAIL = N_("screen.endorsement.other_detail")
MSG_FEE_ONE = N_("screen.endorsement.fee_one")
MSG_FEE_FROM = N_("screen.endorsement.fee_from")
MSG_VALIDITY_DETAIL = N_("screen.endorsement.validity_detail")
MSG_PAY = N_("screen.endorsement.pay")
MSG_CHANGE = N_("screen.endorsement.change")
MSG_ADD_DESTINATION = N_("screen.endorsement.add_destination")
MSG_ADD_DESTINATION_LABEL = N_("screen.endorsement.add_destination_label")
MSG_ADD = N_("screen.endorsement.add")
# A still-valid endorsement on the chip that the new one for its destination replaces.
MSG_REPLACES_LABEL = N_("screen.endorsement.replaces_label")
MSG_REPLACES = {"HONG_KONG": N_("screen.endorsement.replaces_hong_kong"),
                "MACAU": N_("screen.endorsement.replaces_macau")}

# The catalog's words for the contract's values (the flow labels its options the same way).
LABEL_KEYS: Mapping[str, str] = {
    "destination": "endorsement.destination.{}", "type": "endorsement.type.{}", "trips": "endorsement.trips.{}",
}


def present(view: FlowView) -> ScreenModel:
    model = identity_screen(view) or _BY_STATE[view.state](view)
    if view.finished and view.data.get("take_card") and not model.picture:
        model = replace(model, picture=pictures.TAKE_CARD)  # the flow returned the permit: take it
    return model


# ----- the permit card -----
def _insert_permit(view: FlowView) -> ScreenModel:
    """Also after the card was taken out early: the flow's reason is in the banner."""
    return frame(view, "device_action", picture=pictures.INSERT_PERMIT)


def _reinsert_card(view: FlowView) -> ScreenModel:
    """The card left during the write: put it back before the countdown ends (else refund);
    what is on the chip already stays counted."""
    return frame(view, "device_action", picture=pictures.INSERT_PERMIT, rows=write_progress_rows(view.data))


# ----- choosing -----
def _offer(view: FlowView) -> ScreenModel:
    """The last endorsement again (what it is and its fee, on the tile), or choose another."""
    offer = view.data.get("offer", {})
    options = (
        Option("same", None, Text(MSG_SAME), summary(offer)),
        Option("other", None, Text(MSG_OTHER), Text(MSG_OTHER_DETAIL)),
    )
    return frame(view, "choice", options=options)


def summary(option: Mapping[str, Any]) -> Text:
    """One endorsement in one sentence: where, what kind, trips, months, stay, fee."""
    return Text(MSG_SUMMARY, {"destination": _label(option, "destination"), "type": _label(option, "type"),
                              "trips": _label(option, "trips"), "months": option.get("validity_months", ""),
                              "days": option.get("max_stay_days", ""), "amount": option.get("fee", "")})


def _choose(view: FlowView) -> ScreenModel:
    """One level (destination, type, trips or validity): a tile per value, with its fee."""
    level = str(view.data.get("level", ""))
    candidates: Sequence[Mapping[str, Any]] = view.data.get("options") or ()
    options = tuple(Option(level, value, _value_label(level, value), _fee_detail(level, value, candidates))
                    for value in view.data.get("choices", ()))
    return frame(view, "choice", options=options)


def _value_label(level: str, value: Any) -> Text:
    if level == "validity_months":
        return Text(MSG_MONTHS, {"months": value})
    return Text(LABEL_KEYS[level].format(str(value).lower()))


def _fee_detail(level: str, value: Any, candidates: Sequence[Mapping[str, Any]]) -> Text | None:
    """"¥15.00", or "from ¥15.00" when the later choices change the fee; the stay per trip
    on the last level. None when the flow gave no options at this level."""
    matching = [o for o in candidates if str(o.get(level)) == str(value)]
    if not matching:
        return None
    if level == "validity_months":
        option = matching[0]
        return Text(MSG_VALIDITY_DETAIL, {"days": option.get("max_stay_days", ""), "amount": option.get("fee", "")})
    fees = sorted({_decimal(o.get("fee")) for o in matching})
    key = MSG_FEE_ONE if len(fees) == 1 else MSG_FEE_FROM
    return Text(key, {"amount": f"{fees[0]:.2f}"})


# ----- review and payment -----
def _review(view: FlowView) -> ScreenModel:
    """Everything in the basket and the total: the fee is shown before the citizen pays."""
    total = str(view.data.get("total", ""))
    rows = [*basket_rows(view.data.get("items", ())), Row(Text(MSG_TOTAL), money(total))]
    rows += [Row(Text(MSG_REPLACES_LABEL), Text(MSG_REPLACES[r["destination"]], {"valid_until": r["valid_until"]}))
             for r in view.data.get("replaces", ())]
    if rows and accepts(view, "change"):  # "change" empties the basket: one button, on the first row
        rows[0] = replace(rows[0], edit=Action("change", Text(MSG_CHANGE)))
    if accepts(view, "add_destination"):
        rows.append(Row(Text(MSG_ADD_DESTINATION_LABEL), Text(MSG_ADD_DESTINATION),
                        edit=Action("add_destination", Text(MSG_ADD))))
    rows = holder_rows(view.data.get("holder")) + rows  # whose permit, before what is on it
    # Pay alone in the bottom bar: the primary button has the room for the amount.
    actions = (Action("pay", Text(MSG_PAY, {"amount": total}), primary=True),) if accepts(view, "pay") else ()
    return frame(view, "review", rows=tuple(rows), actions=actions)


def _paying(view: FlowView) -> ScreenModel:
    return paying_screen(view)


def _payment_failed(view: FlowView) -> ScreenModel:
    return payment_failed_screen(view, str(view.data.get("total", "")))


# ----- after payment -----
MSG_RECORDS_LABEL = N_("screen.working.records_label")
MSG_RECORDS_WRITTEN = N_("screen.working.records_written")
MSG_RECEIPT_LABEL = N_("screen.working.receipt_label")
MSG_RECEIPT_PRINTING = N_("screen.working.receipt_printing")


def _working(view: FlowView) -> ScreenModel:
    """Writing the card, refunding: the card held in the slot ('do not take it out') and, once
    the flow knows the records, how many are on the chip (counted by the flow, never timed);
    no cancel (the flow lists none)."""
    return frame(view, "working", picture=pictures.CARD_IN_SLOT, rows=write_progress_rows(view.data))


def _printing(view: FlowView) -> ScreenModel:
    return printing_screen(view)


def printing_screen(view: FlowView) -> ScreenModel:
    """The receipt coming out, and what is under way: the receipt printing."""
    return frame(view, "working", picture=pictures.PRINTING,
                 rows=(Row(Text(MSG_RECEIPT_LABEL), Text(MSG_RECEIPT_PRINTING)),))


def write_progress_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    """'Endorsements written: 1 of 2' from the flow's count; nothing before it has one."""
    if "records_total" not in data:
        return ()
    return (Row(Text(MSG_RECORDS_LABEL), Text(MSG_RECORDS_WRITTEN, {"written": data.get("records_written", 0),
                                                                    "total": data["records_total"]})),)


def _done(view: FlowView) -> ScreenModel:
    """What was issued (numbers and dates), what was paid; take the card and the receipt."""
    rows = [*issued_rows(view.data.get("items", ())),
            Row(Text(MSG_PAID), money(view.data.get("amount", ""))),
            Row(Text(MSG_ORDER), literal(view.data.get("order_id")))]
    return frame(view, "result", rows=tuple(rows))


def _refunded(view: FlowView) -> ScreenModel:
    """The card could not take the endorsement: the money is back; say how much and the number."""
    rows = [Row(Text(MSG_REFUNDED), money(view.data.get("amount", "")))]
    if view.data.get("refund_id"):
        rows.append(Row(Text(MSG_REFUND_NUMBER), literal(view.data["refund_id"])))
    rows.append(Row(Text(MSG_ORDER), literal(view.data.get("order_id"))))
    return frame(view, "problem", rows=tuple(rows))


def _refund_pending(view: FlowView) -> ScreenModel:
    """The refund could not be made now; the kiosk makes it later by itself."""
    rows = (Row(Text(MSG_TO_BE_REFUNDED), money(view.data.get("amount", ""))),
            Row(Text(MSG_ORDER), literal(view.data.get("order_id"))), *counter_hint_row(view.data))
    return frame(view, "problem", rows=rows)


def _cancelled(view: FlowView) -> ScreenModel:
    """Rarely seen (Cancel goes home at once); a payment left unclear is a problem to show."""
    return frame(view, "problem" if view.error_key else "result", rows=counter_hint_row(view.data))


def _unavailable(view: FlowView) -> ScreenModel:
    return refusal_screen(view)


_BY_STATE: Mapping[str, Callable[[FlowView], ScreenModel]] = {
    "insert_permit": _insert_permit, "offer": _offer,
    "choose_destination": _choose, "choose_type": _choose, "choose_trips": _choose, "choose_validity": _choose,
    "review": _review, "paying": _paying, "payment_failed": _payment_failed,
    "writing": _working, "reinsert_card": _reinsert_card, "refunding": _working, "printing": _printing,
    "done": _done, "refunded": _refunded, "refund_pending": _refund_pending,
    "cancelled": _cancelled, "unavailable": _unavailable,
}


def holder_rows(holder: Mapping[str, Any] | None) -> list[Row]:
    """Whose permit this is (issue 14): the name (in pinyin in English) and the masked number."""
    if not holder:
        return []
    return [Row(Text(MSG_HOLDER), Text(MSG_HOLDER_NAME, {"name_zh": holder.get("name_zh", ""),
                                                          "name_pinyin": holder.get("name_pinyin", "")})),
            Row(Text(MSG_PERMIT_NUMBER), literal(holder.get("permit", "")))]


# ----- rows of an endorsement -----
def endorsement_rows(option: Mapping[str, Any]) -> tuple[Row, ...]:
    """One endorsement (an offer or a basket item), one fact per row, fee last."""
    if not option:
        return ()
    return (
        Row(Text(MSG_DESTINATION), _label(option, "destination")),
        Row(Text(MSG_TYPE), _label(option, "type")),
        Row(Text(MSG_TRIPS), _label(option, "trips")),
        Row(Text(MSG_VALIDITY), Text(MSG_MONTHS, {"months": option.get("validity_months", "")})),
        Row(Text(MSG_STAY), Text(MSG_STAY_DAYS, {"days": option.get("max_stay_days", "")})),
        Row(Text(MSG_FEE), money(option.get("fee", ""))),
    )


def basket_rows(items: Sequence[Mapping[str, Any]]) -> list[Row]:
    return [row for item in items for row in endorsement_rows(item)]


def issued_rows(items: Sequence[Mapping[str, Any]]) -> list[Row]:
    """Each issued endorsement: where, what kind, its number and the dates it is valid."""
    rows: list[Row] = []
    for item in items:
        rows += [Row(Text(MSG_DESTINATION), _label(item, "destination")),
                 Row(Text(MSG_TYPE), _label(item, "type")),
                 Row(Text(MSG_TRIPS), _label(item, "trips")),
                 Row(Text(MSG_VALIDITY), Text(MSG_VALID_DATES, {"start": item.get("valid_from", ""),
                                                                "end": item.get("valid_to", "")})),
                 Row(Text(MSG_NUMBER), literal(item.get("endorsement_number")))]
    return rows


def _label(option: Mapping[str, Any], level: str) -> Text:
    """The flow names the catalog key of each value in `labels`; else built the same way."""
    key = option.get("labels", {}).get(level) or LABEL_KEYS[level].format(str(option.get(level, "")).lower())
    return Text(key)


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)
