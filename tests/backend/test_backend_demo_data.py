"""The demo data: valid ID numbers, every edge case of the issue present, and docs/demo-data.md in step."""

from __future__ import annotations

import datetime as dt

import pytest

from backend import seed
from backend.rules import id_numbers
from core.config import PROJECT_ROOT
from core.privacy import PERMIT_NUMBER

DOC = (PROJECT_ROOT / "docs" / "demo-data.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("person", seed.PEOPLE, ids=lambda p: p.key)
def test_person_is_valid_and_documented(person):
    assert id_numbers.is_valid(person.id_number)
    assert f"`{person.id_number}`" in DOC and person.name in DOC and f"`{person.key}`" in DOC
    assert person.id_valid_to is None or person.id_valid_to > person.id_valid_from


@pytest.mark.parametrize("permit", seed.PERMITS, ids=lambda p: p.number)
def test_permit_is_well_formed_and_documented(permit):
    assert PERMIT_NUMBER.fullmatch(permit.number)
    assert f"`{permit.number}` to {permit.valid_to}" in DOC


def test_violations_applications_and_appointments_are_documented():
    for code in [v.number for v in seed.VIOLATIONS] + [a.number for a in seed.APPLICATIONS] + \
            [a.code for a in seed.APPOINTMENTS]:
        assert f"`{code}`" in DOC, code


def test_the_issues_edge_cases_are_all_seeded():
    people = {p.key: p for p in seed.PEOPLE}
    assert any("·" in p.name for p in seed.PEOPLE)  # a minority name
    assert any(p.id_valid_to is None for p in seed.PEOPLE)  # long-term ID validity
    assert {p.id_number[:6] for p in seed.PEOPLE} >= {"810000", "820000", "830000"}  # residence permits
    assert seed.permit_of("expired_permit").valid_to < dt.date.today()
    assert people["state_employee"].registered_state_employee
    assert people["non_local_hukou"].hukou_region_code[:4] != seed.DEMO_HALL_REGION_CODE[:4]
    fines = {v.edge_case for v in seed.VIOLATIONS}
    assert any(v.fine > 200 and v.decided_days_ago is None for v in seed.VIOLATIONS)
    assert any(v.source == "ON_SITE" for v in seed.VIOLATIONS)
    assert any("reach 12" in case for case in fines)
    assert any(v.decided_days_ago and v.decided_days_ago > 15 for v in seed.VIOLATIONS)  # late fees


def test_sex_and_birth_date_come_from_the_id_number():
    minor = seed.person("minor")
    assert (minor.sex, minor.birth_date.isoformat()) == ("MALE", "2014-05-20")
