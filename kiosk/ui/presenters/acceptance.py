"""Screens of self-service acceptance (flows/acceptance.py), state by state.

The form's pages are the application form's own screens (kiosk/ui/presenters/application_form.py);
then the photo receipt number (scan it, or type it on the code keypad), the fingerprint guide
(which finger, tries left, the other finger when one is injured, each finger's result), the
signature pad (its own screen kind: the pad draws the strokes and sends them when the citizen
is done), the postal region, the fees line by line, the QR payment, the result with the
application number and what to do next.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.i18n import N_
from flows import form_fields as ff
from flows.engine import FlowView
from kiosk.ui.model import Action, InputField, Option, Row, ScreenModel, Text
from kiosk.ui.presenters import application_form, id_photo, notices, pictures
from kiosk.ui.presenters import parts as p
from kiosk.ui.presenters.common import counter_hint_row, literal, money
from kiosk.ui.presenters.payment import paying_screen, payment_failed_screen

MSG_PHOTO_RECEIPT = N_("screen.acceptance.photo_receipt_number")
MSG_TAKE_PHOTO = N_("screen.acceptance.take_photo")
MSG_FINGER = N_("screen.acceptance.finger")
MSG_TRIES_LEFT = N_("screen.acceptance.tries_left")
MSG_SUBSTITUTE = N_("screen.acceptance.substitute")
MSG_SUBSTITUTE_REASON = N_("screen.acceptance.substitute_reason")
MSG_CAPTURED = N_("screen.acceptance.captured")
MSG_NOT_CAPTURED = N_("screen.acceptance.not_captured")
MSG_POSTAGE = N_("screen.acceptance.postage")
MSG_TOTAL = N_("screen.acceptance.total")
MSG_REFUND = N_("screen.acceptance.refund")
MSG_PAY = N_("screen.acceptance.pay")
MSG_STREET = N_("form.field.postal_address")  # the delivery page's own labels
MSG_POSTCODE = N_("form.field.postcode")
REGION_LABELS = {"province": N_("screen.acceptance.province"), "city": N_("screen.acceptance.city"),
                 "district": N_("screen.acceptance.district")}
MSG_APPLICATION_NUMBER = application_form.ROW["application_number"]
MSG_EXPECTED_READY_ON = application_form.ROW["expected_ready_on"]
MSG_GUIDE = N_("screen.acceptance.guide")
MSG_SUBSTITUTE_MISSING = N_("screen.acceptance.substitute_missing")
GUIDE_KEYS = {"place": N_("screen.acceptance.guide.place"), "lift": N_("screen.acceptance.guide.lift"),
              "place_again": N_("screen.acceptance.guide.place_again")}
# The reason recorded with a substitute finger (SubmitAcceptance's substituteReason; the counter reads it).
SUBSTITUTE_REASONS = {"injured": "finger injured", "missing": "finger missing"}
# A substitute for an injured index finger: the middle finger of the same hand.
SUBSTITUTES = {"RIGHT_INDEX": "RIGHT_MIDDLE", "LEFT_INDEX": "LEFT_MIDDLE"}
FINGER_KEYS = {name: f"screen.acceptance.finger.{name.lower()}" for name in (
    "RIGHT_THUMB", "RIGHT_INDEX", "RIGHT_MIDDLE", "RIGHT_RING", "RIGHT_LITTLE",
    "LEFT_THUMB", "LEFT_INDEX", "LEFT_MIDDLE", "LEFT_RING", "LEFT_LITTLE")}


def present(view: FlowView) -> ScreenModel:
    build = STATES.get(view.state)
    if build is not None:
        return build(view)
    return application_form.present(view)


def photo(view: FlowView) -> ScreenModel:
    """A photo receipt from an earlier capture (scanned, or typed on the code keypad), or the
    photo taken now with the photo service's camera guide."""
    number = view.data.get("photo_receipt_number") or ""
    field = InputField("photo_receipt", Text(MSG_PHOTO_RECEIPT), number, "code", "photo_receipt", value_only=True)
    take = (Action("take_photo", Text(MSG_TAKE_PHOTO)),) if "take_photo" in view.actions else ()
    return p.screen(view, "device_action", picture=pictures.SCAN_QR, fields=(field,),
                    actions=(*take, p.next_action()))


def fingerprint(view: FlowView) -> ScreenModel:
    """The finger asked for, the guide's step of the moment (place and hold, lift, place again:
    the instruction, spoken too, and the picture, the finger on the glass or raised off it, are
    that step's), the tries left and each finger's result; the
    middle finger of the same hand instead when this one is injured or missing (the reason goes
    with the application)."""
    data = view.data
    finger = data.get("finger", "")
    rows = [Row(Text(MSG_FINGER), Text(FINGER_KEYS.get(finger, MSG_FINGER)), large=True)]
    if data.get("phase") in GUIDE_KEYS:
        rows.append(Row(Text(MSG_GUIDE), Text(GUIDE_KEYS[data["phase"]])))
    rows.append(Row(Text(MSG_TRIES_LEFT), literal(data.get("tries_left"))))
    for done in data.get("fingers", ()):
        if done["captured"] or done["not_captured"]:
            rows.append(Row(Text(FINGER_KEYS[done["finger"]]),
                            Text(MSG_CAPTURED if done["captured"] else MSG_NOT_CAPTURED)))
    substitute = SUBSTITUTES.get(finger)
    actions = (Action("substitute", Text(MSG_SUBSTITUTE), (substitute, SUBSTITUTE_REASONS["injured"])),
               Action("substitute", Text(MSG_SUBSTITUTE_MISSING), (substitute, SUBSTITUTE_REASONS["missing"]))) \
        if substitute and not data.get("substitute_reason") else ()
    picture = pictures.FINGER_LIFT if data.get("phase") == "lift" else pictures.FINGER_PLACE
    return p.screen(view, "device_action", picture=picture, rows=tuple(rows), actions=actions)


