from kiosk.input.pinyin_ime import candidates, consumed_letters, split_syllables


def test_whole_phrase_comes_first():
    assert candidates("beijing")[0] == "北京"


def test_single_syllable_gives_common_characters_first():
    options = candidates("zhang")
    assert "张" in options[:10]


def test_split_into_syllables():
    assert split_syllables("xianggang") == ["xiang", "gang"]


def test_choosing_a_character_consumes_its_syllable_only():
    assert consumed_letters("zhangsan", "张") == len("zhang")
    assert consumed_letters("beijing", "北京") == len("beijing")


def test_partial_syllable_still_offers_something():
    assert candidates("zh")


def test_non_letters_give_nothing():
    assert candidates("123") == []
    assert candidates("") == []
