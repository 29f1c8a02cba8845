"""Capturing a finger through the contract: waiting for it, the module's verdict, retries with a
prompt, and the image that arrives being the one the module took."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from devices.fingerprint.contract import MSG_NO_FINGER, MSG_POOR_IMAGE, FingerprintError, Quality, capture_finger
from devices.fingerprint.driver import SerialFingerprintScanner
from devices.fingerprint.image import png_bytes
from devices.fingerprint.protocol import unpack_pixels
from devices.fingerprint.simulator import Finger, FingerprintSimulator, finger_image


def test_the_verdicts_of_a_good_a_smudged_and_a_faint_finger(driver: SerialFingerprintScanner,
                                                             simulator: FingerprintSimulator) -> None:
    verdicts = []
    for finger in (Finger.GOOD, Finger.SMUDGED, Finger.FAINT):
        simulator.place_finger(finger)
        assert driver.take_image() is True
        verdicts.append(driver.judge_image())
    assert verdicts == [Quality.GOOD, Quality.TOO_MESSY, Quality.TOO_FEW_FEATURES]
    simulator.lift_finger()
    assert driver.take_image() is False


def test_a_capture_waits_for_the_finger_and_downloads_its_image(driver: SerialFingerprintScanner,
                                                                simulator: FingerprintSimulator) -> None:
    simulator.place_finger(Finger.GOOD, after=0.3)
    started = time.monotonic()
    capture = capture_finger(driver, timeout=2.0, poll_seconds=0.02)
    assert time.monotonic() - started >= 0.3
    assert (capture.quality, capture.tries) == (Quality.GOOD, 1)
    assert (capture.image.width, capture.image.height) == (256, 288)
    assert capture.image.pixels == unpack_pixels(finger_image(Finger.GOOD))


def test_poor_images_are_retried_with_a_prompt(driver: SerialFingerprintScanner,
                                               simulator: FingerprintSimulator) -> None:
    simulator.poor_images_before_good(2)
    prompts: list[tuple[Quality, int]] = []
    capture = capture_finger(driver, timeout=1.0, tries=3, on_poor=lambda q, n: prompts.append((q, n)),
                             poll_seconds=0.01)
    assert prompts == [(Quality.TOO_MESSY, 1), (Quality.TOO_MESSY, 2)]
    assert (capture.quality, capture.tries) == (Quality.GOOD, 3)


def test_an_image_that_stays_poor_is_given_up(driver: SerialFingerprintScanner,
                                              simulator: FingerprintSimulator) -> None:
    simulator.place_finger(Finger.FAINT)
    with pytest.raises(FingerprintError) as poor:
        capture_finger(driver, timeout=1.0, tries=2, poll_seconds=0.01)
    assert poor.value.message_key == MSG_POOR_IMAGE and "too_few_features" in poor.value.detail


def test_no_finger_before_the_timeout(driver: SerialFingerprintScanner) -> None:
    started = time.monotonic()
    with pytest.raises(FingerprintError) as none:
        capture_finger(driver, timeout=0.3, poll_seconds=0.02)
    assert none.value.message_key == MSG_NO_FINGER
    assert 0.3 <= time.monotonic() - started < 1.5


def test_the_png_is_8_bit_greyscale_each_value_times_17(driver: SerialFingerprintScanner,
                                                       simulator: FingerprintSimulator) -> None:
    simulator.place_finger(Finger.GOOD)
    capture = capture_finger(driver, timeout=1.0)
    picture = Image.open(io.BytesIO(png_bytes(capture.image)))
    assert (picture.mode, picture.size) == ("L", (256, 288))
    values = picture.tobytes()
    assert values == bytes(p * 17 for p in capture.image.pixels)
    assert {0, 255} <= set(values) and set(values) <= {n * 17 for n in range(16)}
