"""Landmark checks on real faces: head pose, eyes open, mouth closed, the finished photo's border.

GIVEN real faces (the astronaut capture of photo/samples.py; the photographs of assets/faces,
MIT, from the face_recognition 1.3.0 source package)
WHEN the 68 landmarks are measured (photo/landmarks.py) or the pipeline finalizes a capture
THEN each named check reads the value the face shows and refuses what the photo guide refuses.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from core.config import PROJECT_ROOT
from core.face_model import Dlib68Landmarker
from photo import checks, landmarks, samples
from photo.detect import find_faces_scaled
from photo.problems import BorderNotBackground, MouthOpen, NotFacingCamera

FACES = PROJECT_ROOT / "assets" / "faces"


@pytest.fixture(scope="module")
def landmarker():
    return Dlib68Landmarker()


def measured(pipeline, landmarker, image: np.ndarray) -> landmarks.LandmarkMeasures:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    settings = pipeline.detector_settings
    face = find_faces_scaled(pipeline.detector, gray, settings.detect_long_side, settings.min_face_fraction)[0]
    return landmarks.measure(landmarker, gray, face)


def photo(name: str) -> np.ndarray:
    return cv2.imread(str(FACES / f"{name}.jpg"))


def test_pose_fit_recovers_known_rotations_of_the_head_model():
    # The generic head, turned and nodded by known angles and projected through a 1280 px lens.
    ids = list(landmarks.HEAD_MODEL)
    model = np.array([landmarks.HEAD_MODEL[i] for i in ids])
    for yaw, pitch in ((0, 0), (20, 0), (-12, 0), (0, 15), (0, -10), (8, -6)):
        a, b = math.radians(yaw), math.radians(pitch)
        turn = np.array([[math.cos(a), 0, -math.sin(a)], [0, 1, 0], [math.sin(a), 0, math.cos(a)]])
        nod = np.array([[1, 0, 0], [0, math.cos(b), math.sin(b)], [0, -math.sin(b), math.cos(b)]])
        points3 = (nod @ turn @ model.T).T + (0, 0, 600.0)
        projected = points3[:, :2] / points3[:, 2:] * 1280 + (640, 360)
        points = np.zeros((68, 2))
        points[ids] = projected
        pose = landmarks.head_pose(points, (1280, 720), 0.0)
        assert pose.yaw == pytest.approx(yaw, abs=1.0) and pose.pitch == pytest.approx(pitch, abs=1.0)


def test_frontal_real_faces_read_level_and_straight(pipeline, landmarker, good_capture):
    for image in (good_capture, photo("obama")):
        pose = measured(pipeline, landmarker, image).pose
        assert abs(pose.yaw) < 5 and abs(pose.pitch) < 5 and abs(pose.roll) < 5


@pytest.mark.parametrize("tilt", [-15.0, 10.0])
def test_roll_follows_a_rotation_of_the_real_capture(pipeline, landmarker, good_capture, tilt):
    level = measured(pipeline, landmarker, good_capture).pose.roll
    tilted = measured(pipeline, landmarker, samples.capture(roll_degrees=tilt)).pose.roll
    assert tilted - level == pytest.approx(tilt, abs=1.5)


def test_a_turned_head_is_told_which_way_to_turn(pipeline):
    # The stand-in turn moves the features towards the image's right: the citizen's own left.
    result = pipeline.finalize(samples.capture(yaw_degrees=30))
    problem = result.check(checks.YAW).problem
    assert isinstance(problem, NotFacingCamera) and problem.axis == "yaw" and problem.degrees > 15
    assert result.message_key == "photo.turn_right"
    assert measured(pipeline, Dlib68Landmarker(), samples.capture(yaw_degrees=-30)).pose.yaw < -15


def test_pitch_advice_names_the_chin(settings):
    spec, quality = settings.spec(), settings.quality
    assert checks.pitch(25.0, spec, quality).message_key == "photo.lower_chin"
    assert checks.pitch(-25.0, spec, quality).message_key == "photo.lift_chin"
    assert checks.pitch(3.0, spec, quality).passed


def test_mouth_gap_tells_open_from_closed_on_real_faces(pipeline, landmarker, settings):
    limit = settings.quality.mouth_gap_max
    for parted in ("obama2", "obama"):  # laughing; smiling with the teeth showing
        assert measured(pipeline, landmarker, photo(parted)).mouth_gap > limit
    assert measured(pipeline, landmarker, samples.astronaut_bgr()).mouth_gap > limit
    for closed in ("obama3", "biden"):
        assert measured(pipeline, landmarker, photo(closed)).mouth_gap < limit
    assert measured(pipeline, landmarker, samples.lips_closed(samples.astronaut_bgr())).mouth_gap < limit


def test_an_open_mouth_is_refused_with_mouth_closed_failed(pipeline):
    result = pipeline.finalize(photo("obama2"))
    problem = result.check(checks.MOUTH_CLOSED).problem
    assert isinstance(problem, MouthOpen) and problem.gap > problem.maximum
    assert problem.message_key == "photo.close_mouth"


def test_mouth_closed_is_off_for_a_spec_that_does_not_ask(settings, landmarker):
    from photo.pipeline import PhotoPipeline

    resident = PhotoPipeline.from_settings(settings, "resident-id", landmarker=landmarker)
    result = resident.finalize(photo("obama2"))
    assert result.check(checks.MOUTH_CLOSED).status is checks.Status.NOT_RUN


def test_eyes_open_on_real_faces_and_shut_eyes_refused(pipeline, landmarker, settings):
    for image in (samples.capture(), photo("obama"), photo("biden")):
        assert measured(pipeline, landmarker, image).eyes_open >= settings.quality.eyes_open_min
    open_eye = measured(pipeline, landmarker, photo("obama")).points[36:42].copy()
    shut = open_eye.copy()
    shut[[1, 2], 1] = shut[[5, 4], 1] - 1.0  # lids meet
    assert landmarks.eye_aspect_ratio(shut) < settings.quality.eyes_open_min
    assert checks.eyes_open(0.05, settings.quality).message_key == "photo.open_eyes"


@pytest.mark.parametrize(("rows", "colour"), [((80, 88), (0, 140, 255)), ((84, 90), (60, 60, 200))])
def test_a_coloured_strip_at_the_top_of_the_finished_photo_is_refused(pipeline, good_capture, rows, colour):
    # A thin band on the backdrop above the head: the backdrop checks around the head pass it,
    # but it would run across the finished photo above her hair.
    banded = good_capture.copy()
    banded[rows[0]:rows[1], :] = colour
    result = pipeline.finalize(banded)
    problem = result.check(checks.BORDER).problem
    assert not result.ok
    assert isinstance(problem, BorderNotBackground) and problem.edge == "top"


def test_a_strip_at_the_side_of_the_finished_photo_is_refused(pipeline, good_capture):
    striped = good_capture.copy()
    striped[:, 462:470] = (200, 60, 40)
    result = pipeline.finalize(striped)
    assert not result.ok
    assert result.check(checks.BORDER).status is not checks.Status.PASSED or \
        result.check(checks.BACKGROUND_PLAIN).status is checks.Status.FAILED


def test_the_finished_photo_is_measured_on_landmarks(accepted_photo):
    assert accepted_photo.check(checks.CENTRED).passed
    assert abs(accepted_photo.check(checks.CENTRED).value) < checks.CENTRED_MAX
    assert accepted_photo.check(checks.BORDER).passed


@pytest.fixture(scope="module")
def accepted_photo(pipeline, good_capture):
    return pipeline.finalize(good_capture)
