"""The simulated camera's scenes, seen through the real driver the way the photo screen sees them."""

from __future__ import annotations

import numpy as np
import pytest

from devices.camera.faces import find_faces


@pytest.mark.parametrize(("scene", "faces"), [("normal", 1), ("no_face", 0), ("two_faces", 2)])
def test_haar_finds_the_scene_s_faces(simulated, ready_camera, scene: str, faces: int) -> None:
    simulated.set_scene(scene)
    ready_camera.capture_still()  # a frame that may predate the switch
    for _ in range(3):  # the count holds while the person sways
        assert len(find_faces(ready_camera.capture_still())) == faces


def test_too_dark_is_dark_and_normal_is_not(simulated, ready_camera) -> None:
    assert np.mean(ready_camera.capture_still()) > 150
    simulated.set_scene("too_dark")
    ready_camera.capture_still()
    assert np.mean(ready_camera.capture_still()) < 40


def test_normal_scene_is_a_portrait_on_a_plain_near_white_backdrop(ready_camera) -> None:
    image = ready_camera.capture_still()
    assert image.shape == (480, 640, 3)
    [(x, y, w, h)] = find_faces(image)
    assert abs((x + w / 2) - 320) < 40  # centred
    top_band = image[:40].astype(np.float32)  # above the head: only backdrop
    assert top_band.mean() > 230 and top_band.std() < 8


def test_the_person_moves_a_little(ready_camera) -> None:
    first = ready_camera.capture_still().astype(np.int16)
    boxes = []
    for _ in range(8):
        boxes.append(find_faces(ready_camera.capture_still())[0])
    xs = [x for x, _, _, _ in boxes]
    assert max(xs) - min(xs) >= 1  # sway is visible ...
    assert max(xs) - min(xs) < 30  # ... but slight
    assert np.abs(first - ready_camera.capture_still().astype(np.int16)).mean() > 0.5


def test_scene_switch_takes_effect_within_a_frame_or_two(simulated, ready_camera, until) -> None:
    simulated.set_scene("no_face")
    assert until(lambda: np.mean(ready_camera.latest_frame().image[200:280, 280:360]) > 230, 0.5)
