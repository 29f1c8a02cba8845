"""Wrong or missing entries on the form: each field says what is wrong as it is typed, the
page does not move on until it is right, and nothing typed is lost."""

from __future__ import annotations

import re

import pytest

from backend_client.errors import InvalidInputError
from flows.application_form import ApplicationFormFlow, FormState, _page_of_invalid_field
from flows.journal import request_id_for
from flows.pump import FlowPump
from terminal.scenarios import identify


def _to_details(pump: FlowPump) -> None:
    pump.start(ApplicationFormFlow)
    identify(pump, "minority_name", "documents")
    pump.touch("toggle_document", "passport")
    pump.touch("next")
    pump.touch("reason", ("passport", "first"))
    pump.expect("details")


@pytest.mark.parametrize(("field", "text", "error"), [
    ("mobile", "1380013800", "form.error.mobile"),  # 10 digits
    ("mobile", "23800138000", "form.error.mobile"),  # not a mobile prefix
    ("mobile", "", "form.error.mobile"),
    ("emergency_phone", "138-0013-8000", "form.error.mobile"),
    ("emergency_name", "Li", "form.error.chinese_name"),
    ("emergency_name", "李", "form.error.chinese_name"),
    ("current_address", "长沙", "form.error.address"),
    ("employer", "x" * 41, "form.error.required"),
])
def test_a_wrong_entry_is_marked_where_it_was_typed(pump, field, text, error) -> None:
    _to_details(pump)
    view = pump.touch("field", (field, text))
    assert view.error_key == error
    row = next(r for r in view.data["fields"] if r["name"] == field)
    assert (row["value"], row["error_key"]) == (text.strip(), error)
    assert view.data["problems"][field] == error


def test_details_page_waits_until_everything_required_is_right(pump) -> None:
    _to_details(pump)
    view = pump.touch("next")
    assert (view.state, view.error_key) == ("details", "form.error.fix_fields")
    assert set(view.data["problems"]) == {"mobile", "emergency_name", "emergency_phone", "occupation", "relationship"}

    pump.touch("field", ("mobile", "13800138000"))
    pump.touch("field", ("emergency_name", "阿依古丽·买买提"))  # a minority name with its dot
    view = pump.touch("field", ("emergency_phone", "13800138000"))
    assert view.error_key == "form.error.emergency_same_phone"
    pump.touch("field", ("emergency_phone", "13900139000"))
    pump.touch("field", ("employer", ""))  # optional: empty is fine
    pump.touch("occupation", "student")
    view = pump.touch("relationship", "sibling")
    assert view.data["problems"] == {}
    assert pump.touch("next").state == "delivery"


def test_choices_outside_the_lists_are_refused(pump) -> None:
    _to_details(pump)
    assert pump.touch("occupation", "astronaut").error_key == "form.error.choose"
    assert pump.touch("relationship", "neighbour").error_key == "form.error.choose"
    assert pump.touch("field", ("postcode", "410002")).error_key == "form.error.choose"  # not on this page
    assert pump.flow.draft.occupation is None and "postcode" not in pump.flow.draft.typed


def test_postal_entries_are_checked(pump) -> None:
    _to_details(pump)
    for name, text in (("mobile", "13800138000"), ("emergency_name", "张三"), ("emergency_phone", "13900139000")):
        pump.touch("field", (name, text))
    pump.touch("occupation", "employee")
    pump.touch("relationship", "parent")
    pump.touch("next")
    pump.touch("delivery", "post")
    assert pump.touch("field", ("postcode", "41000")).error_key == "form.error.postcode"
    assert pump.touch("field", ("postal_address", "长沙")).error_key == "form.error.address"
    view = pump.touch("next")
    assert (view.state, view.error_key) == ("delivery", "form.error.fix_fields")
    assert set(view.data["problems"]) == {"postcode", "postal_address"}
    assert pump.touch("delivery", "courier").error_key == "form.error.choose"


def test_documents_and_reasons_must_be_chosen(pump) -> None:
    pump.start(ApplicationFormFlow)
    identify(pump, "minority_name", "documents")
    assert pump.touch("next").error_key == "form.error.choose"
    assert pump.touch("toggle_document", "visa").error_key == "form.error.choose"
    pump.touch("toggle_document", "passport")
    pump.touch("next")
    assert pump.touch("reason", ("passport", "bored")).error_key == "form.error.choose"
    assert pump.touch("reason", ("taiwan_permit", "first")).error_key == "form.error.choose"
    assert pump.touch("next").error_key == "form.error.choose"
    assert pump.view.state == "reasons"


@pytest.mark.parametrize(("field", "page"), [
    ("form.delivery.postalAddress", FormState.DELIVERY),
    ("form.emergencyContact.phone", FormState.DETAILS),
    ("form.mobile", FormState.DETAILS),
    ("form.document.reason", FormState.DOCUMENTS),
    ("form.guardian", None),  # nothing the citizen can fix here: refused with the back end's reason
])
def test_a_field_the_back_end_refuses_sends_the_citizen_to_its_page(field, page) -> None:
    """A hall's back end may check more than the kiosk does; its InvalidInput names the field."""
    error = InvalidInputError(field, "is wrong", "soap:Client")
    assert _page_of_invalid_field(error) is page


def test_every_resubmission_after_a_refusal_is_a_new_valid_request(pump) -> None:
    """After the back end refused a field, the corrected form is another request (the first
    request id keeps its stored answer), and every request id fits the contract."""
    _to_details(pump)
    flow = pump.flow
    steps = []
    for version in (1, 2, 3):
        flow._submit_version = version
        steps.append(flow._submit_step())
    assert len(set(steps)) == 3
    txn = flow.ctx.journal.open_transaction("application_form")
    for step in steps:
        assert re.fullmatch(r"[A-Za-z0-9_\-]{8,64}", request_id_for(txn, step))
