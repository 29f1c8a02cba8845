"""Every check of PhotoPipeline.finalize, failed by one real-face variant and passed by another.

GIVEN a capture built from the astronaut portrait (tests/photo/conftest.py)
WHEN the pipeline finalizes it
THEN the named check fails with the measured value in its problem (or passes), and the
     photo is accepted only when nothing failed.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from photo import checks, samples
from photo.checks import Status
from photo.problems import (
    BackgroundBusy,
    BackgroundNotLight,
    BackgroundResidue,
    BackgroundUneven,
    BadExposure,
    Blurred,
    EyesNotFound,
    FaceCount,
    FaceTooLarge,
    FaceTooSmall,
    HeadTilted,
    LowContrast,
    OffCentre,
)


def scaled(image: np.ndarray, factor: float, offset: float = 0.0) -> np.ndarray:
    return np.clip(image.astype(np.float32) * factor + offset, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def accepted(pipeline, good_capture):
    return pipeline.finalize(good_capture)


def test_the_compliant_capture_passes_every_check(accepted, pipeline):
    assert accepted.ok, accepted.problems
    assert [c.status for c in accepted.checks] == [Status.PASSED] * len(checks.ALL_CHECKS)
    assert accepted.message_key is None
    decoded = cv2.imdecode(np.frombuffer(accepted.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (pipeline.spec.height, pipeline.spec.width, 3)


def test_two_faces_are_refused_with_the_count(pipeline):
    result = pipeline.finalize(samples.two_people())
    assert not result.ok and result.jpeg is None
    assert result.check(checks.FACE_COUNT).problem == FaceCount(found=2)
    assert result.message_key == "photo.one_person_only"


def test_no_face_is_refused_and_later_checks_do_not_run(pipeline):
    result = pipeline.finalize(samples.plain_background((1280, 720)))
    assert result.check(checks.FACE_COUNT).problem == FaceCount(found=0)
    assert result.message_key == "photo.no_face"
    assert result.check(checks.HEAD_RATIO).status is Status.NOT_RUN


def test_a_dark_booth_says_too_dark_as_well_as_no_face(pipeline):
    result = pipeline.finalize(np.full((720, 1280, 3), 12, np.uint8))
    assert isinstance(result.check(checks.EXPOSURE).problem, BadExposure)
    assert result.check(checks.EXPOSURE).problem.too_dark


def test_covered_eyes_are_refused(pipeline, good_capture):
    gray = cv2.cvtColor(good_capture, cv2.COLOR_BGR2GRAY)
    pair = pipeline.detector.find_eyes(gray, pipeline.detector.find_faces(gray, 100)[0]).pair
    covered = good_capture.copy()
    for eye in (pair.left, pair.right):  # tinted glasses
        cv2.ellipse(covered, (int(eye.x), int(eye.y)), (32, 22), 0, 0, 360, (60, 60, 60), -1)
    result = pipeline.finalize(covered)
    problem = result.check(checks.EYES).problem
    assert isinstance(problem, EyesNotFound) and problem.found < 2
    assert result.message_key == "photo.show_both_eyes"


def test_face_too_small_asks_to_come_closer(pipeline):
    result = pipeline.finalize(samples.capture(head_fraction=0.25))
    problem = result.check(checks.FACE_SIZE).problem
    assert isinstance(problem, FaceTooSmall) and problem.head_px < problem.min_head_px
    assert result.message_key == "photo.come_closer"


def test_face_too_large_asks_to_step_back(pipeline):
    result = pipeline.finalize(samples.capture(head_fraction=0.95, centre=(0.5, 0.5)))
    problem = result.check(checks.FACE_SIZE).problem
    assert isinstance(problem, FaceTooLarge) and problem.needed_px > problem.available_px
    assert result.message_key == "photo.step_back"


@pytest.mark.parametrize(("centre", "direction"), [
    ((0.12, 0.42), "left"),  # near the image's left edge = the citizen's right: move left
    ((0.88, 0.42), "right"),
    ((0.5, 0.2), "down"),  # head too high in the frame
])
def test_off_centre_says_which_way_to_move(pipeline, centre, direction):
    result = pipeline.finalize(samples.capture(centre=centre))
    problem = result.check(checks.POSITION).problem
    assert isinstance(problem, OffCentre) and problem.direction == direction
    assert problem.overshoot_px > 0
    assert result.message_key == f"photo.move_{direction}"


def test_hair_cut_by_the_top_edge_asks_to_move_down(pipeline):
    # A tight portrait whose top edge runs through the hair: no padding can bring it back.
    result = pipeline.finalize(samples.capture((413, 531), head_fraction=0.8, centre=(0.5, 0.37)))
    problem = result.check(checks.POSITION).problem
    assert isinstance(problem, OffCentre) and problem.direction == "down"


def test_a_tight_id_photo_with_a_small_crown_margin_is_padded_white(pipeline):
    tight = samples.capture((413, 531), head_fraction=0.76, centre=(0.5, 0.40))  # crown 2 % below the top
    result = pipeline.finalize(tight)
    assert result.ok, result.problems
    assert result.image[:10].min() >= 250


def test_mirrored_frames_swap_left_and_right(settings):
    from photo.pipeline import PhotoPipeline

    mirrored = PhotoPipeline(settings.spec(), settings.quality, settings.detector, mirrored=True)
    result = mirrored.finalize(samples.capture(centre=(0.12, 0.42)))
    assert result.check(checks.POSITION).problem.direction == "right"


def test_small_tilt_is_straightened(pipeline):
    # The astronaut's own head is tilted ~4 degrees; 2 more stays within the 8-degree limit.
    result = pipeline.finalize(samples.capture(roll_degrees=2))
    assert result.ok, result.problems
    assert 3.0 < result.check(checks.ROLL).value < 8.0
    left, right = _eye_rows(pipeline, result.image)
    assert abs(left - right) < 0.03 * pipeline.spec.width  # level within ~1.5 degrees


def _eye_rows(pipeline, image):
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    face = pipeline.detector.find_faces(gray, 100)[0]
    pair = pipeline.detector.find_eyes(gray, face).pair
    return pair.left.y, pair.right.y


@pytest.mark.parametrize("tilt", [15, 25])
def test_large_tilt_is_refused_with_the_measured_roll(pipeline, tilt):
    result = pipeline.finalize(samples.capture(roll_degrees=tilt))
    problem = result.check(checks.ROLL).problem
    assert isinstance(problem, HeadTilted)
    assert problem.roll_degrees > problem.limit_degrees
    assert abs(problem.roll_degrees - (tilt + 4)) < 4  # the astronaut's own tilt is ~4 degrees
    assert result.message_key == "photo.straighten_head"


def test_frontal_head_passes_the_pose_estimates(accepted, pipeline):
    margin = pipeline.quality.pose_margin_degrees
    assert abs(accepted.check(checks.YAW).value) <= pipeline.spec.yaw_max_degrees + margin
    assert abs(accepted.check(checks.PITCH).value) <= pipeline.spec.pitch_max_degrees + margin


def test_blurred_capture_is_refused(pipeline, good_capture):
    result = pipeline.finalize(cv2.GaussianBlur(good_capture, (0, 0), 4))
    problem = result.check(checks.SHARPNESS).problem
    assert isinstance(problem, Blurred) and problem.sharpness < problem.minimum
    assert result.message_key == "photo.hold_still"


def test_sharp_capture_passes_sharpness(accepted, pipeline):
    assert accepted.check(checks.SHARPNESS).value > 2 * pipeline.quality.min_sharpness


def test_dark_capture_is_refused_as_too_dark(pipeline, good_capture):
    result = pipeline.finalize(scaled(good_capture, 0.3))
    problem = result.check(checks.EXPOSURE).problem
    assert isinstance(problem, BadExposure) and problem.too_dark
    assert problem.brightness < pipeline.quality.face_brightness_min
    assert result.message_key == "photo.too_dark"


def test_overexposed_capture_is_refused_as_too_bright(pipeline, good_capture):
    result = pipeline.finalize(scaled(good_capture, 1.6))
    problem = result.check(checks.EXPOSURE).problem
    assert isinstance(problem, BadExposure) and not problem.too_dark
    assert result.message_key == "photo.too_bright"


def test_flat_light_is_refused_for_low_contrast(pipeline, good_capture):
    flat = scaled(good_capture, 0.25, 0.75 * 160)  # a hazy, flat image around grey 160
    result = pipeline.finalize(flat)
    problem = result.check(checks.CONTRAST).problem
    assert isinstance(problem, LowContrast) and problem.contrast < problem.minimum


def test_exposure_and_contrast_pass_on_the_compliant_capture(accepted, pipeline):
    assert accepted.check(checks.EXPOSURE).passed and accepted.check(checks.CONTRAST).passed


def test_grey_backdrop_is_refused_as_not_white(pipeline):
    result = pipeline.finalize(samples.capture(background=samples.plain_background((1280, 720), (140, 140, 140))))
    problem = result.check(checks.BACKGROUND_LIGHT).problem
    assert isinstance(problem, BackgroundNotLight)
    assert problem.lightness < pipeline.quality.background_min_lightness
    assert result.message_key == "photo.background_not_white"


def test_light_blue_backdrop_is_refused_for_its_colour(pipeline):
    blue = samples.plain_background((1280, 720), (245, 215, 185))  # BGR: a light blue
    problem = pipeline.finalize(samples.capture(background=blue)).check(checks.BACKGROUND_LIGHT).problem
    assert isinstance(problem, BackgroundNotLight) and problem.chroma > pipeline.quality.background_max_chroma


def test_shadow_on_the_backdrop_is_refused_as_uneven(pipeline):
    backdrop = samples.plain_background((1280, 720))
    cv2.ellipse(backdrop, (830, 330), (130, 220), 0, 0, 360, (200, 200, 200), -1)  # a shadow beside the head
    backdrop = cv2.GaussianBlur(backdrop, (0, 0), 15)
    result = pipeline.finalize(samples.capture(background=backdrop))
    problem = result.check(checks.BACKGROUND_EVEN).problem
    assert isinstance(problem, BackgroundUneven) and problem.unevenness > problem.maximum
    assert result.message_key == "photo.background_uneven"


def test_busy_backdrop_is_refused_as_busy(pipeline):
    backdrop = samples.plain_background((1280, 720))
    scene = samples.busy_background((1280, 720))
    backdrop[:, :380] = scene[:, :380]  # a cluttered room visible on one side
    backdrop[:120, :] = scene[:120, :]  # and above the head
    result = pipeline.finalize(samples.capture(background=backdrop))
    problem = result.check(checks.BACKGROUND_PLAIN).problem
    assert isinstance(problem, BackgroundBusy) and problem.clutter > problem.maximum


def test_a_mottled_backdrop_left_grey_after_whitening_is_refused(pipeline):
    rng = np.random.default_rng(3)
    clouds = cv2.GaussianBlur(rng.normal(0, 1, (720, 1280)).astype(np.float32), (0, 0), 25)
    wall = np.clip(228 + clouds / clouds.std() * 16, 0, 255).astype(np.uint8)
    result = pipeline.finalize(samples.capture(background=cv2.merge([wall] * 3)))
    problem = result.check(checks.BACKGROUND_WHITE).problem
    assert isinstance(problem, BackgroundResidue) and problem.share > problem.maximum
    assert result.message_key == "photo.background_uneven"


def test_the_astronauts_original_photo_is_cropped_and_whitened(pipeline):
    # Her photo (lips closed, see samples.lips_closed), enlarged so the head is big enough. The
    # flag and the spacecraft lie outside the ID crop; around her head the NASA backdrop is
    # light and only mildly mottled, so it is whitened rather than refused.
    closed = cv2.resize(samples.lips_closed(samples.astronaut_bgr()), None, fx=2.5, fy=2.5,
                        interpolation=cv2.INTER_CUBIC)
    result = pipeline.finalize(closed)
    assert result.ok, result.problems
    assert result.image[:25].min() >= 250  # the strip above her head is the spec's white


def test_the_astronauts_smile_with_parted_lips_is_refused(pipeline):
    # Her original photo: a smile showing her teeth, which the photo guide does not accept.
    original = cv2.resize(samples.astronaut_bgr(), None, fx=2.5, fy=2.5, interpolation=cv2.INTER_CUBIC)
    result = pipeline.finalize(original)
    assert result.check(checks.MOUTH_CLOSED).status is Status.FAILED
    assert result.message_key == "photo.close_mouth"


def test_gradient_backdrop_within_limits_is_whitened(pipeline):
    result = pipeline.finalize(samples.capture(background=samples.gradient_background((1280, 720), 205, 250)))
    assert result.ok, result.problems
    top_corners = np.concatenate([result.image[:20, :20], result.image[:20, -20:]])
    assert top_corners.min() >= 250  # both sides of the ramp are now the spec's white


def test_background_and_output_checks_pass_on_the_compliant_capture(accepted, pipeline):
    for name in (checks.BACKGROUND_LIGHT, checks.BACKGROUND_EVEN, checks.BACKGROUND_PLAIN,
                 checks.BACKGROUND_WHITE, checks.HEAD_RATIO, checks.EYE_DISTANCE, checks.FILE_SIZE):
        assert accepted.check(name).passed
    spec = pipeline.spec
    assert spec.head_ratio_min <= accepted.check(checks.HEAD_RATIO).value <= spec.head_ratio_max
    assert spec.eye_distance_min <= accepted.check(checks.EYE_DISTANCE).value <= spec.eye_distance_max
