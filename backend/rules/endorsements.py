"""Hong Kong / Macau endorsements at the kiosk: who may get which, for how long, at what fee.

The catalogue (types, destinations, trips, validities, stay per type, fees) and the
individual-visit cities with the day each joined and who counts as their resident are data:
config/rules/endorsements.toml and config/rules/individual_visit.toml, read and validated by
backend/rules/rules_config.py, each rule with its source; docs/rules.md explains them. What stays
in code is who gets what (DOMAIN.md section 4):
- G individual visit: residents of the hall's city (hukou, or a residence permit 居住证 where
  the rules file counts it: 出入境管理局公告2024年第1号) when that city is an individual-visit city
  on the day of the application;
- L group tour: everyone the kiosk serves;
- T family visit: relatives registered at the destination; S business: a business registration
  on file; both only for a hukou in the hall's city;
- applicants without a hukou or residence permit in the hall's city get L only; state
  employees on the registered list (登记备案) are refused; residence-permit holders of Hong Kong,
  Macau or Taiwan (their ID document) do not hold this permit and are refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backend.faults import InvalidInput, NotEligible
from backend.rules import rules_config

RESIDENT_ID_CARD = "RESIDENT_ID_CARD"

# One endorsement the kiosk can sell, before the applicant's circumstances are considered.
Product = rules_config.Offer
# The catalogue in force (config/rules/endorsements.toml), in the order shown.
KIOSK_CATALOGUE = rules_config.catalogue()


@dataclass(frozen=True)
class Applicant:
    """What the rules need to know about a person (from the back end's records)."""

    document_kind: str
    hukou_region_code: str | None
    registered_state_employee: bool
    relatives_in: frozenset[str]  # destinations where relatives are registered (for T)
    business_registered: bool  # a company's registration is on file (for S)
    residence_permit_region_code: str | None = None  # where a residence permit (居住证) is held


@dataclass(frozen=True)
class Choice:
    destination: str
    type: str
    trips: str
    validity_months: int


def eligible_options(applicant: Applicant, permit_valid_to: dt.date | None, hall_region_code: str,
                     today: dt.date) -> list[Product]:
    """Every product this applicant may buy today on this permit; raise NotEligible if none.

    `permit_valid_to` None: endorsements asked with a new permit (the application form), which
    no permit's validity limits."""
    if applicant.document_kind != RESIDENT_ID_CARD:
        raise NotEligible("NOT_MAINLAND_RESIDENT",
                          "residence-permit holders do not hold a mainland travel permit")
    if applicant.registered_state_employee:
        raise NotEligible("REGISTERED_STATE_EMPLOYEE",
                          "registered state employees need their unit's approval at the counter")
    # Asked once per call, not once per product: the answer is the applicant's and the hall's
    # (issue 23: every check of a permit runs this over the whole catalogue).
    individual_visit = may_apply_for_individual_visit(applicant, hall_region_code, today)
    offered = [p for p in rules_config.catalogue() if _suits(applicant, p, hall_region_code, individual_visit)]
    if permit_valid_to is None:
        if not offered:
            raise NotEligible("OPTION_NOT_OFFERED", "no endorsement is offered to this applicant")
        return offered
    if permit_valid_to < today:
        raise NotEligible("PERMIT_EXPIRED", "the travel permit has expired")
    ends = {months: endorsement_end(today, months) for months in {p.validity_months for p in offered}}
    within_permit = [p for p in offered if ends[p.validity_months] <= permit_valid_to]
    if not within_permit:
        raise NotEligible("PERMIT_VALIDITY_TOO_SHORT",
                          "the travel permit expires before any endorsement would end")
    return within_permit


def _suits(applicant: Applicant, product: Product, hall_region_code: str, individual_visit: bool) -> bool:
    """`individual_visit`: may_apply_for_individual_visit's answer for this applicant and hall."""
    if product.type == "G":
        return individual_visit
    if not is_local(applicant.hukou_region_code, hall_region_code):
        return product.type == "L"
    if product.type == "T":
        return product.destination in applicant.relatives_in
    if product.type == "S":
        return applicant.business_registered
    return product.type == "L"


def may_apply_for_individual_visit(applicant: Applicant, hall_region_code: str, today: dt.date,
                                   rules: rules_config.IndividualVisitRules | None = None) -> bool:
    """G is for residents of the hall's city, when that city issues G on `today`. A resident is
    whoever config/rules/individual_visit.toml [residents] counts: the hukou, and since the 2024
    notices a residence permit (居住证) of that city."""
    rules = rules or rules_config.individual_visit()
    if rules.city_of(hall_region_code, today) is None:
        return False
    documents = {rules_config.HUKOU: applicant.hukou_region_code,
                 rules_config.RESIDENCE_PERMIT: applicant.residence_permit_region_code}
    return any(is_local(documents[kind], hall_region_code) for kind in rules.resident_kinds)


def is_local(region_code: str | None, hall_region_code: str) -> bool:
    """Same city (first four digits of the division code) as the hall."""
    return bool(region_code) and region_code[:4] == hall_region_code[:4]


def select(options: Sequence[Product], choices: Iterable[Choice]) -> list[Product]:
    """The products the applicant chose, in order; one per destination, each one offered."""
    chosen: list[Product] = []
    for choice in choices:
        if any(p.destination == choice.destination for p in chosen):
            raise InvalidInput("choice", "allows one endorsement per destination")
        match = next((p for p in options if (p.destination, p.type, p.trips, p.validity_months)
                      == (choice.destination, choice.type, choice.trips, choice.validity_months)), None)
        if match is None:
            raise NotEligible("OPTION_NOT_OFFERED", "this endorsement is not offered to this applicant")
        chosen.append(match)
    return chosen


def endorsement_end(start: dt.date, months: int) -> dt.date:
    """Last valid day of an endorsement issued on `start` for `months` months."""
    return add_months(start, months) - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
