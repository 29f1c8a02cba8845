"""The application form's screens as data: every flow state has its screen; choices are tiles
(several documents, one wish per destination, a reason per document); typed details open the
keypad their field asks for; the review has one 'change' per section and the name in pinyin
to correct; the end shows the application number. Page data is built with the flow's own
helpers (choices, FormDraft.review()) on a demo person's card."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from backend_client import models as mo
from core.i18n import LANGUAGES
from flows import form_fields as ff
from flows.application_draft import ENDORSEMENT_WISHES, POSTAL_FIELDS, REPLACEMENT_STATEMENTS, FormDraft
from flows.application_form import MSG_FIX_FIELDS, ApplicationFormFlow, FormState
from flows.demo_cards import card_for
from kiosk.ui.presenters import FINISH
from kiosk.ui.presenters.application_form import STATEMENT_KEYS, STATES, present

HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}
S = FormState


def choices(table: tuple[ff.Choice, ...]) -> list[tuple[str, str]]:
    return [(c.value, c.label_key) for c in table]


def draft_for(name: str | None = None, person: str = "non_local_hukou") -> FormDraft:
    """A draft started from a demo person's card (optionally renamed) and the back end's record."""
    card = card_for(person)
    if name is not None:
        card = dataclasses.replace(card, name=name)
    identity = mo.Identity(card.id_number, card.name, mo.Sex.MALE, card.birth_date,
                           mo.IdentityDocumentKind.RESIDENT_ID_CARD, card.birth_date, False, b"")
    return FormDraft.start(card, identity, None)


def filled_draft(name: str | None = None) -> FormDraft:
    draft = draft_for(name)
    for document, reason in (("passport", "lost"), ("hk_macau_permit", "renewal_expired")):
        draft.toggle_document(document)
        draft.set_reason(document, reason)
    draft.toggle_endorsement("hk_g_single")
    for field, text in (("mobile", "13800138000"), ("emergency_name", "刘建华"), ("emergency_phone", "13900139000")):
        draft.type_field(field, text)
    draft.set_choice("occupation", "employee")
    draft.set_choice("relationship", "parent")
    draft.set_choice("delivery", "post")
    draft.type_field("postal_address", "湖南省长沙市芙蓉区五一大道88号")
    draft.type_field("postcode", "410011")
    return draft


def review_data(draft: FormDraft) -> dict[str, Any]:
    """What the flow's view_data gives on the review page."""
    return {**draft.review(), "surname_choices": draft.surname_choices(),
            "given_name_choices": draft.given_name_choices(),
            "surname_pinyin": draft.surname_pinyin, "given_name_pinyin": draft.given_name_pinyin}


