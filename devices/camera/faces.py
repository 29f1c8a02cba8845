"""Counting faces in a frame with OpenCV's bundled Haar cascade (camera-check, tests).

A technician's quick "does the camera see a face" needs no model download: the frontal
face cascade ships in cv2.data.haarcascades. The photo pipeline has its own detectors;
this is only a health check.
"""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np

CASCADE_FILE = "haarcascade_frontalface_default.xml"
# Detection runs on a copy this wide at most (PLATFORM.md: ~15 ms at 640x480, scale 1.2).
DETECT_WIDTH = 640
SCALE_FACTOR = 1.1
MIN_NEIGHBOURS = 5
# A face smaller than this fraction of the frame height is not someone at the kiosk.
MIN_FACE_FRACTION = 0.08


@functools.lru_cache(maxsize=1)
def _cascade() -> cv2.CascadeClassifier:
    path = Path(cv2.data.haarcascades) / CASCADE_FILE
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise FileNotFoundError(f"OpenCV's Haar cascade is missing: {path}")
    return cascade


def find_faces(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Face boxes (x, y, width, height) in `image`'s own pixels."""
    height, width = image.shape[:2]
    scale = min(1.0, DETECT_WIDTH / width)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    if scale < 1.0:
        gray = cv2.resize(gray, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    smallest = max(24, round(gray.shape[0] * MIN_FACE_FRACTION))
    boxes = _cascade().detectMultiScale(gray, SCALE_FACTOR, MIN_NEIGHBOURS,
                                        minSize=(smallest, smallest))
    return [tuple(round(v / scale) for v in box) for box in boxes]  # type: ignore[misc]
