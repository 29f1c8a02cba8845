"""Endorsement rules (DOMAIN.md section 4): who gets which type, trips, validity, fees."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from backend.faults import InvalidInput, NotEligible
from backend.rules import endorsements as rules
from backend.rules.endorsements import Applicant, Choice

HALL = "430100"  # Changsha
TODAY = dt.date(2025, 3, 1)
PERMIT_VALID_TO = dt.date(2032, 5, 9)
LOCAL = Applicant(document_kind="RESIDENT_ID_CARD", hukou_region_code="430102", registered_state_employee=False,
                  relatives_in=frozenset(), business_registered=False)


def offered(applicant: Applicant = LOCAL, permit_valid_to: dt.date = PERMIT_VALID_TO, hall: str = HALL):
    return rules.eligible_options(applicant, permit_valid_to, hall, TODAY)


def kinds(options) -> set[tuple[str, str, str, int]]:
    return {(p.destination, p.type, p.trips, p.validity_months) for p in options}


def test_local_hukou_in_an_individual_visit_city_gets_g_and_l():
    options = offered()
    assert {p.type for p in options} == {"G", "L"}
    assert ("HONG_KONG", "G", "DOUBLE", 3) in kinds(options)
    assert ("MACAU", "G", "DOUBLE", 3) not in kinds(options)  # two-trip G is for Hong Kong only


def test_non_local_hukou_gets_group_tours_only():
    options = offered(dataclasses.replace(LOCAL, hukou_region_code="431002"))  # Chenzhou, not Changsha
    assert {p.type for p in options} == {"L"}
    assert {p.destination for p in options} == {"HONG_KONG", "MACAU"}


def test_local_hukou_outside_the_individual_visit_cities_gets_no_g():
    hall_elsewhere = "431000"  # a hall in Chenzhou, which is not an individual-visit city
    options = offered(dataclasses.replace(LOCAL, hukou_region_code="431002"), hall=hall_elsewhere)
    assert {p.type for p in options} == {"L"}


def test_family_visit_only_where_relatives_are_registered():
    options = offered(dataclasses.replace(LOCAL, relatives_in=frozenset({"MACAU"})))
    assert kinds(p for p in options if p.type == "T") == {("MACAU", "T", "SINGLE", 3)}


def test_business_with_registration():
    options = offered(dataclasses.replace(LOCAL, business_registered=True))
    assert ("HONG_KONG", "S", "MULTIPLE", 12) in kinds(options)


def test_stay_limits_and_fees():
    options = {(p.type, p.trips): p for p in offered(dataclasses.replace(LOCAL, business_registered=True))}
    assert options[("G", "SINGLE")].max_stay_days == 7 and options[("L", "DOUBLE")].max_stay_days == 7
    assert options[("S", "MULTIPLE")].max_stay_days == 7
    assert options[("L", "SINGLE")].fee == Decimal("15.00")
    assert options[("L", "DOUBLE")].fee == Decimal("30.00")
    assert options[("S", "MULTIPLE")].fee == Decimal("80.00")


def test_q_and_d_are_never_offered_at_the_kiosk():
    everyone = dataclasses.replace(LOCAL, relatives_in=frozenset({"HONG_KONG", "MACAU"}), business_registered=True)
    assert not {p.type for p in offered(everyone)} & {"Q", "D"}


@pytest.mark.parametrize("applicant, permit_valid_to, reason", [
    (dataclasses.replace(LOCAL, registered_state_employee=True), PERMIT_VALID_TO, "REGISTERED_STATE_EMPLOYEE"),
    (dataclasses.replace(LOCAL, document_kind="HK_MACAU_RESIDENCE_PERMIT", hukou_region_code=None),
     PERMIT_VALID_TO, "NOT_MAINLAND_RESIDENT"),
    (dataclasses.replace(LOCAL, document_kind="TAIWAN_RESIDENCE_PERMIT"), PERMIT_VALID_TO, "NOT_MAINLAND_RESIDENT"),
    (LOCAL, TODAY - dt.timedelta(days=1), "PERMIT_EXPIRED"),
    (LOCAL, TODAY + dt.timedelta(days=60), "PERMIT_VALIDITY_TOO_SHORT"),  # shorter than 3 months
])
def test_refusals(applicant, permit_valid_to, reason):
    with pytest.raises(NotEligible) as caught:
        offered(applicant, permit_valid_to)
    assert caught.value.reason == reason


def test_endorsements_longer_than_the_permit_are_dropped():
    options = offered(permit_valid_to=TODAY + dt.timedelta(days=200))
    assert {p.validity_months for p in options} == {3}


def test_validity_ends_the_day_before_the_same_date_months_later():
    assert rules.endorsement_end(dt.date(2025, 3, 1), 3) == dt.date(2025, 5, 31)
    assert rules.endorsement_end(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 27)  # no 30 February
    assert rules.endorsement_end(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 27)


def test_select_keeps_the_order_and_refuses_what_is_not_offered():
    options = offered()
    chosen = rules.select(options, [Choice("MACAU", "L", "SINGLE", 3), Choice("HONG_KONG", "G", "DOUBLE", 12)])
    assert [(p.destination, p.type) for p in chosen] == [("MACAU", "L"), ("HONG_KONG", "G")]
    with pytest.raises(NotEligible) as caught:
        rules.select(options, [Choice("MACAU", "G", "DOUBLE", 3)])
    assert caught.value.reason == "OPTION_NOT_OFFERED"


def test_one_endorsement_per_destination():
    with pytest.raises(InvalidInput) as caught:
        rules.select(offered(), [Choice("HONG_KONG", "L", "SINGLE", 3), Choice("HONG_KONG", "G", "SINGLE", 3)])
    assert caught.value.field == "choice"


def test_business_stays_are_seven_days_and_family_visits_fourteen():
    """Source: the business endorsement (商务签注) terms, 每次在香港或者澳门逗留不超过7天
    (DOMAIN.md section 8, "Endorsement corrections (2024)"); 14 days is family visit (T)."""
    stays = {p.type: p.max_stay_days for p in rules.KIOSK_CATALOGUE if p.type in ("S", "T")}
    assert stays == {"S": 7, "T": 14}
