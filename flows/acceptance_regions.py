"""The postal address picker of the acceptance service (issue 12): province -> city -> district
from a small table (assets/regions/postal_regions.toml, what it covers is written at its top),
the street and postcode from the form's delivery page.

A place the table does not list is typed instead (the picker offers what it knows, it never
refuses an address). An address the kiosk already knows (a draft's postal address, typed on the
delivery page) preselects its province, city and district by their names at its start, so the
citizen only confirms them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from core.config import PROJECT_ROOT

REGIONS_FILE = PROJECT_ROOT / "assets" / "regions" / "postal_regions.toml"
LEVELS = ("province", "city", "district")


@dataclass(frozen=True)
class City:
    name: str
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Province:
    name: str
    cities: tuple[City, ...] = ()


@dataclass(frozen=True)
class RegionTable:
    provinces: tuple[Province, ...]

    def province(self, name: str) -> Province | None:
        return next((p for p in self.provinces if p.name == name), None)

    def city(self, province: str, name: str) -> City | None:
        found = self.province(province)
        return next((c for c in found.cities if c.name == name), None) if found else None

    def choices(self, level: str, chosen: dict[str, str]) -> tuple[str, ...]:
        """The names offered at `level` given the levels above (none: the place is typed)."""
        if level == "province":
            return tuple(p.name for p in self.provinces)
        if level == "city":
            found = self.province(chosen.get("province", ""))
            return tuple(c.name for c in found.cities) if found else ()
        city = self.city(chosen.get("province", ""), chosen.get("city", ""))
        return city.districts if city else ()

    def split(self, address: str) -> tuple[dict[str, str], str]:
        """Province, city and district named at the start of `address` (as far as the table
        knows them), and the rest of it (the street)."""
        found: dict[str, str] = {}
        rest = address.strip()
        for level in LEVELS:
            name = next((n for n in sorted(self.choices(level, found), key=len, reverse=True) if rest.startswith(n)),
                        None)
            if name is None:
                break
            found[level] = name
            rest = rest[len(name):].strip()
        return found, rest


@dataclass
class RegionChoice:
    """What the citizen picked or typed so far; a change at one level clears those below it."""

    table: RegionTable
    values: dict[str, str] = field(default_factory=dict)

    def set(self, level: str, name: str) -> bool:
        name = name.strip()
        if level not in LEVELS or not name:
            return False
        self.values[level] = name
        for below in LEVELS[LEVELS.index(level) + 1:]:
            self.values.pop(below, None)
        return True

    def missing(self) -> list[str]:
        return [level for level in LEVELS if not self.values.get(level)]

    def view(self) -> list[dict[str, object]]:
        """Per level: the value, the table's choices there (empty: typed) and whether it is typed."""
        rows = []
        for level in LEVELS:
            choices = self.table.choices(level, self.values) if all(
                self.values.get(above) for above in LEVELS[:LEVELS.index(level)]) else ()
            rows.append({"name": level, "value": self.values.get(level, ""), "choices": list(choices)})
        return rows


def load_regions(path: Path = REGIONS_FILE) -> RegionTable:
    return _load(str(path))


@cache
def _load(path: str) -> RegionTable:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return RegionTable(tuple(
        Province(p["name"], tuple(City(c["name"], tuple(c.get("districts", ()))) for c in p.get("city", ())))
        for p in data.get("province", ())))
