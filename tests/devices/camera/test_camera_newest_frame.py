"""A slow reader gets the newest frame, never a queued old one.

The video here is made for the purpose: frame i of the file is a flat grey of level
LEVELS[i], so each picture tells which frame it is, and the driver's sequence number says
which frame it should be (the file loops, one frame per sequence step).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.camera.driver import OpenCvCamera

FPS = 30
LEVELS = [20 + 20 * i for i in range(10)]  # 20, 40, ... 200: far apart after JPEG


@pytest.fixture(scope="module")
def numbered_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("numbered") / "numbered.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (160, 120))
    for level in LEVELS:
        writer.write(np.full((120, 160, 3), level, np.uint8))
    writer.release()
    return path


@pytest.fixture
def camera(numbered_video: Path) -> Iterator[OpenCvCamera]:
    driver = OpenCvCamera(str(numbered_video), 160, 120, FPS)
    assert driver.capture_still() is not None
    yield driver
    driver.close()


def file_index(image: np.ndarray) -> int:
    """Which frame of the file `image` is, from its grey level."""
    return int(np.argmin([abs(float(image.mean()) - level) for level in LEVELS]))


def test_after_a_pause_the_frame_is_the_newest_not_the_next_in_a_queue(camera: OpenCvCamera) -> None:
    before = camera.latest_frame()
    assert before is not None

    time.sleep(0.5)  # a consumer busy elsewhere: ~15 frames go by
    frame = camera.latest_frame()

    assert frame is not None
    assert frame.sequence - before.sequence >= 10  # skipped ahead, not before.sequence + 1
    assert time.monotonic() - frame.timestamp < 2.5 / FPS  # and it is current
    assert file_index(frame.image) == (frame.sequence - 1) % len(LEVELS)  # the picture matches


def test_capture_still_returns_a_frame_read_after_the_call(camera: OpenCvCamera) -> None:
    for _ in range(5):
        time.sleep(0.1)
        stale = camera.latest_frame()
        assert stale is not None
        image = camera.capture_still()
        newest = camera.latest_frame()
        assert newest is not None
        later = {(s - 1) % len(LEVELS) for s in range(stale.sequence + 1, newest.sequence + 1)}
        assert file_index(image) in later


def test_the_file_plays_at_the_configured_rate(camera: OpenCvCamera) -> None:
    first = camera.latest_frame()
    time.sleep(1.0)
    last = camera.latest_frame()
    assert first is not None and last is not None
    rate = (last.sequence - first.sequence) / (last.timestamp - first.timestamp)
    assert FPS * 0.8 < rate < FPS * 1.1


def test_many_slow_readers_each_see_sequence_numbers_only_grow(camera: OpenCvCamera) -> None:
    problems: list[str] = []

    def reader() -> None:
        last = 0
        for _ in range(15):
            frame = camera.latest_frame()
            if frame is None or frame.sequence < last:
                problems.append(f"went back from {last} to {frame and frame.sequence}")
            elif file_index(frame.image) != (frame.sequence - 1) % len(LEVELS):
                problems.append(f"frame {frame.sequence} shows another picture")
            last = frame.sequence if frame else last
            time.sleep(0.03)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []


def test_frames_are_read_only_and_stills_are_copies(camera: OpenCvCamera) -> None:
    frame = camera.latest_frame()
    assert frame is not None
    with pytest.raises(ValueError):
        frame.image[0, 0] = 0
    still = camera.capture_still()
    still[0, 0] = 0  # the caller's own copy
