"""The endorsement rules as data: config/rules/endorsements.toml (types, destinations, trips,
validities, stay per type, fees) and config/rules/individual_visit.toml (the individual-visit
city list with the day each city joined, and who counts as a resident).

The rules change by notice (a city joins, a stay is corrected), so a hall updates a file, not the
code. A file that does not say what the code needs is refused when read, with a message naming
the file and the key, so a typo stops the back end at start instead of selling a wrong
endorsement. docs/rules.md describes every key.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from backend.rules import acceptance as acceptance_rules
from core.config import PROJECT_ROOT, parse_toml
from core.schema import ConfigError

RULES_DIR = PROJECT_ROOT / "config" / "rules"
ENDORSEMENTS_FILE = RULES_DIR / "endorsements.toml"
INDIVIDUAL_VISIT_FILE = RULES_DIR / "individual_visit.toml"

DESTINATIONS = ("HONG_KONG", "MACAU")
TRIPS = ("SINGLE", "DOUBLE", "MULTIPLE")
# Types the kiosk may issue; Q (other) and D (stay) are decided at a counter.
KIOSK_TYPES = ("G", "L", "T", "S")
VALIDITIES = (3, 12)  # months
RESIDENT_KINDS = ("hukou", "residence_permit")
HUKOU, RESIDENCE_PERMIT = RESIDENT_KINDS
CITY_CODE_LENGTHS = (2, 4)  # a whole province, or a city


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the key."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        super().__init__(f"{path.name}: {key}: {problem}")
        self.path, self.key, self.problem = path, key, problem


@dataclass(frozen=True)
class Offer:
    """One endorsement product before the applicant is considered."""

    type: str
    destination: str
    trips: str
    validity_months: int
    max_stay_days: int
    fee: Decimal


@dataclass(frozen=True)
class City:
    code: str  # division-code prefix
    name: str
    joined: dt.date | None  # None: on the list before join dates were kept
    source: str

    def covers(self, region_code: str) -> bool:
        return region_code.startswith(self.code)

    def open_on(self, day: dt.date) -> bool:
        return self.joined is None or self.joined <= day


@dataclass(frozen=True)
class IndividualVisitRules:
    cities: tuple[City, ...]
    resident_kinds: frozenset[str]  # which documents make someone a resident of a city

    def city_of(self, region_code: str | None, day: dt.date) -> City | None:
        """The individual-visit city covering `region_code` on `day`, if any."""
        if not region_code:
            return None
        return next((c for c in self.cities if c.covers(region_code) and c.open_on(day)), None)


# ----- reading -----
def _read(path: Path) -> dict[str, Any]:
    """A rules file's tables; not UTF-8 (a file saved as GBK) or not TOML is a RulesError with the
    byte offset (core/config.py parse_toml), never a traceback."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RulesError(path, "(file)", f"cannot be read ({error.strerror})") from None
    try:
        return parse_toml(data, str(path))
    except ConfigError as error:
        raise RulesError(path, "(file)", error.problem) from None


