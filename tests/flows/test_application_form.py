"""The application form flow, every branch, on the simulators and the reference back end.

Each test plays one demo person (backend/seed.py) against this module's back end; a person
applies for a given document at most once here, since a second application for the same
document is refused while the first is in progress.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from backend import seed
from devices.idcard.records import Validity
from devices.idcard.simulator import sample_foreign_2023_card, sample_foreign_card
from flows.application_form import ApplicationFormFlow, FormState
from flows.common_steps import PHOTO_RECEIPT_KEY
from flows.demo_cards import card_for
from flows.engine import Cancel, check_transition_table
from flows.journal import Phase, TxnStatus
from terminal.scenarios import FORM_DETAILS, fill_application_form, identify


def test_tables_cover_every_state() -> None:
    assert check_transition_table(ApplicationFormFlow, FormState) == []


def test_passport_application_is_submitted_and_its_summary_printed(pump, runtime, next_receipt) -> None:
    review = fill_application_form(pump, "non_local_hukou")
    assert review.data["name"] == "刘洋" and review.data["name_pinyin"] == "LIU YANG"
    assert review.data["birth_place"] == "湖南省郴州市"  # the household register's, from the back end: never typed
    assert review.data["typed"]["current_address"] == seed.person("non_local_hukou").address

    done = pump.touch("submit")

    assert done.state == "done" and done.finished and done.error_key is None
    number = done.data["application_number"]
    assert number.startswith("AP-")
    receipt = next_receipt()
    assert number in receipt and "刘*" in receipt  # the name is masked on paper
    assert seed.person("non_local_hukou").id_number not in receipt
    txn = pump.flow.txn_id
    record = runtime.journal.get(txn)
    assert record.status is TxnStatus.COMPLETED
    assert [(s.step, s.phase) for s in record.steps] == [
        ("submit", Phase.BEFORE), ("submit", Phase.AFTER), ("print", Phase.BEFORE), ("print", Phase.AFTER)]
    assert record.steps[1].detail == {"application_number": number}
    progress = runtime.backend.get_application_progress(number, seed.person("non_local_hukou").id_number)
    assert progress.status.value == "ACCEPTED"


def test_permit_with_endorsements_posted_to_an_address(pump, put_card) -> None:
    pump.start(ApplicationFormFlow)
    put_card("expired_permit")
    pump.tick_until_state("documents")
    pump.touch("toggle_document", "hk_macau_permit")
    view = pump.touch("next")
    assert view.state == "endorsements"
    pump.touch("toggle_endorsement", "hk_g_single")
    pump.touch("toggle_endorsement", "hk_g_double")  # replaces Hong Kong's earlier choice
    view = pump.touch("toggle_endorsement", "mo_l_single")
    assert view.data["chosen"] == ["hk_g_double", "mo_l_single"]
    pump.touch("next")
    view = pump.touch("reason", ("hk_macau_permit", "renewal_expired"))
    assert view.state == "details"
    for name, text in FORM_DETAILS:
        pump.touch("field", (name, text))
    pump.touch("occupation", "retired")
    pump.touch("relationship", "child")
    pump.touch("next")
    view = pump.touch("delivery", "post")
    assert view.state == "delivery" and [f["name"] for f in view.data["fields"]] == ["postal_address", "postcode"]
    assert pump.touch("next").error_key == "form.error.fix_fields"
    pump.touch("field", ("postal_address", "湖南省长沙市天心区书院路8号"))
    pump.touch("field", ("postcode", "410002"))
    assert pump.touch("next").state == "review"

    form = pump.flow.draft.to_application_form()
    assert form.delivery.method.value == "POST" and form.delivery.postal_address.endswith("410002")
    assert form.delivery.postal_recipient == "王芳" and form.delivery.postal_phone == "13800138000"
    (permit,) = form.documents
    assert (permit.application_kind.value, permit.reason.value) == ("RENEWAL", "EXPIRED")
    assert {(e.destination.value, e.type.value, e.trips.value) for e in permit.endorsements} == {
        ("HONG_KONG", "G", "DOUBLE"), ("MACAU", "L", "SINGLE")}
    assert pump.touch("submit").state == "done"


def test_two_documents_replacement_and_amendment(pump) -> None:
    """A replacement carries the kiosk's declaration; an amendment asks for the former name."""
    pump.start(ApplicationFormFlow)
    identify(pump, "points_near_limit", "documents")
    pump.touch("toggle_document", "passport")
    pump.touch("toggle_document", "taiwan_permit")
    pump.touch("next")
    view = pump.touch("reason", ("passport", "lost"))
    assert view.state == "reasons"  # the Taiwan permit has no reason yet
    view = pump.touch("reason", ("taiwan_permit", "amendment"))
    assert view.state == "details"
    assert "former_name" in [f["name"] for f in view.data["fields"]]
    for name, text in FORM_DETAILS:
        pump.touch("field", (name, text))
    pump.touch("occupation", "employee")
    pump.touch("relationship", "spouse")
    view = pump.touch("next")
    assert view.state == "details" and view.data["problems"] == {"former_name": "form.error.required"}
    pump.touch("field", ("former_name", "赵石头"))
    pump.touch("next")
    pump.touch("delivery", "collect")
    passport, permit = pump.flow.draft.to_application_form().documents
    assert (passport.application_kind.value, passport.reason.value) == ("REPLACEMENT", "LOST")
    assert passport.statement
    assert (permit.application_kind.value, permit.former_name) == ("AMENDMENT", "赵石头")
    assert pump.touch("submit").state == "done"


