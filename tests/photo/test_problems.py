"""Problems carry what was measured and the key the screen shows, and can be raised."""

from __future__ import annotations

import pytest

from core.i18n import Translator
from photo.problems import BadExposure, FaceCount, OffCentre, RetakesExhausted


def test_a_problem_says_what_was_measured():
    problem = FaceCount(found=2)
    assert problem.measured() == {"found": 2}
    assert str(problem) == "FaceCount(found=2)"
    assert problem.message_key == "photo.one_person_only"
    assert FaceCount(found=0).message_key == "photo.no_face"


@pytest.mark.parametrize(("problem", "key"), [
    (OffCentre("left", 12.0), "photo.move_left"),
    (OffCentre("up", 3.0), "photo.move_up"),
    (BadExposure(40.0, 0.0, too_dark=True), "photo.too_dark"),
    (BadExposure(240.0, 0.5, too_dark=False), "photo.too_bright"),
])
def test_the_key_follows_the_measurement(problem, key):
    assert problem.message_key == key


def test_a_flow_can_raise_and_catch_them():
    with pytest.raises(RetakesExhausted) as caught:
        raise RetakesExhausted(attempts=6)
    assert caught.value.attempts == 6 and caught.value.message_key == "photo.retakes_exhausted"


def test_the_screen_can_say_them_in_both_languages():
    translator = Translator()
    for problem in (FaceCount(found=2), OffCentre("right", 5.0), RetakesExhausted(6)):
        chinese = translator.translate(problem.message_key, "zh_CN")
        english = translator.translate(problem.message_key, "en")
        assert chinese != problem.message_key and english != problem.message_key and chinese != english
    assert translator.translate("photo.countdown", "en", seconds=3) == "Hold still: photo in 3"
