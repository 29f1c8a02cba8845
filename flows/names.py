"""Names in pinyin for the application form, as the exit-entry administration writes them.

pypinyin reads a name as ordinary words, so surnames with a special reading come out wrong
(单 is SHAN as a surname, not DAN). The surname is therefore read from SURNAME_READINGS
first; every other polyphonic character is offered to the citizen as alternatives to choose
from on the review screen. ü is written YU (吕 -> LYU), as on current passports.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

# Surnames whose reading differs from the everyday reading pypinyin picks first.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
    "盖": "ge", "任": "ren", "覃": "qin", "乐": "yue", "种": "chong", "繁": "po", "缪": "miao",
    "翟": "zhai", "尉": "yu", "员": "yun", "召": "shao", "冼": "xian", "秘": "bi", "隗": "wei",
    "长孙": "zhangsun", "尉迟": "yuchi", "万俟": "moqi", "单于": "chanyu", "澹台": "tantai",
    "令狐": "linghu", "欧阳": "ouyang", "司马": "sima", "上官": "shangguan", "诸葛": "zhuge",
    "皇甫": "huangfu", "公孙": "gongsun", "慕容": "murong", "宇文": "yuwen", "夏侯": "xiahou",
    "东方": "dongfang", "司徒": "situ", "端木": "duanmu", "独孤": "dugu", "南宫": "nangong",
}
# Two-character surnames (longest match first).
COMPOUND_SURNAMES = frozenset(k for k in SURNAME_READINGS if len(k) == 2) | frozenset({
    "轩辕", "呼延", "百里", "西门", "拓跋", "钟离", "闻人", "赫连", "公冶", "宗政", "濮阳", "淳于",
})
# Name separators on minority names (买买提·艾力): kept as a space in pinyin.
NAME_DOTS = "·•."
MAX_CHOICES = 8


@dataclass(frozen=True)
class PinyinName:
    surname: str         # "ZHANG"
    given_name: str      # "SANFENG"

    @property
    def full(self) -> str:
        return f"{self.surname} {self.given_name}".strip()


def split_surname(name: str) -> tuple[str, str]:
    """Chinese name -> (surname, given name). Minority names with a dot split at the dot."""
    name = name.strip()
    for dot in NAME_DOTS:
        if dot in name:
            given, _, family = name.partition(dot)  # 买买提·艾力: given name first
            return family, given
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2], name[2:]
    return name[:1], name[1:]


def syllables(text: str) -> list[list[str]]:
    """Each character's possible readings (toneless, ü as yu), the everyday one first."""
    # pypinyin loads its phrase dictionary at import (about half a second): imported here, when a
    # name is first read, not with the screens before the kiosk's first frame (issue 23).
    from pypinyin import Style, pinyin

    readings = pinyin(text, style=Style.NORMAL, heteronym=True, v_to_u=False, errors="ignore")
    return [[_passport_spelling(r) for r in _unique(options)] for options in readings]


def _passport_spelling(syllable: str) -> str:
    # pypinyin writes ü as v in NORMAL style: lv -> lyu, nv -> nyu, lve -> lyue.
    return syllable.replace("v", "yu")


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def surname_pinyin(surname: str) -> str:
    if surname in SURNAME_READINGS:
        return SURNAME_READINGS[surname]
    return "".join(options[0] for options in syllables(surname) if options)


def to_pinyin(name: str) -> PinyinName:
    """The most likely passport spelling of a Chinese name."""
    surname, given = split_surname(name)
    given_spelled = "".join(options[0] for options in syllables(given) if options)
    return PinyinName(surname_pinyin(surname).upper(), given_spelled.upper())


def given_name_choices(name: str) -> list[str]:
    """Every spelling of the given name the citizen may choose from (polyphonic characters)."""
    _, given = split_surname(name)
    spellings = ["".join(combo).upper() for combo in product(*syllables(given))]
    return spellings[:MAX_CHOICES]


def surname_choices(name: str) -> list[str]:
    surname, _ = split_surname(name)
    first = surname_pinyin(surname).upper()
    others = ["".join(combo).upper() for combo in product(*syllables(surname))]
    return _unique([first, *others])[:MAX_CHOICES]


def is_valid_pinyin(text: str) -> bool:
    """Pinyin as typed on the review screen: letters A-Z and single spaces only."""
    text = text.strip()
    return bool(text) and all(part.isascii() and part.isalpha() for part in text.split(" "))
