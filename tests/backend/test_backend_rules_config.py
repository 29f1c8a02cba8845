"""The endorsement rules as data (issue 22, item 3): config/rules/*.toml, one test per rule,
each naming its source; and the files refused with the file and key named when they are wrong.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from backend.rules import endorsements as rules
from backend.rules import rules_config
from backend.rules.endorsements import Applicant

XIAN_HALL = "610100"
CHANGSHA_HALL = "430100"
PERMIT_VALID_TO = dt.date(2034, 1, 1)
NOBODY = Applicant(document_kind="RESIDENT_ID_CARD", hukou_region_code=None, registered_state_employee=False,
                   relatives_in=frozenset(), business_registered=False)
# 出入境管理局公告2024年第1号 (2024-02-23): Xi'an and Qingdao from 2024-03-06.
MARCH_2024_CITIES = {"6101": "西安市", "3702": "青岛市"}
# NIA announcement of 2024-05-11: eight cities from 2024-05-27.
MAY_2024_CITIES = {"1401": "太原市", "1501": "呼和浩特市", "2301": "哈尔滨市", "5401": "拉萨市",
                   "6201": "兰州市", "6301": "西宁市", "6401": "银川市", "6501": "乌鲁木齐市"}


def types_offered(applicant: Applicant, hall: str, day: dt.date) -> set[str]:
    return {p.type for p in rules.eligible_options(applicant, PERMIT_VALID_TO, hall, day)}


def hukou_in(code: str) -> Applicant:
    return dataclasses.replace(NOBODY, hukou_region_code=code)


def residence_permit_in(code: str, hukou: str = "431002") -> Applicant:
    return dataclasses.replace(NOBODY, hukou_region_code=hukou, residence_permit_region_code=code)


# ----- individual-visit cities and their dates -----
@pytest.mark.parametrize("code, name", MARCH_2024_CITIES.items())
def test_xian_and_qingdao_issue_g_from_6_march_2024(code, name):
    """Source: 出入境管理局公告2024年第1号 (2024-02-23)."""
    city = rules_config.individual_visit().city_of(code + "02", dt.date(2024, 3, 6))
    assert city is not None and city.name == name and city.joined == dt.date(2024, 3, 6)
    assert rules_config.individual_visit().city_of(code + "02", dt.date(2024, 3, 5)) is None


@pytest.mark.parametrize("code, name", MAY_2024_CITIES.items())
def test_eight_cities_issue_g_from_27_may_2024(code, name):
    """Source: NIA announcement of 2024-05-11 (太原市等8个城市, from 2024-05-27)."""
    hall = code + "00"
    assert "G" in types_offered(hukou_in(code + "02"), hall, dt.date(2024, 5, 27))
    assert "G" not in types_offered(hukou_in(code + "02"), hall, dt.date(2024, 5, 26))
    assert rules_config.individual_visit().city_of(hall, dt.date(2024, 5, 27)).name == name


def test_a_xian_hukou_and_a_xian_residence_permit_holder_are_both_offered_g_at_a_xian_hall():
    """Source: 出入境管理局公告2024年第1号: 户籍居民以及居住证持有人 may apply for G."""
    day = dt.date(2024, 6, 1)
    assert types_offered(hukou_in("610113"), XIAN_HALL, day) == {"G", "L"}
    assert types_offered(residence_permit_in("610113"), XIAN_HALL, day) == {"G", "L"}


def test_a_residence_permit_elsewhere_gives_only_group_tours():
    """A residence permit counts for the city that issued it (same notice), not for the hall's."""
    assert types_offered(residence_permit_in("610113"), CHANGSHA_HALL, dt.date(2024, 6, 1)) == {"L"}


