from flows.names import given_name_choices, is_valid_pinyin, split_surname, surname_choices, to_pinyin


def test_ordinary_name():
    assert to_pinyin("张三丰").full == "ZHANG SANFENG"


def test_surname_with_special_reading():
    assert to_pinyin("单田芳").surname == "SHAN"
    assert to_pinyin("曾国藩").surname == "ZENG"
    assert "DAN" in surname_choices("单田芳")  # still offered, in case the family reads it so


def test_compound_surname():
    assert split_surname("欧阳娜娜") == ("欧阳", "娜娜")
    assert to_pinyin("欧阳娜娜").surname == "OUYANG"


def test_u_umlaut_is_written_yu():
    assert to_pinyin("吕小女").full == "LYU XIAONYU"


def test_minority_name_with_dot():
    name = to_pinyin("买买提·艾力")
    assert name.surname == "AILI" and name.given_name == "MAIMAITI"


def test_polyphonic_given_name_offers_alternatives():
    choices = given_name_choices("王乐乐")
    assert "LELE" in choices and "YUEYUE" in choices


def test_pinyin_validation():
    assert is_valid_pinyin("ZHANG SANFENG")
    assert not is_valid_pinyin("ZHANG3")
    assert not is_valid_pinyin("  ")
    assert not is_valid_pinyin("张")
