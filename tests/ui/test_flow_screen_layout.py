"""Every screen of the form, photo, progress and appointment flows, drawn in both languages in
normal and large text: no text runs out of its box, every touch target is at least 90 design
px tall, body text is at least 32 design px (UX.md).

GIVEN a presenter's model of each state (page data built with the flows' own helpers), WHEN
the real screen draws it, THEN the widgets on it keep those rules.
"""

from __future__ import annotations

import dataclasses

import pytest

from backend_client import models as mo
from core.config import PROJECT_ROOT
from flows import form_fields as ff
from flows.application_draft import ENDORSEMENT_WISHES, POSTAL_FIELDS, FormDraft
from flows.application_form import MSG_FIX_FIELDS, ApplicationFormFlow
from flows.application_form import FormState as F
from flows.appointment import AppointmentFlow
from flows.appointment import AppointmentState as A
from flows.demo_cards import card_for
from flows.engine import FlowView
from flows.id_photo import IdPhotoFlow
from flows.id_photo import PhotoState as P
from flows.progress import NOW_KEYS, ProgressFlow, timeline
from flows.progress import ProgressState as G
from kiosk.ui.presenters import present

MIN_TARGET = 90  # design px
MIN_BODY_FONT = 32
HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}
SAMPLE_PHOTO = PROJECT_ROOT / "assets" / "images" / "look_at_camera.png"


def view(flow, state, data=None, actions=(), error_key=None, message_key=None) -> FlowView:
    step, key = flow.VIEWS[state]
    return FlowView(flow.name, state.name.lower(), message_key or key, step, flow.STEPS, actions, data or {},
                    error_key, None, not flow.TRANSITIONS.get(state))


def draft() -> FormDraft:
    card = dataclasses.replace(card_for("non_local_hukou"), name="欧阳田芳")
    identity = mo.Identity(card.id_number, card.name, mo.Sex.FEMALE, card.birth_date,
                           mo.IdentityDocumentKind.RESIDENT_ID_CARD, card.birth_date, False, b"")
    form = FormDraft.start(card, identity, "PH-20250301-000007")
    for document, reason in (("passport", "lost"), ("hk_macau_permit", "amendment")):
        form.toggle_document(document)
        form.set_reason(document, reason)
    form.toggle_endorsement("hk_s_multiple")
    form.type_field("mobile", "1380013")
    form.type_field("former_name", "欧阳芳")
    form.set_choice("delivery", "post")
    form.type_field("postal_address", "湖南省长沙市芙蓉区五一大道88号金色家园小区3栋2单元1201室")
    return form


def fields(form: FormDraft, names) -> list[dict]:
    rows = []
    for name in names:
        typed = ff.typed_field(name) if name != "former_name" else None
        rows.append({"name": name, "label_key": typed.label_key if typed else "form.field.former_name",
                     "keypad": typed.keypad if typed else "pinyin", "required": True,
                     "value": form.typed.get(name, ""), "error_key": form.errors.get(name)})
    return rows


