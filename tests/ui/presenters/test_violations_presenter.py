"""Back-end violation data in both languages (issue 14): the description in English from the
kiosk's code catalogue (the back end's Chinese shown in Chinese, and kept for a code the
catalogue lacks), places in pinyin with the Chinese after them."""

from __future__ import annotations

from kiosk.ui.model import Row, ScreenModel, Text
from kiosk.ui.presenters import violations
from kiosk.ui.presenters.fines import violation_rows

CASE = {"code": "1039", "description": "机动车违反规定停放", "place": "长沙市开福区湘江中路", "plate": "湘A12345",
        "occurred_at": "2026-09-01 08:30", "fine": "100.00", "late_fee": "0.00", "amount_due": "100.00", "points": 0}


def texts_of(rendered, text: Text) -> dict[str, str]:
    model = ScreenModel("review", Text(literal=""), rows=(Row(Text(literal=""), text),))
    out = rendered(model)
    return {lang: lines[-1] for lang, lines in out.items()}


def test_the_place_is_spelled_in_pinyin():
    assert violations.place_pinyin("长沙市开福区湘江中路") == "Changsha Shi Kaifu Qu Xiangjiangzhong Lu"
    assert violations.place_pinyin("长沙绕城高速K12") == "Changsharaochenggaosu K12"
    assert violations.place_pinyin("深圳市福田区深南大道与彩田路交叉口").startswith("Shenzhen Shi Futian Qu")


def test_place_and_offence_in_each_language(rendered):
    place = texts_of(rendered, violations.place(CASE["place"]))
    assert place == {"zh_CN": "长沙市开福区湘江中路",
                     "en": "Changsha Shi Kaifu Qu Xiangjiangzhong Lu (长沙市开福区湘江中路)"}
    offence = texts_of(rendered, violations.offence(CASE))
    assert offence == {"zh_CN": "1039 机动车违反规定停放", "en": "1039 Parking where it is not allowed"}
    title = texts_of(rendered, violations.title(CASE))
    assert title["en"] == "湘A12345  Parking where it is not allowed"


def test_a_code_the_catalogue_lacks_keeps_the_back_ends_words(rendered):
    unknown = dict(CASE, code="9999", description="其他违法行为")
    assert texts_of(rendered, violations.offence(unknown)) == {"zh_CN": "9999 其他违法行为", "en": "9999 其他违法行为"}


def test_every_catalogue_code_is_translated(translator):
    for code in violations.CODES:
        for language in ("zh_CN", "en"):
            assert translator.has(f"violation.code.{code}", language)


def test_the_detail_rows_carry_no_chinese_but_the_place_in_english(rendered):
    model = ScreenModel("review", Text(literal=""), rows=violation_rows(CASE))
    english = " ".join(rendered(model)["en"])
    assert "机动车" not in english and "Kaifu Qu" in english