def _get(path: Path, table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise RulesError(path, where + key, "missing")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RulesError(path, where + key, f"must be a {kind.__name__}, is {value!r}")
    return value


def _source(path: Path, table: Mapping[str, Any], where: str) -> str:
    """Every rule names where it comes from: a rule without a source is refused."""
    source = _get(path, table, "source", str, where)
    if not source.strip():
        raise RulesError(path, where + "source", "must name the notice (number, date) or document")
    return source


def _one_of(path: Path, value: Any, allowed: tuple[Any, ...], key: str) -> Any:
    if value not in allowed:
        raise RulesError(path, key, f"{value!r} is not one of {', '.join(map(str, allowed))}")
    return value


# ----- the catalogue -----
def read_catalogue(path: Path = ENDORSEMENTS_FILE) -> tuple[Offer, ...]:
    """Every product, grouped by destination, then type (in the file's order), validity and
    trips: the order the kiosk shows them."""
    data = _read(path)
    _get(path, data, "version", str, "")
    fees = _fees(path, _get(path, data, "fees", dict, ""))
    types = _get(path, data, "types", dict, "")
    offers: list[Offer] = []
    for type_code, table in types.items():
        offers.extend(_type_offers(path, type_code, table, fees))
    return tuple(sorted(offers, key=lambda o: DESTINATIONS.index(o.destination)))


def _fees(path: Path, table: Mapping[str, Any]) -> dict[str, Decimal]:
    _source(path, table, "fees.")
    fees = {}
    for trips in TRIPS:
        text = _get(path, table, trips, str, "fees.")
        try:
            fees[trips] = Decimal(text)
        except InvalidOperation:
            raise RulesError(path, f"fees.{trips}", f"{text!r} is not an amount in yuan") from None
        if fees[trips] < 0:
            raise RulesError(path, f"fees.{trips}", "must not be negative")
    return fees


def _type_offers(path: Path, type_code: str, table: Any, fees: Mapping[str, Decimal]) -> list[Offer]:
    where = f"types.{type_code}."
    _one_of(path, type_code, KIOSK_TYPES, f"types.{type_code}")
    if not isinstance(table, dict):
        raise RulesError(path, f"types.{type_code}", "must be a table")
    _source(path, table, where)
    stay = _get(path, table, "stay_days", int, where)
    if stay <= 0:
        raise RulesError(path, where + "stay_days", "must be at least 1")
    rows = _get(path, table, "offers", list, where)
    offers = []
    by_months: dict[int, list[Offer]] = {}
    for index, row in enumerate(rows):
        key = f"{where}offers[{index}]"
        if not isinstance(row, dict):
            raise RulesError(path, key, "must be a table")
        destination = _one_of(path, _get(path, row, "destination", str, key + "."), DESTINATIONS,
                              key + ".destination")
        trips = _one_of(path, _get(path, row, "trips", str, key + "."), TRIPS, key + ".trips")
        for months in _get(path, row, "validity_months", list, key + "."):
            _one_of(path, months, VALIDITIES, key + ".validity_months")
            by_months.setdefault(months, []).append(
                Offer(type_code, destination, trips, months, stay, fees[trips]))
    for months in sorted(by_months):
        offers.extend(by_months[months])
    return offers


# ----- individual visit -----
def read_individual_visit(path: Path = INDIVIDUAL_VISIT_FILE) -> IndividualVisitRules:
    data = _read(path)
    _get(path, data, "version", str, "")
    residents = _get(path, data, "residents", dict, "")
    _source(path, residents, "residents.")
    kinds = _get(path, residents, "counts", list, "residents.")
    for kind in kinds:
        _one_of(path, kind, RESIDENT_KINDS, "residents.counts")
    cities = tuple(_city(path, index, row) for index, row in enumerate(_get(path, data, "cities", list, "")))
    codes = [c.code for c in cities]
    duplicate = next((code for code in codes if codes.count(code) > 1), None)
    if duplicate:
        raise RulesError(path, "cities", f"{duplicate} is listed twice")
    return IndividualVisitRules(cities, frozenset(kinds))


def _city(path: Path, index: int, row: Any) -> City:
    key = f"cities[{index}]"
    if not isinstance(row, dict):
        raise RulesError(path, key, "must be a table")
    code = _get(path, row, "code", str, key + ".")
    if len(code) not in CITY_CODE_LENGTHS or not code.isdigit():
        raise RulesError(path, key + ".code", f"{code!r} is not 2 or 4 digits of a GB/T 2260 code")
    joined = row.get("joined")
    if joined is not None and (not isinstance(joined, dt.date) or isinstance(joined, dt.datetime)):
        raise RulesError(path, key + ".joined", f"must be a date (YYYY-MM-DD), is {joined!r}")
    return City(code, _get(path, row, "name", str, key + "."), joined, _source(path, row, key + "."))


# ----- every file of a rules folder (config check, doctor) -----
# The rules files by name, with the reader that validates each.
def _read_acceptance(path: Path) -> Any:
    """config/rules/acceptance.toml (backend/rules/acceptance.py: fees per document, postage)."""
    try:
        return acceptance_rules.read_rules(path)
    except acceptance_rules.RulesError as error:
        raise RulesError(error.path, error.key, error.problem) from None


RULES_FILES = {ENDORSEMENTS_FILE.name: read_catalogue, INDIVIDUAL_VISIT_FILE.name: read_individual_visit,
               "acceptance.toml": _read_acceptance}


def check_folder(folder: Path | None = None) -> list[RulesError]:
    """Every problem of the rules files in `folder` (the shipped config/rules by default), one
    per file: the ones the code reads must be there and valid, and a .toml file no code reads is
    a problem too (a misspelt copy the hall thinks is in force). An empty list: all is well.
    Read afresh, not through the per-process cache, so a file edited since start is seen."""
    folder = folder or RULES_DIR
    problems: list[RulesError] = []
    for name, read in RULES_FILES.items():
        try:
            read(folder / name)
        except RulesError as error:
            problems.append(error)
    for path in sorted(folder.glob("*.toml")):
        if path.name not in RULES_FILES:
            problems.append(RulesError(path, "(file)", "is not a rules file the kiosk reads (those are "
                                                       + ", ".join(RULES_FILES) + ")"))
    return problems


# ----- the rules in force (read once per process) -----
@functools.cache
def catalogue() -> tuple[Offer, ...]:
    return read_catalogue()


@functools.cache
def individual_visit() -> IndividualVisitRules:
    return read_individual_visit()
