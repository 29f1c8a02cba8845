"""Issue 22 items 5 and 6 over real HTTP against the reference back end: one eligibility
function for every path, and the birth place from the household register.

- CheckEndorsementEligibility without a permit number answers what may be asked for with a new
  permit (the application form, a first permit): the same rules as on a permit (who gets G, T,
  S, L: docs/rules.md), without the permit-validity limit, and neither permit number nor
  validity in the answer.
- SubmitApplication refuses an endorsement the same function does not offer
  (OPTION_NOT_OFFERED), so the form path cannot get what the endorsement service would refuse.
- VerifyIdentity answers the birth place on file (出生地, household register), absent when none.
"""

from __future__ import annotations

import pytest

from backend import seed
from backend_client import errors as e
from backend_client import models as mo

G, L, T, S = (mo.EndorsementType.INDIVIDUAL_VISIT, mo.EndorsementType.GROUP_TOUR,
              mo.EndorsementType.FAMILY_VISIT, mo.EndorsementType.BUSINESS)
HK, MO = mo.Destination.HONG_KONG, mo.Destination.MACAU


def types_without_permit(client, key: str) -> set[mo.EndorsementType]:
    return {o.type for o in client.check_endorsement_eligibility(seed.person(key).id_number, None).options}


def test_without_a_permit_number_the_answer_has_no_permit(client) -> None:
    eligibility = client.check_endorsement_eligibility(seed.person("local_adult").id_number, None)
    assert eligibility.permit_number is None and eligibility.permit_valid_to is None
    assert eligibility.options


@pytest.mark.parametrize(("key", "types"), [
    ("non_local_hukou", {L}),  # DOMAIN.md section 4: hukou elsewhere, group tour only
    ("local_adult", {G, L, S}),  # G city hukou; business registration on file
    ("long_term_id", {G, L, T}),  # relatives registered in Macau
    ("residence_permit_holder", {G, L}),  # 出入境管理局公告2024年第1号: residence permit counts for G
])
def test_the_same_rules_as_on_a_permit(client, key, types) -> None:
    assert types_without_permit(client, key) == types
    permit = seed.permit_of(key)
    assert permit is not None
    on_permit = {o.type for o in client.check_endorsement_eligibility(seed.person(key).id_number,
                                                                      permit.number).options}
    assert on_permit == types


def test_a_new_permit_is_not_limited_by_the_old_ones_validity(client) -> None:
    """王芳's permit has expired: nothing on it, but a renewal may carry endorsements."""
    person = seed.person("expired_permit")
    with pytest.raises(e.NotEligibleError) as refused:
        client.check_endorsement_eligibility(person.id_number, seed.permit_of("expired_permit").number)
    assert refused.value.reason is mo.NotEligibleReason.PERMIT_EXPIRED
    options = client.check_endorsement_eligibility(person.id_number, None).options
    assert any(o.validity_months == 12 for o in options)


def test_residence_permit_of_hong_kong_is_refused_without_a_permit_too(client) -> None:
    with pytest.raises(e.NotEligibleError) as refused:
        client.check_endorsement_eligibility(seed.person("hk_resident").id_number, None)
    assert refused.value.reason is mo.NotEligibleReason.NOT_MAINLAND_RESIDENT


def permit_form(demo, key: str, *choices: mo.EndorsementChoice) -> mo.ApplicationForm:
    person = seed.person(key)
    permit = mo.DocumentRequest(mo.DocumentType.HK_MACAU_PERMIT, mo.ApplicationKind.RENEWAL,
                                reason=mo.ApplicationReason.EXPIRING, endorsements=choices)
    return demo.form(person, mo.DocumentType.HK_MACAU_PERMIT, documents=(permit,),
                                 birth_place=person.birth_place or "湖南省长沙市")


def test_the_form_cannot_ask_for_an_endorsement_not_offered(client, demo) -> None:
    """Issue 22 item 5: non_local_hukou asked G and T on the form and got them; now refused."""
    form = permit_form(demo, "non_local_hukou", mo.EndorsementChoice(HK, G, mo.Trips.DOUBLE, 12),
                       mo.EndorsementChoice(MO, T, mo.Trips.SINGLE, 3))
    with pytest.raises(e.NotEligibleError) as refused:
        client.submit_application(form, "form-eligibility-g")
    assert refused.value.reason is mo.NotEligibleReason.OPTION_NOT_OFFERED
    assert refused.value.message_key == "backend.not_eligible.option_not_offered"


def test_the_form_gets_what_is_offered(client, demo) -> None:
    form = permit_form(demo, "non_local_hukou", mo.EndorsementChoice(HK, L, mo.Trips.SINGLE, 3))
    assert client.submit_application(form, "form-eligibility-l").application_number.startswith("AP-")


def test_two_endorsements_for_one_destination_name_the_field(client, demo) -> None:
    form = permit_form(demo, "local_adult", mo.EndorsementChoice(HK, L, mo.Trips.SINGLE, 3),
                       mo.EndorsementChoice(HK, G, mo.Trips.SINGLE, 3))
    with pytest.raises(e.InvalidInputError) as refused:
        client.submit_application(form, "form-eligibility-twice")
    assert refused.value.field == "form.document.endorsement"


def test_birth_place_is_answered_from_the_household_register(client) -> None:
    """Issue 22 item 6. 阿依古丽's ID number starts 6501 (Urumqi) but she was born in Kashgar:
    the register's answer, not the number's digits."""
    person = seed.person("minority_name")
    identity = client.verify_identity(person.id_number, person.name)
    assert identity.birth_place == "新疆维吾尔自治区喀什地区" == person.birth_place
    assert "birth_place" not in repr(identity) and person.birth_place not in repr(identity)


def test_no_birth_place_on_file_is_absent_from_the_answer(client) -> None:
    person = seed.person("permit_other_holder")
    assert person.birth_place is None
    assert client.verify_identity(person.id_number, person.name).birth_place is None


def test_every_demo_person_but_one_has_a_birth_place_on_file() -> None:
    missing = [p.key for p in seed.PEOPLE if p.document_kind == "RESIDENT_ID_CARD" and not p.birth_place]
    assert missing == ["permit_other_holder"]  # the form asks her (tests/flows/test_form_eligibility.py)


def test_the_eligibility_request_without_a_permit_validates(client, schema_check) -> None:
    before = schema_check.checked
    client.check_endorsement_eligibility(seed.person("local_adult").id_number, None)
    assert schema_check.checked == before + 2 and schema_check.problems == []



def test_an_applicant_turning_16_is_counted_on_the_day_of_the_form() -> None:
    """DOMAIN.md section 7: under 16 a guardian comes along. Age is counted on the day the form
    is submitted (backend/rules/applications.py check_guardian): 张小明 (born 2014-05-20) needs a
    guardian the day before his 16th birthday, not on it. An endorsement does not depend on age:
    one issued at 15 stays valid after the 16th birthday, to its end (never past the permit,
    whose validity, 5 years for under-16s, limits it)."""
    import datetime as dt
    from types import SimpleNamespace

    from backend.faults import InvalidInput
    from backend.rules.applications import check_guardian

    minor = seed.person("minor")
    form = SimpleNamespace(birthDate=minor.birth_date, guardian=None)
    with pytest.raises(InvalidInput) as refused:
        check_guardian(form, dt.date(2030, 5, 19))
    assert refused.value.field == "form.guardian"
    check_guardian(form, dt.date(2030, 5, 20))  # sixteen today: no guardian needed
