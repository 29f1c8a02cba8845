"""The demo people and their records, shared by the reference back end, the device simulators and tests.

One importable module of plain dataclasses, so the ID card simulator can put the SAME people
on its cards that the back end knows, and tests can say `person("expired_permit")`.
docs/demo-data.md describes each person; tests/backend/test_backend_demo_data.py checks that
the document and this module agree.

The hall of the demo is in Changsha (430100). Dates that must stay "recent" (violations,
appointments, applications) are relative to the day the database is seeded; the embedded
back end seeds a fresh database at every start.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from backend.rules import id_numbers
from backend.rules.applications import expected_ready_on
from backend.rules.queue import TICKET_PREFIX
from backend.timeutil import hall_day, hall_moment, iso
from core.config import PROJECT_ROOT

DEMO_HALL_REGION_CODE = "430100"  # 湖南省长沙市


@dataclass(frozen=True)
class DemoPerson:
    key: str  # how tests and simulators name this person
    edge_case: str  # what this person demonstrates
    id_number: str
    name: str
    name_pinyin: str
    ethnicity_code: str | None  # GB 3304; None on residence permits
    address: str  # as printed on the card (the household registration address)
    issuing_authority: str
    id_valid_from: dt.date
    id_valid_to: dt.date | None  # None: long-term (长期)
    document_kind: str = "RESIDENT_ID_CARD"
    hukou_region_code: str | None = None
    hukou_region_name: str | None = None
    registered_state_employee: bool = False
    relatives_in: frozenset[str] = frozenset()
    business_registered: bool = False
    face_matches: bool = True
    travel_document_number: str | None = None  # residence permits: the home-return / Taiwan compatriot permit
    permit_issue_count: int | None = None  # residence permits: times issued
    # Where this person holds a residence permit (居住证), as a GB/T 2260 code: it makes them a
    # resident of that city for G like a hukou there (出入境管理局公告2024年第1号).
    residence_permit_region_code: str | None = None
    # The birth place (出生地) in the household register, which the application form must give;
    # None: not on file (the form asks the citizen). Never derived from the ID number.
    birth_place: str | None = None

    @property
    def birth_date(self) -> dt.date:
        born = id_numbers.birth_date(self.id_number)
        assert born is not None
        return born

    @property
    def sex(self) -> str:
        return "MALE" if id_numbers.is_male(self.id_number) else "FEMALE"


@dataclass(frozen=True)
class DemoPermit:
    """An electronic HK/Macau travel permit (往来港澳通行证)."""

    number: str
    holder: str  # DemoPerson.key
    issued_on: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class DemoViolation:
    number: str
    driver: str  # DemoPerson.key; the licence number is the ID number
    edge_case: str
    occurred_days_ago: int
    place: str
    violation_code: str
    description: str
    points: int
    fine: Decimal
    source: str  # ON_SITE / NON_ON_SITE
    plate_number: str
    plate_type: str = "02"  # GA 24.7: 02 small car
    decided_days_ago: int | None = None  # decided at a counter this many days before seeding
    decision_number: str | None = None


@dataclass(frozen=True)
class DemoDriver:
    person: str
    points_in_cycle: int
    cycle_ends_in_days: int


@dataclass(frozen=True)
class DemoApplication:
    number: str
    applicant: str
    document_types: tuple[str, ...]
    steps: tuple[tuple[str, int], ...]  # (status, days before seeding)
    tracking_number: str | None = None
    collection_place: str | None = None


@dataclass(frozen=True)
class DemoAppointment:
    code: str
    person: str
    service: str
    day_offset: int  # 0 = the seeding day
    time: dt.time


def _id(first_17: str) -> str:
    return id_numbers.with_check_character(first_17)


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        key="local_adult", edge_case="local hukou in an individual-visit city: G, L and S offered; main driver",
        id_number=_id("43010219850312001"), name="张伟", name_pinyin="ZHANG WEI", ethnicity_code="01",
        address="湖南省长沙市芙蓉区五一大道100号", issuing_authority="长沙市公安局芙蓉分局",
        id_valid_from=dt.date(2015, 6, 1), id_valid_to=dt.date(2035, 6, 1),
        hukou_region_code="430102", hukou_region_name="湖南省长沙市芙蓉区", business_registered=True,
        birth_place="湖南省长沙市"),
    DemoPerson(
        key="minority_name", edge_case="Uyghur name with the middle dot; hukou moved to Changsha",
        id_number=_id("65010219920820002"), name="阿依古丽·买买提艾力", name_pinyin="AYIGULI MAIMAITIAILI",
        ethnicity_code="05", address="湖南省长沙市天心区书院路8号", issuing_authority="长沙市公安局天心分局",
        id_valid_from=dt.date(2022, 9, 1), id_valid_to=dt.date(2042, 9, 1),
        hukou_region_code="430103", hukou_region_name="湖南省长沙市天心区",
        birth_place="新疆维吾尔自治区喀什地区"),
    DemoPerson(
        key="long_term_id", edge_case="long-term ID validity (长期); compound surname; relatives in Macau (T)",
        id_number=_id("43010419561102004"), name="欧阳秀英", name_pinyin="OUYANG XIUYING", ethnicity_code="01",
        address="湖南省长沙市岳麓区麓山路20号", issuing_authority="长沙市公安局岳麓分局",
        id_valid_from=dt.date(2010, 3, 15), id_valid_to=None,
        hukou_region_code="430104", hukou_region_name="湖南省长沙市岳麓区", relatives_in=frozenset({"MACAU"}),
        birth_place="湖南省湘潭市"),
    DemoPerson(
        key="hk_resident", edge_case="Hong Kong resident's residence permit (810000): no endorsements; drives",
        id_number=_id("81000019900101003"), name="陈家明", name_pinyin="CHAN KA MING", ethnicity_code=None,
        address="湖南省长沙市开福区湘江中路2号", issuing_authority="长沙市公安局",
        id_valid_from=dt.date(2021, 6, 1), id_valid_to=dt.date(2031, 6, 1),
        document_kind="HK_MACAU_RESIDENCE_PERMIT", travel_document_number="H01234567", permit_issue_count=1),
    DemoPerson(
        key="macau_resident", edge_case="Macau resident's residence permit (820000)",
        id_number=_id("82000019880315006"), name="何慧敏", name_pinyin="HO WAI MAN", ethnicity_code=None,
        address="湖南省长沙市雨花区韶山路50号", issuing_authority="长沙市公安局",
        id_valid_from=dt.date(2022, 1, 10), id_valid_to=dt.date(2032, 1, 10),
        document_kind="HK_MACAU_RESIDENCE_PERMIT", travel_document_number="M01234567", permit_issue_count=2),
    DemoPerson(
        key="taiwan_resident", edge_case="Taiwan resident's residence permit (830000)",
        id_number=_id("83000019791122005"), name="林志豪", name_pinyin="LIN ZHIHAO", ethnicity_code=None,
        address="湖南省长沙市岳麓区银盆南路9号", issuing_authority="长沙市公安局",
        id_valid_from=dt.date(2023, 4, 1), id_valid_to=dt.date(2033, 4, 1),
        document_kind="TAIWAN_RESIDENCE_PERMIT", travel_document_number="01234567", permit_issue_count=1),
    DemoPerson(
        key="expired_permit", edge_case="travel permit expired: no endorsement until renewed",
        id_number=_id("43010519780405008"), name="王芳", name_pinyin="WANG FANG", ethnicity_code="01",
        address="湖南省长沙市开福区芙蓉中路300号", issuing_authority="长沙市公安局开福分局",
        id_valid_from=dt.date(2018, 7, 1), id_valid_to=dt.date(2038, 7, 1),
        hukou_region_code="430105", hukou_region_name="湖南省长沙市开福区",
        birth_place="湖南省岳阳市"),
    DemoPerson(
        key="state_employee", edge_case="registered state employee (登记备案): refused at the kiosk",
        id_number=_id("43011119700701011"), name="李建国", name_pinyin="LI JIANGUO", ethnicity_code="01",
        address="湖南省长沙市雨花区劳动东路1号", issuing_authority="长沙市公安局雨花分局",
        id_valid_from=dt.date(2016, 2, 1), id_valid_to=None,
        hukou_region_code="430111", hukou_region_name="湖南省长沙市雨花区", registered_state_employee=True,
        birth_place="湖南省长沙市"),
    DemoPerson(
        key="non_local_hukou", edge_case="hukou in Chenzhou, not the hall's city: group tour (L) only",
        id_number=_id("43100219951230013"), name="刘洋", name_pinyin="LIU YANG", ethnicity_code="01",
        address="湖南省郴州市北湖区人民西路6号", issuing_authority="郴州市公安局北湖分局",
        id_valid_from=dt.date(2019, 1, 5), id_valid_to=dt.date(2029, 1, 5),
        hukou_region_code="431002", hukou_region_name="湖南省郴州市北湖区",
        birth_place="湖南省郴州市"),
    DemoPerson(
        key="points_near_limit", edge_case="driver with 9 points: a 3-point case would reach 12",
        id_number=_id("43010219820618015"), name="赵磊", name_pinyin="ZHAO LEI", ethnicity_code="03",
        address="湖南省长沙市芙蓉区八一路15号", issuing_authority="长沙市公安局芙蓉分局",
        id_valid_from=dt.date(2017, 10, 1), id_valid_to=dt.date(2037, 10, 1),
        hukou_region_code="430102", hukou_region_name="湖南省长沙市芙蓉区",
        birth_place="湖南省常德市"),
    DemoPerson(
        key="minor", edge_case="under 16: the application form needs a guardian (local_adult)",
        id_number=_id("43010220140520017"), name="张小明", name_pinyin="ZHANG XIAOMING", ethnicity_code="01",
        address="湖南省长沙市芙蓉区五一大道100号", issuing_authority="长沙市公安局芙蓉分局",
        id_valid_from=dt.date(2024, 6, 1), id_valid_to=dt.date(2029, 6, 1),
        hukou_region_code="430102", hukou_region_name="湖南省长沙市芙蓉区",
        birth_place="湖南省长沙市"),
    DemoPerson(
        key="face_mismatch", edge_case="the photo on file is another person's face: CompareFace never matches",
        id_number=_id("43010319900214020"), name="孙丽", name_pinyin="SUN LI", ethnicity_code="01",
        address="湖南省长沙市天心区城南路7号", issuing_authority="长沙市公安局天心分局",
        id_valid_from=dt.date(2020, 3, 1), id_valid_to=dt.date(2040, 3, 1),
        hukou_region_code="430103", hukou_region_name="湖南省长沙市天心区", face_matches=False,
        birth_place="湖南省长沙市"),
    DemoPerson(
        key="permit_other_holder",
        edge_case="her permit's chip names another holder (周强): refused before payment, sent to a counter",
        id_number=_id("43010219880808022"), name="周敏", name_pinyin="ZHOU MIN", ethnicity_code="01",
        address="湖南省长沙市芙蓉区解放西路18号", issuing_authority="长沙市公安局芙蓉分局",
        id_valid_from=dt.date(2021, 5, 1), id_valid_to=dt.date(2041, 5, 1),
        hukou_region_code="430102", hukou_region_name="湖南省长沙市芙蓉区"),
    DemoPerson(
        key="residence_permit_holder",
        edge_case="hukou in Shaoyang, residence permit (居住证) of Changsha: G and L offered, not T or S",
        id_number=_id("43050219930418024"), name="陈静", name_pinyin="CHEN JING", ethnicity_code="01",
        address="湖南省邵阳市双清区宝庆东路12号", issuing_authority="邵阳市公安局双清分局",
        id_valid_from=dt.date(2020, 7, 1), id_valid_to=dt.date(2040, 7, 1),
        hukou_region_code="430502", hukou_region_name="湖南省邵阳市双清区",
        residence_permit_region_code="430104",
        birth_place="湖南省邵阳市"),
)

PERMITS: tuple[DemoPermit, ...] = (
    DemoPermit("CA1234567", "local_adult", dt.date(2022, 5, 10), dt.date(2032, 5, 9)),
    DemoPermit("CB2345678", "minority_name", dt.date(2023, 3, 1), dt.date(2033, 2, 28)),
    DemoPermit("C12345678", "long_term_id", dt.date(2020, 8, 20), dt.date(2030, 8, 19)),
    DemoPermit("CC3456789", "expired_permit", dt.date(2013, 9, 1), dt.date(2023, 8, 31)),
    DemoPermit("CF6789012", "state_employee", dt.date(2021, 4, 2), dt.date(2031, 4, 1)),
    DemoPermit("CD4567890", "non_local_hukou", dt.date(2024, 1, 15), dt.date(2034, 1, 14)),
    DemoPermit("CE5678901", "minor", dt.date(2024, 3, 1), dt.date(2029, 2, 28)),
    # The back end links it to 周敏, but its chip was personalised for 周强 (devices/permit/card_store.py).
    DemoPermit("CG7890123", "permit_other_holder", dt.date(2023, 6, 1), dt.date(2033, 5, 31)),
    # No simulated chip yet (devices/permit/card_store.py): the back end answers for it over HTTP.
    DemoPermit("CH8901234", "residence_permit_holder", dt.date(2023, 9, 1), dt.date(2033, 8, 31)),
)

DRIVERS: tuple[DemoDriver, ...] = (
    DemoDriver("local_adult", points_in_cycle=0, cycle_ends_in_days=200),  # the decided cases carry no points
    DemoDriver("points_near_limit", points_in_cycle=9, cycle_ends_in_days=120),
    DemoDriver("hk_resident", points_in_cycle=2, cycle_ends_in_days=300),
    # Issue 20: her plate was cloned (WF-DEMO-0011); the fine appeal's demo driver.
    DemoDriver("minority_name", points_in_cycle=0, cycle_ends_in_days=250),
)

PLACE = "长沙市芙蓉区五一大道与芙蓉路交叉口"

VIOLATIONS: tuple[DemoViolation, ...] = (
    DemoViolation("WF-DEMO-0001", "local_adult", "camera-recorded, 100 yuan, 3 points: accept and pay here",
                  12, PLACE, "1345", "机动车违反禁止标线指示", 3, Decimal("100"), "NON_ON_SITE", "湘A12345"),
    DemoViolation("WF-DEMO-0002", "local_adult", "warning only: accept here, nothing to pay",
                  9, "长沙市天心区书院路", "1039", "机动车违反规定停放（警告）", 0, Decimal("0"), "NON_ON_SITE",
                  "湘A12345"),
    DemoViolation("WF-DEMO-0003", "local_adult", "fine over 200 yuan: counter only",
                  20, "长沙绕城高速K12", "1628", "超过规定时速20%以上未达到50%", 6, Decimal("500"), "NON_ON_SITE",
                  "湘A12345"),
    DemoViolation("WF-DEMO-0004", "local_adult", "on-site case: counter only",
                  5, "长沙市岳麓区枫林路", "1301", "驾驶时拨打接听手持电话", 3, Decimal("150"), "ON_SITE", "湘A12345"),
    DemoViolation("WF-DEMO-0005", "local_adult", "decided 10 days ago: pay here, no late fee yet",
                  25, "长沙市芙蓉区八一路", "1039", "机动车违反规定停放", 0, Decimal("200"), "NON_ON_SITE",
                  "湘A12345", decided_days_ago=10, decision_number="JD-DEMO-0005"),
    DemoViolation("WF-DEMO-0006", "local_adult", "decided 20 days ago: 5 days late, 3 % a day (75 yuan)",
                  40, "长沙市雨花区劳动东路", "5015", "驾驶逾期未检验的机动车", 0, Decimal("500"), "NON_ON_SITE",
                  "湘A12345", decided_days_ago=20, decision_number="JD-DEMO-0006"),
    DemoViolation("WF-DEMO-0007", "local_adult", "decided 60 days ago: late fee capped at the fine",
                  90, "长沙市开福区湘江中路", "1039", "机动车违反规定停放", 0, Decimal("100"), "NON_ON_SITE",
                  "湘A12345", decided_days_ago=60, decision_number="JD-DEMO-0007"),
    DemoViolation("WF-DEMO-0008", "points_near_limit", "3 points on top of 9 would reach 12: counter only",
                  7, PLACE, "1345", "机动车违反禁止标线指示", 3, Decimal("100"), "NON_ON_SITE", "湘A67890"),
    DemoViolation("WF-DEMO-0009", "points_near_limit", "1 point on top of 9: accept and pay here",
                  3, "长沙市雨花区韶山路", "1042", "不按规定使用灯光", 1, Decimal("50"), "NON_ON_SITE", "湘A67890"),
    DemoViolation("WF-DEMO-0010", "hk_resident", "residence-permit holder's camera-recorded case",
                  4, "长沙市开福区湘江中路", "1352", "机动车不按规定车道行驶", 2, Decimal("100"), "NON_ON_SITE",
                  "湘A0Z888"),
    # Issue 20, fine appeals: her car was in Changsha that morning; a car with a cloned plate was
    # photographed in Shenzhen. "Not my car" appeals it; until decided it is held from payment.
    DemoViolation("WF-DEMO-0011", "minority_name", "cloned plate: photographed 700 km away; appeal it here",
                  6, "深圳市福田区深南大道与彩田路交叉口", "1352", "机动车不按规定车道行驶", 2, Decimal("100"),
                  "NON_ON_SITE", "湘A9C615"),
    DemoViolation("WF-DEMO-0012", "minority_name", "decided at a counter 3 days ago: pay here, or appeal it",
                  30, "长沙市天心区芙蓉南路", "1039", "机动车违反规定停放", 0, Decimal("150"), "NON_ON_SITE",
                  "湘A9C615", decided_days_ago=3, decision_number="JD-DEMO-0012"),
)

APPLICATIONS: tuple[DemoApplication, ...] = (
    DemoApplication("AP-DEMO-0001", "local_adult", ("PASSPORT",),
                    (("ACCEPTED", 3), ("UNDER_REVIEW", 2))),
    DemoApplication("AP-DEMO-0002", "long_term_id", ("HK_MACAU_PERMIT",),
                    (("ACCEPTED", 12), ("UNDER_REVIEW", 11), ("APPROVED", 8), ("IN_PRODUCTION", 7),
                     ("READY_FOR_COLLECTION", 1)),
                    collection_place="长沙市出入境接待大厅 3号窗口"),
    DemoApplication("AP-DEMO-0003", "minority_name", ("PASSPORT", "HK_MACAU_PERMIT"),
                    (("ACCEPTED", 14), ("UNDER_REVIEW", 13), ("APPROVED", 10), ("IN_PRODUCTION", 9),
                     ("POSTED", 2)),
                    tracking_number="SF1234567890"),
)

@dataclass(frozen=True)
class DemoDraft:
    """A pre-application filled in online (issues 12 and 20): the form and acceptance services
    load it by its number or QR code instead of asking again."""

    number: str
    applicant: str
    document_type: str
    mobile: str
    current_address: str
    occupation: str
    employer: str
    emergency: tuple[str, str, str]  # name, relationship (form_fields value), phone
    delivery: str  # COLLECT | POST
    postal_address: str | None = None  # street and postcode, as the form service writes it
    days_ago: int = 2


DRAFTS: tuple[DemoDraft, ...] = (
    DemoDraft("WS-DEMO-0001", "points_near_limit", "PASSPORT", "13912345678", "湖南省长沙市岳麓区麓山南路932号",
              "employee", "长沙某软件有限公司", ("赵建国", "parent", "13787654321"), "POST",
              "湖南省长沙市岳麓区麓山南路932号 410083"),
    DemoDraft("WS-DEMO-0002", "long_term_id", "TAIWAN_PERMIT", "13607311234", "湖南省长沙市天心区书院路9号",
              "retired", "", ("欧阳明", "child", "13607315678"), "COLLECT"),
)

APPOINTMENTS: tuple[DemoAppointment, ...] = (
    DemoAppointment("YY-DEMO-01", "local_adult", "PASSPORT", 0, dt.time(14, 0)),
    DemoAppointment("YY-DEMO-02", "minority_name", "HK_MACAU_PERMIT", 1, dt.time(9, 30)),
    DemoAppointment("YY-DEMO-03", "long_term_id", "ENDORSEMENT", 0, dt.time(9, 30)),
)

# The walk-in queue of the seeding day before the kiosk's first ticket (issue 20): anonymous
# tickets (service, priority), so a new ticket has people waiting ahead of it.
WALK_IN_TICKETS: tuple[tuple[str, str], ...] = (
    ("PASSPORT", "NONE"), ("PASSPORT", "NONE"), ("PASSPORT", "ELDERLY"), ("HK_MACAU_PERMIT", "NONE"),
    ("ENDORSEMENT", "NONE"),
)
# A demo urgent case (green channel): local_adult's passport application AP-DEMO-0001 for a funeral
# abroad, with an URGENT passport ticket of the seeding day.
URGENT_CASE = ("JJ-DEMO-0001", "local_adult", "FUNERAL", "PASSPORT", "AP-DEMO-0001")


@dataclass(frozen=True)
class DemoReadyDocument:
    """A finished document waiting in a terminal's dispenser (issue 13, self-service collection).

    Kept by hand in step with the simulated dispenser's stock (devices/dispenser/stock.py
    DEMO_STOCK: same numbers, same slots; tests/backend/test_backend_collection.py compares
    them), since the back end may not import the devices."""

    number: str
    holder: str  # DemoPerson.key
    kind: str  # DocumentType
    slot: int
    application: str  # the application it was made for
    loaded_days_ago: int


# The terminal of the shipped default configuration, whose simulated dispenser holds the stock.
DEMO_TERMINAL_ID = "DEV-KIOSK-01"

READY_DOCUMENTS: tuple[DemoReadyDocument, ...] = (
    DemoReadyDocument("E61234501", "local_adult", "PASSPORT", 1, "AP-DEMO-0101", 2),
    DemoReadyDocument("C30000002", "long_term_id", "HK_MACAU_PERMIT", 2, "AP-DEMO-0002", 1),
    DemoReadyDocument("E61234503", "minority_name", "PASSPORT", 3, "AP-DEMO-0103", 3),
    # Loaded into slot 4 as 刘洋's, but the slot holds 赵磊's passport: the picker refuses it.
    DemoReadyDocument("E61234504", "non_local_hukou", "PASSPORT", 4, "AP-DEMO-0104", 5),
    # Overdue: waiting longer than the hall keeps documents in the machine.
    DemoReadyDocument("C30000006", "residence_permit_holder", "HK_MACAU_PERMIT", 5, "AP-DEMO-0105", 40),
)
# Finished and at the hall, in no dispenser yet (slot 0, status MADE): staff load them with
# LoadDocument (the maintenance screen, or the technician's `devices dispenser load`).
AWAITING_LOAD: tuple[DemoReadyDocument, ...] = (
    DemoReadyDocument("E61234507", "local_adult", "PASSPORT", 0, "AP-DEMO-0107", 1),
    DemoReadyDocument("C30000008", "minority_name", "HK_MACAU_PERMIT", 0, "AP-DEMO-0108", 1),
)

_BY_KEY = {p.key: p for p in PEOPLE}


def person(key: str) -> DemoPerson:
    """A demo person by key, e.g. `person("expired_permit")`."""
    return _BY_KEY[key]


def permit_of(key: str) -> DemoPermit | None:
    return next((p for p in PERMITS if p.holder == key), None)


# The 'photo on file', 358 x 441 px JPEG (the ID card photo's size), a real face (see
# assets/faces/README.md): the astronaut whom the simulated camera plays, so CompareFace
# matches every demo person, except those seeded with face_matches=False, whose photo on
# file is another man's face.
MATCHING_PHOTO = "astronaut_id.jpg"
OTHER_PERSON_PHOTO = "biden_id.jpg"


def photo_on_file(p: DemoPerson) -> bytes:
    name = MATCHING_PHOTO if p.face_matches else OTHER_PERSON_PHOTO
    return (PROJECT_ROOT / "assets" / "faces" / name).read_bytes()


def seed_database(db: sqlite3.Connection, now: dt.datetime) -> None:
    """Insert every demo record, dating the recent ones back from `now`'s hall day."""
    today = hall_day(now)

    def days_ago(days: int, at: dt.time = dt.time(10, 0)) -> str:
        return iso(hall_moment(today - dt.timedelta(days=days), at))

    for p in PEOPLE:
        db.execute(
            "INSERT INTO persons VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (p.id_number, p.name, p.name_pinyin, p.sex, p.ethnicity_code, p.birth_date.isoformat(),
             p.document_kind, p.hukou_region_code, p.hukou_region_name, p.id_valid_from.isoformat(),
             p.id_valid_to.isoformat() if p.id_valid_to else None, int(p.registered_state_employee),
             ",".join(sorted(p.relatives_in)), int(p.business_registered), int(p.face_matches),
             photo_on_file(p), p.residence_permit_region_code, p.birth_place))
    for permit in PERMITS:
        db.execute("INSERT INTO permits VALUES (?, ?, ?, ?)",
                   (permit.number, person(permit.holder).id_number, permit.issued_on.isoformat(),
                    permit.valid_to.isoformat()))
    for driver in DRIVERS:
        db.execute("INSERT INTO drivers VALUES (?, ?, ?)",
                   (person(driver.person).id_number, driver.points_in_cycle,
                    (today + dt.timedelta(days=driver.cycle_ends_in_days)).isoformat()))
    for v in VIOLATIONS:
        _seed_violation(db, v, days_ago)
    for application in APPLICATIONS:
        _seed_application(db, application, today, days_ago)
    for document in READY_DOCUMENTS:
        _seed_ready_document(db, document, days_ago)
    for document in AWAITING_LOAD:
        made_at = days_ago(document.loaded_days_ago, dt.time(9, 0))
        db.execute("INSERT INTO ready_documents (document_number, application_number, id_number, kind, terminal_id, "
                   "slot, loaded_at, status, updated_at) VALUES (?, ?, ?, ?, '', 0, ?, 'MADE', ?)",
                   (document.number, document.application, person(document.holder).id_number, document.kind,
                    made_at, made_at))
    for draft in DRAFTS:
        _seed_draft(db, draft, hall_moment(today - dt.timedelta(days=draft.days_ago), dt.time(20, 30)))
    for appointment in APPOINTMENTS:
        starts = hall_moment(today + dt.timedelta(days=appointment.day_offset), appointment.time)
        db.execute("INSERT INTO appointments (appointment_code, id_number, service, starts_at) "
                   "VALUES (?, ?, ?, ?)",
                   (appointment.code, person(appointment.person).id_number, appointment.service, iso(starts)))
    _seed_queue(db, today, days_ago)


