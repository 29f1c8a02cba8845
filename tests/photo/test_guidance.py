"""Live guidance on 640 x 480 preview frames, with an injected clock (no sleeps).

GIVEN preview frames built from the astronaut portrait
WHEN LiveGuide.update(frame, now) is called with chosen times
THEN it gives one message key at a time, most important first, and captures exactly once
     after the frames have passed for stable_pass_seconds plus the countdown.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.config import PROJECT_ROOT
from photo import samples
from photo.guidance import GuideState

PREVIEW = (640, 480)
FRAME_SECONDS = 1 / 30


def preview(**options) -> np.ndarray:
    options.setdefault("centre", (0.5, 0.45))
    return samples.capture(PREVIEW, **options)


@pytest.fixture(scope="module")
def good_frame() -> np.ndarray:
    return preview()


@pytest.mark.parametrize(("frame", "message"), [
    (lambda: samples.two_people(PREVIEW), "photo.one_person_only"),
    (lambda: samples.plain_background(PREVIEW), "photo.no_face"),
    (lambda: np.full((480, 640, 3), 10, np.uint8), "photo.too_dark"),
    (lambda: preview(head_fraction=0.25), "photo.come_closer"),
    (lambda: preview(head_fraction=0.8, centre=(0.5, 0.5)), "photo.step_back"),
    (lambda: preview(centre=(0.12, 0.45)), "photo.move_left"),
    (lambda: preview(centre=(0.88, 0.45)), "photo.move_right"),
    (lambda: preview(centre=(0.5, 0.25)), "photo.move_down"),
    (lambda: preview(roll_degrees=14), "photo.straighten_head"),
    (lambda: (preview() * 0.3).astype(np.uint8), "photo.too_dark"),
], ids=["two", "nobody", "dark-booth", "small", "large", "left", "right", "high", "tilted", "dark"])
def test_each_failure_gets_its_own_advice(guide, frame, message):
    guidance = guide.update(frame(), now=0.0)
    assert guidance.message_key == message
    assert guidance.state is GuideState.SEARCHING and not guidance.capture
    assert guidance.problem is not None and guidance.problem.message_key == message


def test_the_most_important_advice_comes_first(guide):
    # Too small AND too dark: "come closer" outranks "too dark".
    frame = (preview(head_fraction=0.25) * 0.35).astype(np.uint8)
    assert guide.update(frame, now=0.0).message_key == "photo.come_closer"


def test_a_moving_face_is_told_to_hold_still(guide):
    guide.update(preview(centre=(0.47, 0.45)), now=0.0)
    guidance = guide.update(preview(centre=(0.53, 0.45)), now=FRAME_SECONDS)
    assert guidance.message_key == "photo.hold_still"
    assert guidance.problem is not None and guidance.problem.motion > guidance.problem.maximum


def test_countdown_then_exactly_one_capture(guide, settings, good_frame):
    stable = settings.guidance.stable_pass_seconds
    countdown = settings.guidance.countdown_seconds
    first = guide.update(good_frame, now=0.0)
    assert first.state is GuideState.HOLDING and first.message_key == "photo.hold_still"
    assert guide.update(good_frame, now=stable / 2).state is GuideState.HOLDING
    started = guide.update(good_frame, now=stable)
    assert started.state is GuideState.COUNTDOWN and started.seconds_left == countdown
    assert started.message_key == "photo.countdown" and started.message_values == {"seconds": countdown}
    later = guide.update(good_frame, now=stable + countdown - 0.5)
    assert later.seconds_left == 1
    shot = guide.update(good_frame, now=stable + countdown)
    assert shot.capture and shot.message_key == "photo.captured"
    after = guide.update(good_frame, now=stable + countdown + FRAME_SECONDS)
    assert not after.capture and after.state is GuideState.CAPTURED


def test_a_failing_frame_resets_the_countdown(guide, settings, good_frame):
    stable = settings.guidance.stable_pass_seconds
    grace = settings.guidance.dropout_grace_seconds
    guide.update(good_frame, now=0.0)
    assert guide.update(good_frame, now=stable + 0.1).state is GuideState.COUNTDOWN
    small = preview(head_fraction=0.25)
    guide.update(small, now=stable + 0.2)
    reset = guide.update(small, now=stable + 0.2 + grace + 0.01)
    assert reset.state is GuideState.SEARCHING and reset.message_key == "photo.come_closer"
    again = guide.update(good_frame, now=stable + 1.0)
    assert again.state is GuideState.HOLDING


def test_a_missed_frame_within_the_grace_keeps_the_countdown(guide, settings, good_frame):
    stable = settings.guidance.stable_pass_seconds
    guide.update(good_frame, now=0.0)
    guide.update(good_frame, now=stable)
    blip = guide.update(samples.plain_background(PREVIEW), now=stable + 0.1)  # detector missed a frame
    assert blip.state is GuideState.COUNTDOWN and blip.message_key == "photo.countdown"
    assert guide.update(good_frame, now=stable + 0.2).state is GuideState.COUNTDOWN


def test_reset_starts_over_after_a_refused_still(guide, settings, good_frame):
    end = settings.guidance.stable_pass_seconds + settings.guidance.countdown_seconds
    guide.update(good_frame, now=0.0)
    guide.update(good_frame, now=settings.guidance.stable_pass_seconds)
    assert guide.update(good_frame, now=end).capture
    guide.reset()
    assert guide.update(good_frame, now=end + 1).state is GuideState.HOLDING


def test_a_passing_frame_reports_its_measurements(guide, good_frame):
    guidance = guide.update(good_frame, now=0.0)
    assert guidance.problem is None and guidance.face is not None
    assert guidance.measured["faces"] == 1 and abs(guidance.measured["roll"]) < 8


def test_a_second_person_joining_is_noticed_while_tracking(guide, good_frame):
    from photo.guidance import FULL_SEARCH_EVERY

    # Someone as close as the citizen steps in beside them (the periodic search for other
    # faces sees faces of a sixth of the frame height or more).
    joined = samples.compose(good_frame, 0.42 * 480, (0.87 * 640, 0.42 * 480))
    for index in range(3):
        assert guide.update(good_frame, now=index * FRAME_SECONDS).problem is None  # tracking now
    messages = [guide.update(joined, now=(3 + index) * FRAME_SECONDS).message_key
                for index in range(FULL_SEARCH_EVERY + 1)]
    assert "photo.one_person_only" in messages



def test_a_turned_head_is_told_which_way_to_turn(guide):
    # The stand-in turn moves the features to the image's right: the citizen's own left.
    guidance = guide.update(preview(yaw_degrees=20), now=0.0)
    assert guidance.message_key == "photo.turn_right"
    assert guidance.measured["yaw"] > 15


def test_a_laughing_face_is_measured_with_its_mouth_open(guide, settings):
    # A real laughing face (assets/faces/obama2.jpg), turned to his right as well: the pose
    # advice comes first, and the mouth's opening is measured on the same landmarks.
    face = cv2.imread(str(PROJECT_ROOT / "assets" / "faces" / "obama2.jpg"))
    face = cv2.resize(face, None, fx=400 / 480, fy=400 / 480)
    frame = np.full((480, 640, 3), 245, np.uint8)
    x = (640 - face.shape[1]) // 2
    frame[80:, x:x + face.shape[1]] = face
    guidance = guide.update(frame, now=0.0)
    assert guidance.message_key == "photo.turn_left"
    assert guidance.measured["mouth_gap"] > settings.quality.mouth_gap_max


def cluttered_on_one_side() -> np.ndarray:
    backdrop = samples.plain_background(PREVIEW)
    scene = samples.busy_background(PREVIEW)
    backdrop[:, :190] = scene[:, :190]  # a cluttered room visible on one side
    backdrop[:80, :] = scene[:80, :]  # and above the head
    return backdrop


@pytest.mark.parametrize(("backdrop", "message"), [
    (cluttered_on_one_side, "photo.background_busy"),
    (lambda: samples.plain_background(PREVIEW, (150, 150, 150)), "photo.background_not_white"),
], ids=["busy", "grey"])
def test_the_backdrop_is_judged_live(guide, backdrop, message):
    frame = samples.capture(PREVIEW, centre=(0.5, 0.45), background=backdrop())
    guidance = guide.update(frame, now=0.0)
    assert guidance.message_key == message