def field_rows(draft: FormDraft, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The flow's typed-field rows for a page."""
    return [{"name": n, "label_key": ff.typed_field(n).label_key, "keypad": ff.typed_field(n).keypad,
             "required": ff.typed_field(n).required, "value": draft.typed.get(n, ""),
             "error_key": draft.errors.get(n)} for n in names]


def details_data(draft: FormDraft) -> dict[str, Any]:
    names = ("mobile", "current_address", "employer", "emergency_name", "emergency_phone")
    return {"fields": field_rows(draft, names), "occupations": choices(ff.OCCUPATIONS),
            "relationships": choices(ff.RELATIONSHIPS), "occupation": draft.occupation,
            "relationship": draft.relationship, "problems": draft.detail_problems()}


def group_keys(model) -> list[str]:
    return [o.group.key for o in model.options if o.group is not None]


def test_every_state_of_the_flow_has_its_screen():
    assert set(STATES) == {state.name.lower() for state in FormState}


def test_every_replacement_reason_shows_the_declaration_it_makes():
    assert set(STATEMENT_KEYS) == set(REPLACEMENT_STATEMENTS)


@pytest.mark.parametrize("state", [S.CARD, S.FACE])
def test_identity_steps_are_the_shared_screens_and_can_be_cancelled(make_view, rendered, state):
    model = present(make_view(ApplicationFormFlow, state, {"face_tries_left": 2} if state is S.FACE else {}))
    assert model.kind == ("device_action" if state is S.CARD else "camera")
    assert model.can_cancel and model.actions == () and (model.step, model.steps) == (1, 6)
    rendered(model)


def test_documents_are_tiles_several_may_be_chosen(make_view, rendered):
    view = make_view(ApplicationFormFlow, S.DOCUMENTS, {"choices": choices(ff.DOCUMENTS),
                                                        "chosen": ["passport", "taiwan_permit"]},
                     actions=("toggle_document", "next"))
    model = present(view)
    assert model.kind == "choice" and model.can_cancel and model.back is None
    assert [(o.action, o.value, o.selected) for o in model.options] == [
        ("toggle_document", "passport", True), ("toggle_document", "hk_macau_permit", False),
        ("toggle_document", "taiwan_permit", True)]
    assert [(a.action, a.primary) for a in model.actions] == [("next", True)]
    texts = rendered(model)
    assert texts["en"][0] == "Which document do you apply for? You may choose more than one"
    assert "Ordinary passport" in texts["en"] and "普通护照" in texts["zh_CN"]


def test_endorsement_wishes_are_grouped_by_destination_with_back(make_view, rendered, translator):
    data = {"choices": [(w.value, w.label_key) for w in ENDORSEMENT_WISHES], "chosen": ["hk_g_single", "mo_l_single"]}
    model = present(make_view(ApplicationFormFlow, S.ENDORSEMENTS, data,
                              actions=("toggle_endorsement", "next", "back")))
    assert model.kind == "choice" and model.back is not None and model.back.action == "back"
    assert group_keys(model) == ["screen.form.endorsements_hong_kong"] * 5 + ["screen.form.endorsements_macau"] * 4
    assert {o.value for o in model.options if o.selected} == {"hk_g_single", "mo_l_single"}
    assert all(translator.has(key, lang) for key in set(group_keys(model)) for lang in LANGUAGES)
    rendered(model)


def test_reasons_are_grouped_per_document_and_replacements_carry_the_declaration(make_view, rendered):
    data = {"documents": ["passport", "hk_macau_permit"], "choices": choices(ff.REASONS),
            "chosen": {"passport": "lost"}}
    model = present(make_view(ApplicationFormFlow, S.REASONS, data, actions=("reason", "next", "back")))
    assert len(model.options) == 2 * len(ff.REASONS)
    assert group_keys(model) == (["form.document.passport"] * len(ff.REASONS)
                                 + ["form.document.hk_macau_permit"] * len(ff.REASONS))
    assert [o.value for o in model.options if o.selected] == [("passport", "lost")]
    lost = next(o for o in model.options if o.value == ("hk_macau_permit", "lost"))
    assert lost.action == "reason" and lost.detail.key == "screen.form.statement_lost"
    assert next(o for o in model.options if o.value == ("passport", "first")).detail is None
    rendered(model)


def test_details_open_the_keypad_each_field_needs_and_choices_sit_on_the_same_page(make_view, rendered):
    draft = draft_for()
    model = present(make_view(ApplicationFormFlow, S.DETAILS, details_data(draft),
                              actions=("field", "occupation", "relationship", "next", "back")))
    assert model.kind == "form" and model.back is not None
    keypads = {f.name: f.keypad for f in model.fields}
    assert keypads == {"mobile": "numeric", "emergency_phone": "numeric", "emergency_name": "pinyin",
                       "current_address": "pinyin", "employer": "pinyin"}
    assert all(f.action == "field" and not f.value_only for f in model.fields)
    address = next(f for f in model.fields if f.name == "current_address")
    assert address.value == draft.card.address, "the card's address is offered for the current address"
    assert {o.action for o in model.options} == {"occupation", "relationship"}
    assert not any(o.selected for o in model.options)
    assert all(f.error is None for f in model.fields), "nothing is marked before the citizen presses Next"
    assert set(group_keys(model)) == {"screen.form.occupation", "screen.form.relationship"}
    rendered(model)


def test_details_mark_every_missing_entry_after_next_was_pressed(make_view, rendered):
    draft = draft_for()
    draft.type_field("mobile", "123")
    model = present(make_view(ApplicationFormFlow, S.DETAILS, details_data(draft),
                              actions=("field", "next"), error_key=MSG_FIX_FIELDS))
    errors = {f.name: f.error.key if f.error else None for f in model.fields}
    assert errors == {"mobile": "form.error.mobile", "current_address": None, "employer": None,
                      "emergency_name": "form.error.required", "emergency_phone": "form.error.required"}
    assert set(group_keys(model)) == {"screen.form.occupation_missing", "screen.form.relationship_missing"}
    assert model.error.key == MSG_FIX_FIELDS
    rendered(model)


def test_delivery_by_post_asks_the_address_on_pinyin_and_the_postcode_on_digits(make_view, rendered):
    draft = draft_for()
    draft.set_choice("delivery", "post")
    data = {"choices": choices(ff.DELIVERY), "delivery": "post", "fields": field_rows(draft, POSTAL_FIELDS),
            "problems": draft.delivery_problems()}
    model = present(make_view(ApplicationFormFlow, S.DELIVERY, data, actions=("delivery", "field", "next", "back")))
    assert model.kind == "form"
    assert [(o.value, o.selected) for o in model.options] == [("collect", False), ("post", True)]
    assert [(f.name, f.keypad) for f in model.fields] == [("postal_address", "pinyin"), ("postcode", "numeric")]
    collect = present(make_view(ApplicationFormFlow, S.DELIVERY,
                                {**data, "delivery": None, "fields": []}, actions=("delivery", "next", "back")))
    assert collect.fields == ()
    rendered(model)


def test_review_has_one_change_per_section_and_the_pinyin_name_to_type(make_view, rendered):
    draft = filled_draft()
    model = present(make_view(ApplicationFormFlow, S.REVIEW, review_data(draft), actions=("surname", "given_name",
                                                                                          "edit", "submit")))
    assert model.kind == "review"
    edits = [row.edit.value for row in model.rows if row.edit is not None]
    assert edits == ["documents", "details", "delivery"]
    assert all(row.edit.action == "edit" for row in model.rows if row.edit)
    assert [(a.action, a.primary) for a in model.actions] == [("submit", True)]
    assert [(f.name, f.keypad, f.action, f.value_only, f.value) for f in model.fields] == [
        ("surname", "latin", "surname", True, "LIU"), ("given_name", "latin", "given_name", True, "YANG")]
    assert [(o.action, o.value, o.selected) for o in model.options] == [
        ("given_name", "YANG", True), ("given_name", "XIANG", False)], "刘 has one reading, 洋 two"
    texts = rendered(model)
    assert "刘洋" in texts["en"] and "Male" in texts["en"] and "男" in texts["zh_CN"]
    assert "13800138000" in texts["en"] and "410011" in texts["en"]
    assert "Hong Kong, individual visit, one trip, 3 months" in texts["en"]


def test_review_offers_the_readings_of_a_polyphonic_surname(make_view, rendered):
    draft = filled_draft(name="单田芳")
    model = present(make_view(ApplicationFormFlow, S.REVIEW, review_data(draft), actions=("surname", "submit")))
    surnames = [(o.value, o.selected) for o in model.options if o.action == "surname"]
    assert surnames[0] == ("SHAN", True), "the surname reading comes first and is the one in use"
    assert "DAN" in [value for value, _ in surnames]
    assert all(o.label.literal == o.value for o in model.options)
    assert group_keys(model)[0] == "screen.form.surname_choices"
    rendered(model)


@pytest.mark.parametrize("state", [S.SUBMITTING, S.PRINTING])
def test_while_sending_or_printing_nothing_can_be_pressed(make_view, rendered, state):
    model = present(make_view(ApplicationFormFlow, state))
    assert model.kind == "working" and model.actions == () and not model.can_cancel
    rendered(model)


def test_unanswered_submission_offers_try_again(make_view, rendered):
    view = make_view(ApplicationFormFlow, S.SUBMIT_FAILED, review_data(filled_draft()), actions=("retry",),
                     error_key="backend.unreachable")
    model = present(view)
    assert model.kind == "problem" and not model.finished and model.can_cancel
    assert model.error.key == "backend.unreachable"
    assert [(a.action, a.primary) for a in model.actions] == [("retry", True)]
    rendered(dataclasses.replace(model, error=None))  # the back end's keys are the client's catalog entries


def test_done_shows_the_application_number_that_the_printed_qr_carries(make_view, rendered):
    data = {"application_number": "AP-20250301-000042", "expected_ready_on": "2025-03-15", "counter_hint": HINT}
    model = present(make_view(ApplicationFormFlow, S.DONE, data))
    assert model.kind == "result" and model.finished
    assert model.rows[0].large and model.rows[0].value.literal == "AP-20250301-000042"
    assert [a.action for a in model.actions] == [FINISH]
    texts = rendered(model)
    assert "AP-20250301-000042" in texts["en"]
    assert "Its QR code carries your application number" in texts["en"]


def test_done_but_not_printed_keeps_the_number_on_screen_and_says_where_to_go(make_view, rendered):
    data = {"application_number": "AP-20250301-000042", "expected_ready_on": "2025-03-15", "counter_hint": HINT}
    model = present(make_view(ApplicationFormFlow, S.DONE_NOT_PRINTED, data, error_key="printer.no_paper"))
    assert model.kind == "problem" and model.finished and model.rows[0].large
    assert model.error is None, "one instruction: the flow's sentence already says the printer failed"
    texts = rendered(model)
    assert "AP-20250301-000042" in texts["zh_CN"] and HINT["zh_CN"] in texts["zh_CN"]
    assert HINT["en"] in texts["en"]


def test_refusal_names_the_reason_and_the_counter(make_view, rendered):
    model = present(make_view(ApplicationFormFlow, S.REFUSED, {"counter_hint": HINT}, error_key="form.refused.minor"))
    assert model.kind == "problem" and model.finished and model.error.key == "form.refused.minor"
    assert [a.action for a in model.actions] == [FINISH]
    assert HINT["en"] in rendered(model)["en"]
