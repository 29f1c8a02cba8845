"""The Haar detector behind the FaceDetector protocol: faces, eyes, nesting, missing cascades.

scikit-image's LFW subset holds 100 tiny (25 x 25) real faces and 100 non-faces: enlarged
onto a white card they check that the detector finds many different real faces and fires
rarely on non-faces, beyond the one astronaut.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from photo import samples
from photo.detect import DetectorUnavailable, FaceDetector, HaarDetector, drop_nested, find_faces_scaled
from photo.geometry import Box

LFW_FACES = slice(0, 100)
LFW_NON_FACES = slice(100, 200)


@pytest.fixture(scope="module")
def detector(settings) -> HaarDetector:
    return HaarDetector.from_settings(settings.detector)


def gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def test_haar_detector_meets_the_protocol(detector):
    assert isinstance(detector, HaarDetector)
    protocol_methods = {name for name in dir(FaceDetector) if not name.startswith("_")}
    assert protocol_methods <= set(dir(detector))


def test_one_face_and_its_eyes_in_the_compliant_capture(detector, good_capture):
    faces = find_faces_scaled(detector, gray(good_capture), 480, 0.1)
    assert len(faces) == 1
    search = detector.find_eyes(gray(good_capture), faces[0])
    assert search.found == 2 and search.pair is not None
    assert search.pair.left.x < search.pair.right.x
    assert 0.3 < search.pair.distance / faces[0].w < 0.6


def test_no_face_on_an_empty_backdrop_and_two_for_two_people(detector):
    assert find_faces_scaled(detector, gray(samples.plain_background((1280, 720))), 480, 0.1) == []
    assert len(find_faces_scaled(detector, gray(samples.two_people()), 480, 0.1)) == 2


def test_the_eye_line_follows_the_tilt(detector):
    upright = samples.capture()
    tilted = samples.capture(roll_degrees=6)
    roll = []
    for image in (upright, tilted):
        face = find_faces_scaled(detector, gray(image), 480, 0.1)[0]
        roll.append(detector.find_eyes(gray(image), face).pair.roll_degrees)
    assert roll[1] - roll[0] == pytest.approx(6, abs=2.5)


def lfw_on_cards(indices: slice) -> list[np.ndarray]:
    from skimage import data

    cards = []
    for patch in data.lfw_subset()[indices]:
        face = cv2.resize((patch * 255).astype(np.uint8), (100, 100), interpolation=cv2.INTER_CUBIC)
        card = np.full((200, 200), 255, np.uint8)
        card[50:150, 50:150] = face
        cards.append(card)
    return cards


def test_many_different_real_faces_are_found_and_few_non_faces(detector):
    found = sum(bool(detector.find_faces(card, 40)) for card in lfw_on_cards(LFW_FACES))
    false = sum(bool(detector.find_faces(card, 40)) for card in lfw_on_cards(LFW_NON_FACES))
    assert found >= 60  # tight 25 px crops, chin and forehead cut: hard for a cascade
    assert false <= 10


def test_a_face_found_twice_counts_once():
    big = Box(100, 100, 200, 200)
    inner = Box(150, 150, 80, 80)
    elsewhere = Box(400, 100, 150, 150)
    assert drop_nested([big, inner, elsewhere]) == [big, elsewhere]


def test_a_missing_cascade_is_a_clear_error():
    with pytest.raises(DetectorUnavailable, match="not found"):
        HaarDetector("no_such_cascade.xml", "haarcascade_eye.xml")
