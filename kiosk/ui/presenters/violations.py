"""Traffic violations in the citizen's language (issue 14): the back end sends a violation's
code with its Chinese description and place; the kiosk keeps a catalogue of the codes' English
text (GA 408.1 style codes, the contract need not change) and spells places in pinyin.

In Chinese the back end's own words are shown as they are. In English the description comes
from the catalogue (the Chinese one when the code is not in it), and the place is spelled in
pinyin, the Chinese after it in brackets (what the citizen may have to show someone).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.i18n import N_
from kiosk.ui.model import Text
from kiosk.ui.presenters.common import literal

MSG_OFFENCE = N_("violation.offence")   # "{code} {zh}" / "{code} {en}"
MSG_TITLE = N_("violation.title")       # "{plate}  {zh}" / "{plate}  {en}"
MSG_PLACE = N_("violation.place")       # "{zh}" / "{pinyin} ({zh})"

# The codes the catalogue names in English: message key violation.code.<code> in both catalogues
# (the Chinese entry is the code's standard wording, for reference; the screen shows the back
# end's own Chinese). Extend it with the codes a hall meets.
CODES = ("1039", "1042", "1301", "1345", "1352", "1628", "5015")

# Place-name parts that end a word; spelled as a word of their own.
SUFFIXES = {"省": "Sheng", "市": "Shi", "区": "Qu", "县": "Xian", "镇": "Zhen", "乡": "Xiang", "路": "Lu",
            "街": "Jie", "道": "Dao", "巷": "Xiang", "口": "Kou"}
JOINERS = {"与": "/", "和": "/"}
HAN = re.compile(r"[\u4e00-\u9fff]")
HAN_OR_NOT = re.compile(r"[\u4e00-\u9fff]+|[^\u4e00-\u9fff]+")


def description_text(code: str, description: str) -> Text:
    """The description in the citizen's language: in English the catalogue's, when it has the code."""
    return Text(f"violation.code.{code}") if code in CODES else literal(description)


def offence(violation: Mapping[str, Any]) -> Text:
    code, description = str(violation.get("code", "") or ""), str(violation.get("description", "") or "")
    return Text(MSG_OFFENCE, {"code": code, "zh": literal(description), "en": description_text(code, description)})


def title(violation: Mapping[str, Any]) -> Text:
    code, description = str(violation.get("code", "") or ""), str(violation.get("description", "") or "")
    return Text(MSG_TITLE, {"plate": violation.get("plate", ""), "zh": literal(description),
                            "en": description_text(code, description)})


def place(name: Any) -> Text:
    name = str(name or "")
    return Text(MSG_PLACE, {"zh": literal(name), "pinyin": literal(place_pinyin(name))})


def place_pinyin(name: str) -> str:
    """'长沙市开福区湘江中路' -> 'Changsha Shi Kaifu Qu Xiangjiangzhong Lu'; letters and digits kept."""
    from pypinyin import Style, pinyin  # its phrase dictionary loads in ~0.5 s: not before the first frame

    words: list[str] = []
    current = ""

    def close() -> None:
        nonlocal current
        if current:
            words.append(current[:1].upper() + current[1:])
        current = ""

    for run in HAN_OR_NOT.findall(name):
        if not HAN.match(run):  # letters, digits, punctuation: a word of its own
            close()
            if run.strip():
                words.append(run.strip())
            continue
        # a run of characters read together (pypinyin's phrases: 长沙 is chang sha)
        for char, reading in zip(run, pinyin(run, style=Style.NORMAL)):
            if char in SUFFIXES and current:
                close()
                words.append(SUFFIXES[char])
            elif char in JOINERS:
                close()
                words.append(JOINERS[char])
            else:
                current += reading[0]
    close()
    return " ".join(words)
