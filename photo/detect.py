"""Step 1, detect: faces and eyes, behind a small Protocol so the detector can be swapped.

The default is OpenCV 4.x's Haar cascades (shipped in `cv2.data.haarcascades`; OpenCV 5 ships
none, which is why requirements.txt pins 4.x). A landmark model could implement the same
two methods; bench/photo_detectors.py measures candidates on the same images.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from photo.geometry import Box, EyePair, Point
from photo.spec import DetectorSettings

# Eyes are searched in a face patch resized to this width, so the eye cascade's sizes and
# speed do not depend on how close the citizen stands (120 px: ~5 ms, eye centres to about
# 1 % of the face width; live guidance uses 80 px: ~1.5 ms).
EYE_SEARCH_FACE_WIDTH = 120
# Band of the face box (fractions of its height) where Haar face boxes put the eyes, wide
# enough for a head tilted by 20 degrees.
EYE_BAND_TOP = 0.15
EYE_BAND_BOTTOM = 0.60
# Eye box size as a fraction of the face width: smaller or larger hits are nostrils, brows, ears.
EYE_MIN_SIZE = 0.12
EYE_MAX_SIZE = 0.40
# Where the eyes sit in a Haar frontal face box (measured on frontal portraits), used to
# prefer the real eyes over eyebrows or nostrils when the cascade returns more than two hits.
EXPECTED_EYE_X = (0.30, 0.70)
EXPECTED_EYE_Y = 0.38
# A pair is plausible only with this spacing (fraction of face width) and tilt.
PAIR_MIN_SPACING = 0.25
PAIR_MAX_SPACING = 0.65
PAIR_MAX_TILT_DEGREES = 40.0
EYE_SCALE_FACTOR = 1.1
# Neighbours for an eye hit; when no pair is found the search is repeated with the lower
# number (finds ~15 % more pairs on soft, low-resolution faces; the pair rules above keep
# the extra hits honest).
EYE_MIN_NEIGHBORS = 3
EYE_FALLBACK_MIN_NEIGHBORS = 2


class DetectorUnavailable(RuntimeError):
    """The configured detector cannot be loaded (e.g. OpenCV 5 has no Haar cascades)."""


@dataclass(frozen=True)
class EyeSearch:
    """The eye centres when a plausible pair was found, and how many eye hits there were."""

    pair: EyePair | None
    found: int


class FaceDetector(Protocol):
    """What the pipeline and the live guide need of a face detector."""

    name: str

    def find_faces(self, gray: np.ndarray, min_size: int, max_size: int | None = None) -> list[Box]:
        """Every face `min_size` to `max_size` pixels wide in a greyscale image, largest first."""
        ...

    def find_eyes(self, gray: np.ndarray, face: Box) -> EyeSearch:
        """The two eye centres inside `face` (image coordinates)."""
        ...


def cascade_path(name: str) -> Path:
    """A cascade named in the configuration: a bare file name is looked up in OpenCV's data."""
    candidate = Path(name)
    if candidate.is_absolute() or candidate.parent != Path("."):
        return candidate
    haar_dir = getattr(getattr(cv2, "data", None), "haarcascades", None)
    if haar_dir is None:
        raise DetectorUnavailable("this OpenCV ships no Haar cascades (cv2.data.haarcascades); use OpenCV 4.x")
    return Path(haar_dir) / name


def load_cascade(name: str) -> cv2.CascadeClassifier:
    path = cascade_path(name)
    if not path.is_file():
        raise DetectorUnavailable(f"cascade file not found: {path}")
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise DetectorUnavailable(f"cascade file cannot be loaded: {path}")
    return cascade


