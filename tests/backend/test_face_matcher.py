"""The reference back end's face matcher on real faces (backend/face.py).

GIVEN real photographs (assets/faces: the astronaut the simulated camera plays, in an ID card
crop; Obama three times and Biden, MIT, from the face_recognition 1.3.0 source package)
WHEN DescriptorFaceMatcher compares a live image with a photo on file
THEN the same person matches and a different one does not, at the model's 0.6 distance, with
     the distance mapped onto the contract's 0..1 score; unusable images are InvalidInput.
"""

from __future__ import annotations

from decimal import Decimal

import cv2
import pytest

from backend.face import DescriptorFaceMatcher, score_of, shared_face_matcher
from backend.faults import InvalidInput
from core.config import PROJECT_ROOT
from photo import samples

FACES = PROJECT_ROOT / "assets" / "faces"


def face(name: str) -> bytes:
    return (FACES / f"{name}.jpg").read_bytes()


def jpeg(image) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return data.tobytes()


@pytest.fixture(scope="module")
def matcher() -> DescriptorFaceMatcher:
    return shared_face_matcher()


@pytest.fixture(scope="module")
def live_astronaut() -> bytes:
    return jpeg(samples.capture((640, 480), centre=(0.5, 0.45)))


def test_the_camera_face_matches_its_id_card_photo(matcher, live_astronaut):
    result = matcher.compare(live_astronaut, face("astronaut_id"))
    assert result.match and result.distance is not None and result.distance < 0.3
    assert result.score == score_of(result.distance) and result.threshold == Decimal("0.400")


def test_another_persons_photo_on_file_does_not_match(matcher, live_astronaut):
    result = matcher.compare(live_astronaut, face("biden_id"))
    assert not result.match and result.distance > 0.6 and result.score < result.threshold


@pytest.mark.parametrize(("live", "on_file", "same"), [
    ("obama", "obama3", True), ("obama2", "obama", True), ("obama3", "obama2", True),
    ("biden", "obama", False), ("obama2", "biden_id", False), ("biden", "biden_id", True),
])
def test_same_and_different_people(matcher, live, on_file, same):
    assert matcher.compare(face(live), face(on_file)).match is same


def test_a_live_image_without_a_face_is_invalid_input(matcher):
    with pytest.raises(InvalidInput) as caught:
        matcher.compare(jpeg(samples.plain_background((640, 480))), face("astronaut_id"))
    assert caught.value.field == "faceImage" and "no face" in str(caught.value)


@pytest.mark.parametrize("data", [b"not an image", b"GIF89a" + b"\0" * 40])
def test_unreadable_live_images_are_invalid_input(matcher, data):
    with pytest.raises(InvalidInput):
        matcher.compare(data, face("astronaut_id"))


def test_a_photo_on_file_without_a_face_answers_no_match(matcher, live_astronaut):
    result = matcher.compare(live_astronaut, jpeg(samples.plain_background((358, 441))))
    assert not result.match and result.distance is None


def test_the_threshold_is_configurable(live_astronaut):
    strict = DescriptorFaceMatcher(match_distance=0.01)
    assert strict.threshold == Decimal("0.990")
    assert not strict.compare(live_astronaut, face("astronaut_id")).match


def test_the_back_ends_distance_comes_from_its_settings(tmp_path):
    from backend.app import BackendApp
    from backend.settings import ServerSettings

    app = BackendApp(tmp_path / "b.sqlite3", ServerSettings(face_match_distance=0.45), seed=False)
    assert app.face.match_distance == 0.45 and app.face.threshold == Decimal("0.550")
