"""The simulated camera's scenes, rendered once into short real video files (MJPG in AVI).

Each scene is a seamless loop of a real face (scikit-image's astronaut portrait, cut out of
its busy studio backdrop by photo.samples) on a plain near-white backdrop, with the small
sway, breathing and flicker of a person standing at a kiosk and the noise of a sensor. The
files are what the real OpenCV driver plays, so the simulator exercises the same decode and
capture path as a USB camera. Renders are cached by size, rate and RENDER_VERSION
(devices/camera/scene_files.py).
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from devices.camera.scene_files import NO_FACE, NORMAL, TOO_DARK, TWO_FACES, missing_scenes, scene_files

log = logging.getLogger(__name__)

# One loop of motion; the clip is exactly one period so it repeats without a jump.
CLIP_SECONDS = 2.0
# A photo booth's backdrop: plain, near white (DOMAIN.md section 1: even white background).
BACKDROP_BGR = (243, 243, 243)
# Head (chin to crown) as a fraction of the frame height, and where its middle sits: what a
# kiosk camera sees of a citizen standing at the marked spot (photo.samples' camera capture).
HEAD_FRACTION = 0.5
HEAD_CENTRE = (0.5, 0.42)
# Natural motion, as fractions of the frame: sideways sway, vertical bob, breathing scale,
# head roll in degrees, and exposure flicker.
SWAY = 0.006
BOB = 0.004
BREATHING = 0.01
ROLL_DEGREES = 0.8
FLICKER = 0.015
SENSOR_NOISE_SIGMA = 2.0
# Sensor noise fields drawn per clip and cycled (drawing one per frame doubles the render time).
NOISE_PATTERNS = 5
# "too dark": the exposure of an unlit booth.
DARK_GAIN = 0.12
MJPG_QUALITY = 90


def render_scenes(folder: Path, width: int, height: int, fps: float) -> dict[str, Path]:
    """Every scene as a looping video file under `folder`; renders only what is missing."""
    files = scene_files(folder, width, height, fps)
    for scene in missing_scenes(files):
        _write_clip(files[scene], _painter(scene), width, height, fps)
    return files


def _painter(scene: str) -> Callable[[float, int, int], np.ndarray]:
    """The function drawing `scene` at phase 0..1 of its loop, for a width x height frame."""
    return {
        NORMAL: _normal,
        NO_FACE: _no_face,
        TWO_FACES: _two_faces,
        TOO_DARK: _too_dark,
    }[scene]


def _write_clip(path: Path, paint: Callable[[float, int, int], np.ndarray], width: int, height: int,
                fps: float) -> None:
    """Write atomically: a half-written clip must never be played or cached."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame_count = max(1, round(CLIP_SECONDS * fps))
    handle, temporary = tempfile.mkstemp(suffix=".avi", dir=path.parent)
    os.close(handle)
    writer = cv2.VideoWriter(temporary, cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        os.unlink(temporary)
        raise OSError(f"OpenCV cannot write MJPG video to {path.parent}")
    writer.set(cv2.VIDEOWRITER_PROP_QUALITY, MJPG_QUALITY)
    rng = np.random.default_rng(0)
    noise = [rng.standard_normal((height, width, 3), dtype=np.float32) * SENSOR_NOISE_SIGMA
             for _ in range(NOISE_PATTERNS)]
    for index in range(frame_count):
        image = paint(index / frame_count, width, height).astype(np.float32)
        image *= 1.0 + FLICKER * math.sin(2 * math.pi * (index / frame_count) * 3)
        image += noise[index % NOISE_PATTERNS]
        writer.write(np.clip(image + 0.5, 0, 255).astype(np.uint8))
    writer.release()
    os.replace(temporary, path)
    log.info("camera simulator: rendered %s (%d frames)", path, frame_count)


def _backdrop(width: int, height: int) -> np.ndarray:
    return np.full((height, width, 3), BACKDROP_BGR, np.uint8)


def _person(background: np.ndarray, phase: float, head_fraction: float,
            centre: tuple[float, float]) -> np.ndarray:
    """The astronaut standing with her head `head_fraction` of the frame tall at `centre`,
    moving a little with the loop's phase."""
    from photo.samples import compose

    height, width = background.shape[:2]
    angle = 2 * math.pi * phase
    head = head_fraction * height * (1.0 + BREATHING * math.sin(angle + 1.0))
    x = (centre[0] + SWAY * math.sin(angle)) * width
    y = (centre[1] + BOB * math.sin(2 * angle + 0.5)) * height
    return compose(background, head, (x, y), ROLL_DEGREES * math.sin(angle + 2.0))


def _normal(phase: float, width: int, height: int) -> np.ndarray:
    return _person(_backdrop(width, height), phase, HEAD_FRACTION, HEAD_CENTRE)


def _no_face(phase: float, width: int, height: int) -> np.ndarray:
    """Nobody in front of the camera: the empty booth."""
    return _backdrop(width, height)


def _two_faces(phase: float, width: int, height: int) -> np.ndarray:
    """Someone stands behind the citizen's shoulder: two heads, the second one smaller."""
    behind = _person(_backdrop(width, height), (phase + 0.3) % 1.0, 0.3, (0.26, 0.36))
    return _person(behind, phase, 0.36, (0.68, 0.45))


def _too_dark(phase: float, width: int, height: int) -> np.ndarray:
    return (_normal(phase, width, height).astype(np.float32) * DARK_GAIN).astype(np.uint8)