class HaarDetector:
    """Viola-Jones cascades: fast on one core, frontal faces only, no landmarks."""

    name = "haar"

    def __init__(self, face_cascade: str, eye_cascade: str, scale_factor: float = 1.1,
                 min_neighbors: int = 5, eye_search_width: int = EYE_SEARCH_FACE_WIDTH) -> None:
        self._faces = load_cascade(face_cascade)
        self._eyes = load_cascade(eye_cascade)
        self._scale_factor = scale_factor
        self._min_neighbors = min_neighbors
        self._eye_search_width = eye_search_width

    @classmethod
    def from_settings(cls, settings: DetectorSettings,
                      eye_search_width: int = EYE_SEARCH_FACE_WIDTH) -> HaarDetector:
        return cls(settings.face_cascade, settings.eye_cascade, settings.scale_factor,
                   settings.min_neighbors, eye_search_width)

    def find_faces(self, gray: np.ndarray, min_size: int, max_size: int | None = None) -> list[Box]:
        # No histogram equalisation: on a white backdrop it crushes the face into the darkest
        # tones and small faces are lost; the cascade normalises each window's contrast anyway.
        largest = (max_size, max_size) if max_size else (0, 0)
        found = self._faces.detectMultiScale(
            gray, scaleFactor=self._scale_factor, minNeighbors=self._min_neighbors,
            minSize=(min_size, min_size), maxSize=largest)
        boxes = [Box(float(x), float(y), float(w), float(h)) for x, y, w, h in found]
        return drop_nested(sorted(boxes, key=lambda b: b.area, reverse=True))

    def find_eyes(self, gray: np.ndarray, face: Box) -> EyeSearch:
        band = Box(face.x, face.y + EYE_BAND_TOP * face.h, face.w,
                   (EYE_BAND_BOTTOM - EYE_BAND_TOP) * face.h)
        rows, cols = band.clipped_slices(gray.shape)
        patch = gray[rows, cols]
        if patch.size == 0:
            return EyeSearch(None, 0)
        scale = self._eye_search_width / face.w
        patch = cv2.resize(patch, None, fx=scale, fy=scale,
                           interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        patch = cv2.equalizeHist(patch)  # the face fills this patch, so stretching helps here
        min_side = int(EYE_MIN_SIZE * self._eye_search_width)
        max_side = int(EYE_MAX_SIZE * self._eye_search_width)
        search = EyeSearch(None, 0)
        for neighbours in (EYE_MIN_NEIGHBORS, EYE_FALLBACK_MIN_NEIGHBORS):
            hits = self._eyes.detectMultiScale(
                patch, scaleFactor=EYE_SCALE_FACTOR, minNeighbors=neighbours,
                minSize=(min_side, min_side), maxSize=(max_side, max_side))
            centres = [Point(cols.start + (x + w / 2) / scale, rows.start + (y + h / 2) / scale)
                       for x, y, w, h in hits]
            search = choose_eye_pair(centres, [w / scale for _, _, w, _ in hits], face)
            if search.pair is not None:
                break
        return search


def choose_eye_pair(centres: list[Point], sizes: list[float], face: Box) -> EyeSearch:
    """The most face-like pair among the eye hits (the cascade also fires on brows and nostrils)."""
    best: tuple[float, EyePair] | None = None
    for i, j in itertools.combinations(range(len(centres)), 2):
        left, right = sorted((centres[i], centres[j]), key=lambda p: p.x)
        pair = EyePair(left, right)
        spacing = pair.distance / face.w
        if not PAIR_MIN_SPACING <= spacing <= PAIR_MAX_SPACING:
            continue
        if abs(pair.roll_degrees) > PAIR_MAX_TILT_DEGREES:
            continue
        cost = _eye_cost(left, face, EXPECTED_EYE_X[0]) + _eye_cost(right, face, EXPECTED_EYE_X[1])
        cost += abs(math.log(sizes[i] / sizes[j]))
        if best is None or cost < best[0]:
            best = (cost, pair)
    distinct = _count_distinct(centres, face)
    if best is None:
        return EyeSearch(None, min(distinct, 1))
    return EyeSearch(best[1], 2)


def _eye_cost(eye: Point, face: Box, expected_x: float) -> float:
    dx = (eye.x - face.x) / face.w - expected_x
    dy = (eye.y - face.y) / face.h - EXPECTED_EYE_Y
    return math.hypot(dx, dy)


def _count_distinct(centres: list[Point], face: Box) -> int:
    """Hits closer than a fifth of the face width are the same eye seen twice."""
    kept: list[Point] = []
    for centre in centres:
        if all(math.hypot(centre.x - k.x, centre.y - k.y) > 0.2 * face.w for k in kept):
            kept.append(centre)
    return len(kept)


def drop_nested(boxes: list[Box]) -> list[Box]:
    """Remove boxes whose centre lies in a larger box: one face found twice is still one face."""
    kept: list[Box] = []
    for box in boxes:  # largest first
        if not any(big.contains(box.centre) for big in kept):
            kept.append(box)
    return kept


def find_faces_scaled(detector: FaceDetector, gray: np.ndarray, long_side: int,
                      min_face_fraction: float) -> list[Box]:
    """Search a copy shrunk to `long_side` (Haar time grows with pixels), boxes in full-size pixels."""
    height, width = gray.shape[:2]
    scale = min(1.0, long_side / max(height, width))
    small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale,
                                                  interpolation=cv2.INTER_AREA)
    min_size = max(20, int(min_face_fraction * min(small.shape[:2])))
    return [box.scaled(1 / scale) for box in detector.find_faces(small, min_size)]