def test_residence_permits_count_only_when_the_rules_file_says_so(tmp_path: Path):
    text = rules_config.INDIVIDUAL_VISIT_FILE.read_text(encoding="utf-8")
    narrowed = tmp_path / "individual_visit.toml"
    narrowed.write_text(text.replace('counts = ["hukou", "residence_permit"]', 'counts = ["hukou"]'), encoding="utf-8")
    hukou_only = rules_config.read_individual_visit(narrowed)
    day = dt.date(2024, 6, 1)
    assert not rules.may_apply_for_individual_visit(residence_permit_in("610113"), XIAN_HALL, day, hukou_only)
    assert rules.may_apply_for_individual_visit(hukou_in("610113"), XIAN_HALL, day, hukou_only)


def test_every_city_names_its_source():
    for city in rules_config.individual_visit().cities:
        assert city.source.strip(), city.code


# ----- the catalogue -----
def test_stay_per_type():
    """Sources: G and L 7 days (2024 notices; DOMAIN.md section 4); T 14 days (DOMAIN.md
    section 4); S 7 days (商务签注: 每次逗留不超过7天; DOMAIN.md section 8)."""
    stays = {o.type: o.max_stay_days for o in rules_config.catalogue()}
    assert stays == {"G": 7, "L": 7, "T": 14, "S": 7}


def test_fees_by_trips():
    """Source: DOMAIN.md sections 4 and 8 (15 single, 30 two trips, 80 multiple)."""
    fees = {o.trips: o.fee for o in rules_config.catalogue()}
    assert fees == {"SINGLE": Decimal("15.00"), "DOUBLE": Decimal("30.00"), "MULTIPLE": Decimal("80.00")}


def test_individual_visit_products():
    """Source: 出入境管理局公告2024年第1号: HK 3 months or 1 year, one or two trips; Macau 3 months
    or 1 year, one trip."""
    g = {(o.destination, o.trips, o.validity_months) for o in rules_config.catalogue() if o.type == "G"}
    assert g == {("HONG_KONG", t, m) for t in ("SINGLE", "DOUBLE") for m in (3, 12)} | \
        {("MACAU", "SINGLE", 3), ("MACAU", "SINGLE", 12)}


def test_the_catalogue_is_shown_by_destination_then_type():
    order = [(o.destination, o.type) for o in rules_config.catalogue()]
    assert order == sorted(order, key=lambda pair: (("HONG_KONG", "MACAU").index(pair[0]),
                                                    ("G", "L", "T", "S").index(pair[1])))


# ----- a wrong file is refused, naming the file and the key -----
@pytest.mark.parametrize("old, new, key", [
    ('stay_days = 14', 'stay_days = "14"', "types.T.stay_days"),
    ('trips = "DOUBLE", validity_months = [3, 12] },\n    { destination = "MACAU", trips = "SINGLE"',
     'trips = "TWICE", validity_months = [3, 12] },\n    { destination = "MACAU", trips = "SINGLE"',
     "types.G.offers[1].trips"),
    ('MULTIPLE = "80.00"', 'MULTIPLE = "eighty"', "fees.MULTIPLE"),
    ('[types.S]', '[types.Q]', "types.Q"),
])
def test_a_wrong_catalogue_is_refused_naming_file_and_key(tmp_path: Path, old, new, key):
    text = rules_config.ENDORSEMENTS_FILE.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "endorsements.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(rules_config.RulesError) as caught:
        rules_config.read_catalogue(broken)
    assert str(caught.value).startswith(f"endorsements.toml: {key}: ")


@pytest.mark.parametrize("old, new, key", [
    ('joined = 2024-03-06', 'joined = "March"', "cities[0].joined"),
    ('code = "6101"', 'code = "61A1"', "cities[0].code"),
    ('counts = ["hukou", "residence_permit"]', 'counts = ["hukou", "passport"]', "residents.counts"),
    ('source = "出入境管理局公告2024年第1号 (2024-02-23)"\n', 'source = " "\n', "cities[0].source"),
])
def test_a_wrong_city_list_is_refused_naming_file_and_key(tmp_path: Path, old, new, key):
    text = rules_config.INDIVIDUAL_VISIT_FILE.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "individual_visit.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(rules_config.RulesError) as caught:
        rules_config.read_individual_visit(broken)
    assert str(caught.value).startswith(f"individual_visit.toml: {key}: ")
