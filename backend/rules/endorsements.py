"""Hong Kong / Macau endorsements at the kiosk: who may get which, for how long, at what fee.

From ../shared/DOMAIN.md section 4:
- G individual visit: 3 months or 1 year, 1 or 2 trips (2 only for Hong Kong), stay <= 7
  days, only for a household registration (hukou) in an individual-visit city;
- L group tour: 3 months or 1 year, 1 or 2 trips, stay <= 7 days;
- T family visit: 3 months, single trip, stay <= 14 days (relatives registered there);
- S business: 3 months or 1 year, stay <= 7 days per stay (business registration on file;
  the NIA's business endorsement (商务签注) terms: 每次在香港或者澳门逗留不超过7天; 14 days is
  family visit, T; DOMAIN.md section 8, "Endorsement corrections (2024)");
- Q other and D stay are decided at the counter, never offered at the kiosk.
- Fees: single trip 15 yuan, two trips 30, multiple trips up to a year 80.
- Applicants whose hukou is not in the hall's city may only get L; state employees on the
  registered list (登记备案) are refused; residence-permit holders (HK/Macau/Taiwan
  residents) do not hold this permit and are refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from backend.faults import InvalidInput, NotEligible

HONG_KONG = "HONG_KONG"
MACAU = "MACAU"
DESTINATIONS = (HONG_KONG, MACAU)

SINGLE, DOUBLE, MULTIPLE = "SINGLE", "DOUBLE", "MULTIPLE"
FEES = {SINGLE: Decimal("15.00"), DOUBLE: Decimal("30.00"), MULTIPLE: Decimal("80.00")}

RESIDENT_ID_CARD = "RESIDENT_ID_CARD"

# Days per stay. Business (S): 7, as published for 商务签注 (每次逗留不超过7天); family visit
# (T): 14. They were both 14 here until issue 22.
BUSINESS_STAY_DAYS = 7
FAMILY_VISIT_STAY_DAYS = 14

# Cities whose hukou holders may get individual-visit (G) endorsements, as the first four
# digits of the GB/T 2260 code (*unconfirmed* list of the 49 cities; edit here when a hall
# knows better). All of Guangdong is in, hence "44".
INDIVIDUAL_VISIT_CITY_PREFIXES = (
    "1100", "1200", "1301", "2101", "2102", "2201", "3100", "3201", "3202", "3205", "3301",
    "3302", "3310", "3401", "3501", "3502", "3505", "3601", "3701", "3702", "4101", "4201",
    "4301", "44", "4501", "4601", "5000", "5101", "5201", "5301",
)


@dataclass(frozen=True)
class Product:
    """One endorsement the kiosk can sell, before the applicant's circumstances are considered."""

    type: str
    destination: str
    trips: str
    validity_months: int
    max_stay_days: int

    @property
    def fee(self) -> Decimal:
        return FEES[self.trips]


def _catalogue() -> tuple[Product, ...]:
    """Every product, grouped by destination, then type, validity and trips (the order shown)."""
    products: list[Product] = []
    for destination in DESTINATIONS:
        for months in (3, 12):
            products.append(Product("G", destination, SINGLE, months, 7))
            if destination == HONG_KONG:
                products.append(Product("G", destination, DOUBLE, months, 7))
        for months in (3, 12):
            products.append(Product("L", destination, SINGLE, months, 7))
            products.append(Product("L", destination, DOUBLE, months, 7))
        products.append(Product("T", destination, SINGLE, 3, FAMILY_VISIT_STAY_DAYS))
        products.append(Product("S", destination, SINGLE, 3, BUSINESS_STAY_DAYS))
        products.append(Product("S", destination, MULTIPLE, 3, BUSINESS_STAY_DAYS))
        products.append(Product("S", destination, MULTIPLE, 12, BUSINESS_STAY_DAYS))
    return tuple(products)


KIOSK_CATALOGUE = _catalogue()


@dataclass(frozen=True)
class Applicant:
    """What the rules need to know about a person (from the back end's records)."""

    document_kind: str
    hukou_region_code: str | None
    registered_state_employee: bool
    relatives_in: frozenset[str]  # destinations where relatives are registered (for T)
    business_registered: bool  # a company's registration is on file (for S)


@dataclass(frozen=True)
class Choice:
    destination: str
    type: str
    trips: str
    validity_months: int


def eligible_options(applicant: Applicant, permit_valid_to: dt.date, hall_region_code: str,
                     today: dt.date) -> list[Product]:
    """Every product this applicant may buy today on this permit; raise NotEligible if none."""
    if applicant.document_kind != RESIDENT_ID_CARD:
        raise NotEligible("NOT_MAINLAND_RESIDENT",
                          "residence-permit holders do not hold a mainland travel permit")
    if applicant.registered_state_employee:
        raise NotEligible("REGISTERED_STATE_EMPLOYEE",
                          "registered state employees need their unit's approval at the counter")
    if permit_valid_to < today:
        raise NotEligible("PERMIT_EXPIRED", "the travel permit has expired")
    offered = [p for p in KIOSK_CATALOGUE if _suits(applicant, p, hall_region_code)]
    within_permit = [p for p in offered if endorsement_end(today, p.validity_months) <= permit_valid_to]
    if not within_permit:
        raise NotEligible("PERMIT_VALIDITY_TOO_SHORT",
                          "the travel permit expires before any endorsement would end")
    return within_permit


def _suits(applicant: Applicant, product: Product, hall_region_code: str) -> bool:
    if not is_local(applicant.hukou_region_code, hall_region_code):
        return product.type == "L"
    if product.type == "G":
        return is_individual_visit_city(applicant.hukou_region_code or "")
    if product.type == "T":
        return product.destination in applicant.relatives_in
    if product.type == "S":
        return applicant.business_registered
    return product.type == "L"


def is_local(hukou_region_code: str | None, hall_region_code: str) -> bool:
    """Same city (first four digits of the division code) as the hall."""
    return bool(hukou_region_code) and hukou_region_code[:4] == hall_region_code[:4]


def is_individual_visit_city(region_code: str) -> bool:
    return any(region_code.startswith(prefix) for prefix in INDIVIDUAL_VISIT_CITY_PREFIXES)


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
