"""The application form asks the same eligibility as the endorsement service, takes the birth
place from the household register, and sends the reasons the back end knows (issue 22: items
5 and 6 and the smaller points), on the simulators and the reference back end over real HTTP.

This module has a runtime (hence a freshly seeded back end) of its own: one test changes a
person's record in the back end's database, and each person applies for a document once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend import seed
from flows.application_form import ApplicationFormFlow
from terminal.runtime import Runtime
from terminal.scenarios import FORM_DETAILS, fill_application_form, identify

ALL_WISHES = {"hk_g_single", "hk_g_double", "hk_l_single", "hk_t_single", "hk_s_multiple",
              "mo_g_single", "mo_l_single", "mo_t_single", "mo_s_multiple"}


@pytest.fixture(scope="module")
def runtime(runtime_factory) -> Iterator[Runtime]:
    with runtime_factory.running("form-eligibility") as started:
        yield started


def open_endorsements(pump, person: str):
    pump.start(ApplicationFormFlow)
    identify(pump, person, "documents")
    pump.touch("toggle_document", "hk_macau_permit")
    return pump.touch("next")


def finish_details(pump, reason: str = "renewal_expiring"):
    pump.touch("reason", ("hk_macau_permit", reason))
    for name, text in FORM_DETAILS:
        pump.touch("field", (name, text))
    pump.touch("occupation", "employee")
    pump.touch("relationship", "parent")
    pump.touch("next")
    return pump.touch("delivery", "collect")


def test_non_local_hukou_is_offered_group_tours_only_with_the_reason_for_the_rest(pump) -> None:
    """Issue 22 item 5: 刘洋 (hukou in Chenzhou) was shown all nine wishes and could send G and
    T; the endorsement service offers him L only (DOMAIN.md section 4), and so does the form."""
    view = open_endorsements(pump, "non_local_hukou")
    assert view.state == "endorsements"
    assert [value for value, _ in view.data["choices"]] == ["hk_l_single", "mo_l_single"]
    not_offered = {value: reason for value, _, reason in view.data["not_offered"]}
    assert set(not_offered) == ALL_WISHES - {"hk_l_single", "mo_l_single"}
    assert not_offered["hk_g_double"] == "form.endorsement.not_offered.individual_visit"
    assert not_offered["mo_t_single"] == "form.endorsement.not_offered.family_visit"
    assert not_offered["hk_s_multiple"] == "form.endorsement.not_offered.business"

    refused = pump.touch("toggle_endorsement", "hk_g_double")
    assert (refused.state, refused.error_key, refused.data["chosen"]) == (
        "endorsements", "form.error.endorsement_not_offered", [])
    assert pump.touch("toggle_endorsement", "mo_l_single").data["chosen"] == ["mo_l_single"]
    pump.touch("next")
    assert finish_details(pump).state == "review"
    assert pump.touch("submit").state == "done"


def test_a_g_city_hukou_is_offered_g(pump) -> None:
    view = open_endorsements(pump, "local_adult")
    offered = {value for value, _ in view.data["choices"]}
    assert {"hk_g_single", "hk_g_double", "mo_g_single", "hk_s_multiple", "hk_l_single"} <= offered
    assert {value for value, _, _ in view.data["not_offered"]} == {"hk_t_single", "mo_t_single"}


def test_a_wish_withdrawn_by_the_back_end_sends_the_citizen_back_to_the_endorsements(pump, runtime) -> None:
    """The rules changed between asking and submitting (here: the business registration is
    struck off): the back end refuses with OPTION_NOT_OFFERED, the form asks again and the
    citizen chooses among what is offered now."""
    person = seed.person("points_near_limit")  # hukou in Changsha: G and L, no business
    store = runtime.link.embedded.server.backend.store
    with store.write() as db:
        db.execute("UPDATE persons SET business_registered = 1 WHERE id_number = ?", (person.id_number,))
    open_endorsements(pump, "points_near_limit")
    assert pump.touch("toggle_endorsement", "hk_s_multiple").data["chosen"] == ["hk_s_multiple"]
    pump.touch("next")
    assert finish_details(pump).state == "review"
    with store.write() as db:
        db.execute("UPDATE persons SET business_registered = 0 WHERE id_number = ?", (person.id_number,))

    view = pump.touch("submit")

    assert (view.state, view.error_key) == ("endorsements", "backend.not_eligible.option_not_offered")
    assert view.data["chosen"] == []  # the withdrawn wish is dropped
    assert "hk_s_multiple" in {value for value, _, _ in view.data["not_offered"]}
    pump.touch("toggle_endorsement", "hk_l_single")
    pump.touch("next")
    pump.touch("next")  # reasons kept
    pump.touch("next")  # details kept
    assert pump.touch("delivery", "collect").state == "review"
    assert pump.touch("submit").state == "done"


def test_birth_place_comes_from_the_household_register(pump) -> None:
    """Issue 22 item 6: 阿依古丽's ID number starts 6501 (Urumqi, where it was first issued);
    the register says she was born in Kashgar, and that is what the form sends."""
    review = fill_application_form(pump, "minority_name", documents=(("taiwan_permit", "first"),))
    assert review.data["birth_place"] == "新疆维吾尔自治区喀什地区"
    assert "birth_place" not in [f["name"] for f in pump.touch("edit", "details").data["fields"]]
    assert pump.flow.draft.to_application_form().birth_place == "新疆维吾尔自治区喀什地区"


def test_birth_place_not_on_file_is_asked(pump) -> None:
    """周敏 has no birth place on file: the details page asks for it, in Chinese characters."""
    pump.start(ApplicationFormFlow)
    identify(pump, "permit_other_holder", "documents")
    pump.touch("toggle_document", "passport")
    pump.touch("next")
    view = pump.touch("reason", ("passport", "first"))
    assert view.data["fields"][0]["name"] == "birth_place" and view.data["fields"][0]["required"]
    for name, text in FORM_DETAILS:
        pump.touch("field", (name, text))
    pump.touch("occupation", "employee")
    pump.touch("relationship", "parent")
    assert pump.touch("next").data["problems"] == {"birth_place": "form.error.required"}
    assert pump.touch("field", ("birth_place", "4301")).error_key == "form.error.birth_place"
    pump.touch("field", ("birth_place", "湖南省长沙市"))
    pump.touch("next")
    review = pump.touch("delivery", "collect")
    assert review.data["birth_place"] == "湖南省长沙市"
    assert pump.flow.draft.to_application_form().birth_place == "湖南省长沙市"
    assert pump.touch("submit").state == "done"


@pytest.mark.parametrize(("person", "document", "reason", "kind", "contract_reason"), [
    ("expired_permit", "passport", "stolen", "REPLACEMENT", "STOLEN"),
    ("long_term_id", "passport", "renewal_appearance", "RENEWAL", "APPEARANCE_CHANGED"),
    ("non_local_hukou", "taiwan_permit", "name_changed", "AMENDMENT", "NAME_CHANGED"),
    ("residence_permit_holder", "taiwan_permit", "amendment", "AMENDMENT", "FORMER_NAME"),
])
def test_reasons_the_back_end_knows_are_offered_and_sent(pump, person, document, reason, kind,
                                                         contract_reason) -> None:
    """DOMAIN.md section 7: renewal when the appearance changed much; replacement when lost,
    stolen or damaged; amendment for a changed name or a former name. The contract's reasons
    STOLEN, APPEARANCE_CHANGED and NAME_CHANGED were never sent by the form."""
    details = FORM_DETAILS + ((("former_name", "陈石头"),) if kind == "AMENDMENT" else ())
    fill_application_form(pump, person, documents=((document, reason),), details=details)
    (request,) = pump.flow.draft.to_application_form().documents
    assert (request.application_kind.value, request.reason.value) == (kind, contract_reason)
    if reason == "stolen":
        assert request.statement == "申请人声明原证件被盗"
    if kind == "AMENDMENT":
        assert request.former_name == "陈石头"
    assert pump.touch("submit").state == "done"