def test_pinyin_is_chosen_or_typed_on_the_review(pump) -> None:
    review = fill_application_form(pump, "long_term_id")
    assert review.data["name_pinyin"] == "OUYANG XIUYING"  # the back end's record of her name
    assert review.data["surname_choices"][0] == "OUYANG"
    assert "XIUYANG" in review.data["given_name_choices"]  # 英 is read ying or yang

    assert pump.touch("given_name", "XIUYANG").data["name_pinyin"] == "OUYANG XIUYANG"
    refused = pump.touch("surname", "OU-YANG")
    assert refused.error_key == "form.error.pinyin" and refused.data["name_pinyin"] == "OUYANG XIUYANG"
    assert pump.touch("surname", "ou yang").data["name_pinyin"] == "OU YANG XIUYANG"
    assert pump.flow.draft.to_application_form().name_pinyin == "OU YANG XIUYANG"


def test_review_edits_and_back_keep_what_was_filled(pump) -> None:
    fill_application_form(pump, "minority_name")
    assert pump.touch("edit", "details").state == "details"
    pump.touch("field", ("mobile", "13700137000"))
    assert pump.touch("back").state == "reasons"
    assert pump.touch("next").state == "details"
    pump.touch("next")
    view = pump.touch("delivery", "collect")
    assert view.state == "review" and view.data["typed"]["mobile"] == "13700137000"
    assert view.data["typed"]["emergency_name"] == "刘建华"


def test_photo_taken_this_visit_goes_with_the_form(pump, runtime) -> None:
    receipt = runtime.backend.upload_photo(seed.person("local_adult").id_number, _photo_bytes(), "form-test-photo")
    runtime.session.data[PHOTO_RECEIPT_KEY] = receipt.receipt_number
    review = fill_application_form(pump, "local_adult", documents=(("taiwan_permit", "first"),))
    assert review.data["photo_receipt_number"] == receipt.receipt_number
    assert pump.touch("submit").state == "done"


def test_identity_once_per_visit(pump, runtime) -> None:
    """A citizen verified by an earlier service of this visit goes straight to the documents."""
    fill_application_form(pump, "minority_name",
                          documents=(("taiwan_permit", "first"),))
    pump.send(Cancel())
    view = pump.start(ApplicationFormFlow)
    assert view.state == "documents"


@pytest.mark.parametrize(("card", "reason"), [
    (lambda: card_for("hk_resident"), "form.refused.not_citizen"),
    (lambda: sample_foreign_card(), "form.refused.not_citizen"),
    (lambda: sample_foreign_2023_card(), "form.refused.not_citizen"),
    (lambda: card_for("minor"), "form.refused.minor"),
    (lambda: dataclasses.replace(card_for("local_adult"), validity=Validity(dt.date(2005, 1, 1), dt.date(2015, 1, 1))),
     "identity.card_expired"),
], ids=["residence_permit", "foreign_card", "foreign_card_2023", "under_16", "expired_card"])
def test_who_cannot_apply_here_is_told_why(pump, card, reason) -> None:
    pump.start(ApplicationFormFlow)
    pump.simulators["idcard"].insert_card(card())
    view = pump.tick_until(lambda v: v.finished, "a refusal")
    assert (view.state, view.error_key) == ("refused", reason)
    assert view.data["counter_hint"]["zh_CN"]


def test_face_that_never_matches_is_refused_after_the_configured_tries(pump, runtime) -> None:
    pump.start(ApplicationFormFlow)
    pump.simulators["idcard"].insert_card(card_for("face_mismatch"))
    view = pump.tick_until_state("face")
    retries = []
    while not view.finished:
        view = pump.tick()
        if view.error_key == "identity.face_retry" and view.data["face_tries_left"] not in retries:
            retries.append(view.data["face_tries_left"])
    assert retries == list(range(runtime.config["flows"]["face_tries"] - 1, 0, -1))
    assert (view.state, view.error_key) == ("refused", "identity.face_no_match")


def test_registered_state_employee_is_refused_when_submitting(pump, runtime) -> None:
    fill_application_form(pump, "state_employee")
    view = pump.touch("submit")
    assert (view.state, view.error_key) == ("refused", "backend.not_eligible.registered_state_employee")
    assert runtime.journal.get(pump.flow.txn_id).status is TxnStatus.CANCELLED


def test_document_already_in_progress_is_refused(pump) -> None:
    fill_application_form(pump, "local_adult")  # AP-DEMO-0001 (passport) is under review
    view = pump.touch("submit")
    assert (view.state, view.error_key) == ("refused", "backend.not_eligible.application_in_progress")


def test_cancel_leaves_no_transaction_and_no_personal_data(pump, runtime) -> None:
    fill_application_form(pump, "non_local_hukou", documents=(("taiwan_permit", "first"),))
    before = len(runtime.journal.transactions())
    view = pump.send(Cancel())
    assert view.state == "cancelled" and view.finished
    assert len(runtime.journal.transactions()) == before
    runtime.session.wipe("citizen left")
    assert runtime.session.is_empty


def _photo_bytes() -> bytes:
    """A photo the back end accepts (354 x 472 JPEG in the byte window), made by the pipeline."""
    from photo import samples
    from photo.pipeline import PhotoPipeline
    from photo.spec import load_photo_settings

    result = PhotoPipeline.from_settings(load_photo_settings()).finalize(samples.capture())
    assert result.ok and result.jpeg is not None
    return result.jpeg