def signature(view: FlowView) -> ScreenModel:
    """The pad itself is the screen's (kiosk/ui/signature_pad.py): it sends Touch("sign", strokes)."""
    return p.screen(view, "signature")


def region(view: FlowView) -> ScreenModel:
    """Province, city and district as tiles from the region table (flows/acceptance_regions.py),
    each under its heading; a level the table does not list is typed on the pinyin keypad. The
    street and postcode typed on the delivery page are shown above them."""
    data = view.data
    rows = (Row(Text(MSG_STREET), literal(data.get("street"))), Row(Text(MSG_POSTCODE), literal(data.get("postcode"))))
    fields, options = [], []
    for level in data.get("fields", ()):
        name, value, choices = level["name"], level["value"], level["choices"]
        heading = Text(REGION_LABELS[name])
        if choices:
            options += [Option(name, choice, literal(choice), selected=choice == value, group=heading)
                        for choice in choices]
        else:
            fields.append(InputField(name, heading, value, "pinyin", "field"))
    return p.screen(view, "form", rows=rows, fields=tuple(fields), options=tuple(options),
                    actions=(p.next_action(),))


def fee_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    labels = {choice.value: choice.label_key for choice in ff.DOCUMENTS}
    by_type = {"PASSPORT": "passport", "HK_MACAU_PERMIT": "hk_macau_permit", "TAIWAN_PERMIT": "taiwan_permit"}
    rows = [Row(Text(labels[by_type[document]]), money(fee)) for document, fee in data.get("lines", ())]
    if data.get("postage") not in (None, "0.00"):
        rows.append(Row(Text(MSG_POSTAGE), money(data["postage"])))
    rows.append(Row(Text(MSG_TOTAL), money(data.get("total", "")), large=True))
    return tuple(rows)


def fees(view: FlowView) -> ScreenModel:
    """The fees line by line, and the text-message tick (off by default; the number once ticked)."""
    consent = view.data.get("notices")
    options = (notices.consent_option(consent),) if consent else ()
    fields = notices.mobile_field(consent) if consent else ()
    return p.screen(view, "review", rows=fee_rows(view.data), options=options, fields=fields,
                    actions=(Action("pay", Text(MSG_PAY), primary=True),))


def paying(view: FlowView) -> ScreenModel:
    return paying_screen(view, *fee_rows(view.data)[:-1])


def payment_failed(view: FlowView) -> ScreenModel:
    return payment_failed_screen(view, str(view.data.get("total", "")))


def submit_failed(view: FlowView) -> ScreenModel:
    return p.screen(view, "problem", rows=counter_hint_row(view.data), can_cancel=False,
                    actions=(p.retry_action(), Action("refund", Text(MSG_REFUND))))


def done(view: FlowView) -> ScreenModel:
    return p.ended_well(view, _result_rows(view.data))


def done_not_printed(view: FlowView) -> ScreenModel:
    return p.done_not_printed(view, _result_rows(view.data))


def _result_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    rows = [Row(Text(MSG_APPLICATION_NUMBER), literal(data.get("application_number")), large=True),
            Row(Text(MSG_EXPECTED_READY_ON), literal(data.get("expected_ready_on")))]
    rows += [Row(Text(MSG_TOTAL), money(data.get("amount", "")))]
    rows += [Row(Text(key), literal("")) for key in data.get("next_step", ())]
    rows += notices.outcome_row(data.get("notices") or {})
    return tuple(rows)


def refund_pending(view: FlowView) -> ScreenModel:
    rows = (Row(Text(N_("screen.payment.order")), literal(view.data.get("transaction"))),)
    return p.screen(view, "problem", rows=rows + counter_hint_row(view.data))


STATES: dict[str, Callable[[FlowView], ScreenModel]] = {
    "photo": photo,
    "fingerprint": fingerprint,
    "signature": signature,
    "region": region,
    "photo_live": id_photo.live,
    "photo_review": id_photo.review,
    "fees": fees,
    "paying": paying,
    "payment_failed": payment_failed,
    "unavailable": p.ended_badly,
    "submitting": p.working,
    "submit_failed": submit_failed,
    "refunded": p.ended_badly,
    "refund_pending": refund_pending,
    "printing": p.working,
    "done": done,
    "done_not_printed": done_not_printed,
    "refused": p.ended_badly,
    "cancelled": p.cancelled,
}