def views() -> dict[str, FlowView]:
    form = draft()
    choices = lambda table: [(c.value, c.label_key) for c in table]  # noqa: E731
    review = {**form.review(), "surname_choices": form.surname_choices(), "given_name_choices":
              form.given_name_choices(), "surname_pinyin": form.surname_pinyin,
              "given_name_pinyin": form.given_name_pinyin}
    done = {"application_number": "AP-20250301-000042", "expected_ready_on": "2025-03-15", "counter_hint": HINT}
    progress = mo.ApplicationProgress(
        "AP-20250301-000042", mo.ApplicationStatus.POSTED, __import__("datetime").datetime(2025, 3, 1),
        (mo.DocumentType.PASSPORT, mo.DocumentType.HK_MACAU_PERMIT),
        tuple(mo.ProgressStep(s, __import__("datetime").datetime(2025, 3, d)) for d, s in
              enumerate(list(mo.ApplicationStatus)[:6], start=1)), tracking_number="SF1234567890123")
    ticket = {"ticket_number": "A012", "service_key": "appointment.service.hk_macau_permit",
              "appointment_start": "14:00", "waiting_ahead": 12, "counter_hint": HINT}
    return {
        "form-documents": view(ApplicationFormFlow, F.DOCUMENTS, {"choices": choices(ff.DOCUMENTS),
                                                                   "chosen": form.documents}, ("next",)),
        "form-endorsements": view(ApplicationFormFlow, F.ENDORSEMENTS, {
            "choices": [(w.value, w.label_key) for w in ENDORSEMENT_WISHES], "chosen": ["hk_s_multiple"]},
            ("next", "back")),
        "form-reasons": view(ApplicationFormFlow, F.REASONS, {"documents": form.documents,
                                                               "choices": choices(ff.REASONS), "chosen": form.reasons},
                             ("next", "back")),
        "form-details": view(ApplicationFormFlow, F.DETAILS, {
            "fields": fields(form, ("mobile", "current_address", "employer", "emergency_name", "emergency_phone",
                                    "former_name")),
            "occupations": choices(ff.OCCUPATIONS), "relationships": choices(ff.RELATIONSHIPS),
            "occupation": None, "relationship": "sibling", "problems": form.detail_problems()},
            ("next", "back"), MSG_FIX_FIELDS),
        "form-delivery": view(ApplicationFormFlow, F.DELIVERY, {"choices": choices(ff.DELIVERY), "delivery": "post",
                                                                 "fields": fields(form, POSTAL_FIELDS),
                                                                 "problems": {}}, ("next", "back")),
        "form-review": view(ApplicationFormFlow, F.REVIEW, review, ("submit",)),
        "form-submit-failed": view(ApplicationFormFlow, F.SUBMIT_FAILED, review, ("retry",), "form.error.fix_fields"),
        "form-done": view(ApplicationFormFlow, F.DONE, done),
        "form-not-printed": view(ApplicationFormFlow, F.DONE_NOT_PRINTED, done, error_key="printer.no_paper"),
        "form-refused": view(ApplicationFormFlow, F.REFUSED, {"counter_hint": HINT}, error_key="form.refused.minor"),
        "photo-live": view(IdPhotoFlow, P.LIVE, {"attempts": 2, "retakes_left": 4, "message_values": {}},
                           error_key="photo.background_busy", message_key="photo.show_both_eyes"),
        "photo-review": view(IdPhotoFlow, P.REVIEW, {"photo_path": str(SAMPLE_PHOTO), "attempts": 1,
                                                     "retakes_left": 5}, ("accept", "retake")),
        "photo-camera-fault": view(IdPhotoFlow, P.CAMERA_FAULT, {"counter_hint": HINT}),
        "photo-done": view(IdPhotoFlow, P.DONE, {"receipt_number": "PH-20250301-000007", "counter_hint": HINT}),
        "photo-exhausted": view(IdPhotoFlow, P.RETAKES_EXHAUSTED, {"counter_hint": HINT}),
        "progress-number": view(ProgressFlow, G.NUMBER, {}, ("number",), "progress.not_found"),
        "progress-timeline": view(ProgressFlow, G.TIMELINE, timeline(progress),
                                  message_key=NOW_KEYS[mo.ApplicationStatus.POSTED]),
        "progress-failed": view(ProgressFlow, G.QUERY_FAILED, {"counter_hint": HINT}, ("retry", "number")),
        "appointment-scan": view(AppointmentFlow, A.SCAN, {}, ("code",), "appointment.error.not_yours"),
        "appointment-done": view(AppointmentFlow, A.DONE, ticket),
        "appointment-not-printed": view(AppointmentFlow, A.DONE_NOT_PRINTED, ticket, error_key="printer.no_paper"),
    }


def problems_on(screen, app) -> list[str]:
    """Text out of its box, targets too small, body text too small, on the screen's content and
    bottom bar (the frame's top bar is the home screen's). A one-glyph icon ("!", "✓") is a
    picture, not text: its glyph box may reach past its line."""
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label

    found = []
    for part in (screen.ids.content, screen.ids.bottom_bar, screen.ids.instruction):
        for widget in part.walk(restrict=True):
            if widget.opacity == 0 or widget.height <= 1 or widget.disabled and widget.opacity < 1:
                continue
            name = f"{type(widget).__name__} {getattr(widget, 'text', '')[:30]!r}"
            icon = isinstance(widget, Label) and len(widget.text.strip()) == 1 and not widget.text.isalnum()
            if isinstance(widget, Label) and widget.text.strip() and not widget.shorten and not icon:
                widget.texture_update()
                if widget.texture_size[1] > widget.height + 2:
                    found.append(f"{name}: text {widget.texture_size[1] / app.u:.0f} px in a "
                                 f"{widget.height / app.u:.0f} px box")
                if widget.font_size < MIN_BODY_FONT * app.u - 0.5:
                    found.append(f"{name}: font {widget.font_size / app.u:.0f} px")
            if isinstance(widget, ButtonBehavior) and widget.height < MIN_TARGET * app.u - 0.5:
                found.append(f"{name}: {widget.height / app.u:.0f} px tall")
    return found


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large"])
def test_every_screen_keeps_text_in_its_box_and_targets_big(kiosk_app, frames, large_text):
    app = kiosk_app
    app.large_text = large_text
    failures = []
    for lang in ("zh_CN", "en"):
        app.lang = lang
        for name, flow_view in views().items():
            model = present(flow_view)
            screen = app.screens.get_screen(model.kind)
            screen.show(model)
            app.screens.current = model.kind
            frames(3)
            failures += [f"{lang} {name}: {problem}" for problem in problems_on(screen, app)]
    assert not failures, "\n".join(failures)