def _seed_queue(db: sqlite3.Connection, today: dt.date, days_ago: Callable[[int], str]) -> None:
    """The seeding day's walk-in tickets and the demo urgent case (issue 20)."""
    def ticket(service: str, priority: str, id_number: str | None, case: str | None) -> str:
        prefix = TICKET_PREFIX[service]
        db.execute("INSERT INTO counters VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
                   (f"ticket-{prefix}-{today.isoformat()}",))
        number = db.execute("SELECT value FROM counters WHERE name = ?",
                            (f"ticket-{prefix}-{today.isoformat()}",)).fetchone()[0]
        db.execute("INSERT INTO queue_tickets VALUES (?, ?, ?, ?, ?, 'COUNTER', ?, ?, 0, ?)",
                   (f"{prefix}{number:03d}", today.isoformat(), service, priority, id_number,
                    days_ago(0, dt.time(8, 45)), number - 1, case))
        return f"{prefix}{number:03d}"

    for service, priority in WALK_IN_TICKETS:
        ticket(service, priority, None, None)
    case, holder, reason, service, application = URGENT_CASE
    id_number = person(holder).id_number
    number = ticket(service, "URGENT", id_number, case)
    db.execute("INSERT INTO urgent_cases VALUES (?, ?, 'COUNTER', ?, ?, NULL, ?, ?)",
               (case, id_number, reason, service, days_ago(0, dt.time(8, 50)), number))
    db.execute("INSERT INTO urgent_applications VALUES (?, ?)", (case, application))


