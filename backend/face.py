"""Face comparison for the reference back end's CompareFace: dlib's face descriptors.

`DescriptorFaceMatcher` finds the largest face in the live image and the face in the photo on
file, turns each into dlib's 128-number ResNet descriptor (core/face_model.py) and compares
their Euclidean distance with `match_distance` (0.6, the model's published operating point:
99.38 % on LFW). A real hall plugs its certified matcher in by implementing `FaceMatcher`
and passing it to `backend.app.BackendApp(face_matcher=...)`.

The contract's answer has a score and a threshold in 0..1, higher meaning more alike; the
distance is mapped onto it as score = 1 - distance (clamped), threshold = 1 - match_distance,
so `score >= threshold` is exactly `distance <= match_distance`. The distance itself is logged
and kept in `FaceResult.distance`.

Cost on this machine (CPU time, bench/photo_landmarks_speed.py): ~100 ms to find and describe
one face (HOG search at 640 px, 5-point alignment, descriptor). The photo on file does not
change between calls, so its descriptor is cached by the photo's hash: a comparison costs
~100 ms, ~200 ms when the photo on file is new.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from backend.faults import InvalidInput
from core.face_model import (
    DESCRIPTOR_MATCH_DISTANCE,
    DlibDescriber,
    FaceDescriber,
    NoFace,
    describe_largest_face,
    descriptor_distance,
)

log = logging.getLogger(__name__)

MIN_FACE_IMAGE_SIDE = 100  # pixels; smaller cannot hold a face worth comparing
CACHED_PHOTOS = 256
FIELD = "faceImage"


@dataclass(frozen=True)
class FaceResult:
    match: bool
    score: Decimal
    threshold: Decimal
    distance: float | None = None


class FaceMatcher(Protocol):
    def compare(self, live_image: bytes, photo_on_file: bytes) -> FaceResult:
        """Compare a live image with the photo on file. Raise InvalidInput("faceImage", ...)
        for a live image that is not a picture or holds no face."""
        ...


class DescriptorFaceMatcher:
    """See the module docstring. Thread-safe: dlib's network is not, so calls take turns."""

    def __init__(self, match_distance: float = DESCRIPTOR_MATCH_DISTANCE,
                 describer: FaceDescriber | None = None) -> None:
        self.match_distance = match_distance
        self._describer = describer  # dlib's models load on first use (see `describer`)
        self._lock = threading.Lock()
        self._on_file: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def describer(self) -> FaceDescriber:
        """dlib's detector, predictor and network, loaded on first use: about 1 s of CPU that
        would otherwise delay every start of the embedded back end (issue 23). Call with the
        lock held; `warm_up_in_background` loads them once the kiosk is up."""
        if self._describer is None:
            self._describer = DlibDescriber(self.match_distance, upsample=0)
        return self._describer

    def warm_up_in_background(self) -> threading.Thread:
        """Load the models on a daemon thread, so the first citizen's CompareFace does not wait
        for them (a comparison arriving meanwhile waits for the lock, then finds them loaded)."""
        def load() -> None:
            with self._lock:
                _ = self.describer

        thread = threading.Thread(target=load, name="face-models", daemon=True)
        thread.start()
        return thread

    @property
    def threshold(self) -> Decimal:
        return score_of(self.match_distance)

    def compare(self, live_image: bytes, photo_on_file: bytes) -> FaceResult:
        live = decode(live_image)
        with self._lock:
            try:
                live_descriptor = self._descriptor(live)
            except NoFace:
                raise InvalidInput(FIELD, "shows no face") from None
            try:
                on_file = self._on_file_descriptor(photo_on_file)
            except (NoFace, InvalidInput) as problem:
                log.error("CompareFace: the photo on file holds no usable face (%s): no match", problem)
                return FaceResult(False, Decimal("0.000"), self.threshold, None)
        distance = descriptor_distance(live_descriptor, on_file)
        result = FaceResult(distance <= self.match_distance, score_of(distance), self.threshold, distance)
        log.info("CompareFace: distance %.3f (match at <= %.2f): %s", distance, self.match_distance,
                 "match" if result.match else "no match")
        return result

    def _on_file_descriptor(self, photo: bytes) -> np.ndarray:
        key = hashlib.sha256(photo).hexdigest()
        cached = self._on_file.get(key)
        if cached is None:
            cached = self._descriptor(decode(photo))
            self._on_file[key] = cached
            if len(self._on_file) > CACHED_PHOTOS:
                self._on_file.popitem(last=False)
        else:
            self._on_file.move_to_end(key)
        return cached

    def _descriptor(self, rgb: np.ndarray) -> np.ndarray:
        return describe_largest_face(self.describer, rgb)


@functools.cache
def shared_face_matcher(match_distance: float = DESCRIPTOR_MATCH_DISTANCE) -> DescriptorFaceMatcher:
    """One matcher per process and distance: every BackendApp (tests start many) shares the
    loaded models and the cache of photos on file."""
    return DescriptorFaceMatcher(match_distance)


def score_of(distance: float) -> Decimal:
    """The contract's 0..1 score for a descriptor distance (see the module docstring)."""
    return Decimal(f"{min(1.0, max(0.0, 1.0 - distance)):.3f}")


def decode(data: bytes) -> np.ndarray:
    """An RGB array of a JPEG or PNG; InvalidInput for anything else or a too small picture."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG"):
                raise InvalidInput(FIELD, f"must be JPEG or PNG (is {image.format})")
            width, height = image.size
            if min(width, height) < MIN_FACE_IMAGE_SIDE:
                raise InvalidInput(FIELD, f"is too small ({width} x {height} px)")
            return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
    except (UnidentifiedImageError, OSError):
        raise InvalidInput(FIELD, "is not an image") from None