def _seed_violation(db: sqlite3.Connection, v: DemoViolation, days_ago: Callable[[int], str]) -> None:
    licence = person(v.driver).id_number
    decided_at = days_ago(v.decided_days_ago) if v.decided_days_ago is not None else None
    order_id = f"FO-{v.decision_number}" if v.decision_number else None
    if order_id and decided_at:
        db.execute("INSERT INTO orders (order_id, kind, terminal_id, id_number, status, amount, created_at, "
                   "updated_at) VALUES (?, 'FINE', 'COUNTER', ?, 'AWAITING_PAYMENT', ?, ?, ?)",
                   (order_id, licence, str(v.fine), decided_at, decided_at))
    db.execute("INSERT INTO violations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
               (v.number, licence, v.plate_type, v.plate_number, days_ago(v.occurred_days_ago, dt.time(8, 15)),
                v.place, v.violation_code, v.description, v.points, str(v.fine), v.source,
                v.decision_number, decided_at, order_id))


def _seed_application(db: sqlite3.Connection, a: DemoApplication, today: dt.date,
                      days_ago: Callable[[int], str]) -> None:
    submitted_days_ago = a.steps[0][1]
    status = a.steps[-1][0]
    ready_on = expected_ready_on(today - dt.timedelta(days=submitted_days_ago))
    db.execute("INSERT INTO applications VALUES (?, ?, 'COUNTER', ?, '', ?, ?, ?, ?, ?)",
               (a.number, person(a.applicant).id_number, ",".join(a.document_types), status,
                days_ago(submitted_days_ago), ready_on.isoformat(), a.tracking_number, a.collection_place))
    for step_status, step_days_ago in a.steps:
        db.execute("INSERT INTO application_steps VALUES (?, ?, ?)",
                   (a.number, step_status, days_ago(step_days_ago)))


def _seed_draft(db: sqlite3.Connection, d: DemoDraft, created_at: dt.datetime) -> None:
    from lxml import etree
    from spyne.util.xml import get_object_as_xml

    from backend import messages as m

    p = person(d.applicant)
    name, relationship, phone = d.emergency
    form = m.ApplicationForm(
        idNumber=p.id_number, name=p.name, namePinyin=p.name_pinyin, sex=p.sex, ethnicityCode=p.ethnicity_code,
        birthDate=p.birth_date, birthPlace=p.birth_place or "", hukouAddress=p.address,
        currentAddress=d.current_address, mobile=d.mobile, occupation=d.occupation, employer=d.employer or None,
        emergencyContact=m.EmergencyContact(name=name, relationship=relationship, phone=phone),
        document=[m.DocumentRequest(documentType=d.document_type, applicationKind="FIRST_ISSUE")],
        delivery=m.Delivery(method=d.delivery, postalAddress=d.postal_address,
                            postalRecipient=p.name if d.postal_address else None,
                            postalPhone=d.mobile if d.postal_address else None))
    db.execute("INSERT INTO drafts VALUES (?, ?, ?, ?, NULL)",
               (d.number, p.id_number, etree.tostring(get_object_as_xml(form, m.ApplicationForm), encoding="unicode"),
                iso(created_at)))


def _seed_ready_document(db: sqlite3.Connection, d: DemoReadyDocument, days_ago: Callable[[int], str]) -> None:
    """The document in its slot. Only AP-DEMO-0002's application is on file here: the others
    (AP-DEMO-0101...) were filed at a counter before the demo's records begin, so they block no
    new application of the form scenarios (which apply for these people's passports)."""
    loaded_at = days_ago(d.loaded_days_ago, dt.time(18, 0))
    db.execute("INSERT INTO ready_documents (document_number, application_number, id_number, kind, terminal_id, "
               "slot, loaded_at, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'READY', ?)",
               (d.number, d.application, person(d.holder).id_number, d.kind, DEMO_TERMINAL_ID, d.slot, loaded_at,
                loaded_at))
