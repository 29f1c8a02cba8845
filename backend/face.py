"""Face comparison: a STAND-IN, not a face matcher.

A real back end compares the live image with the photo on file using a certified matcher;
the reference back end cannot ship one. `StandInFaceMatcher` only checks that the live image
is a real picture big enough to hold a face, and answers a fixed score: a match for every
demo person except those seeded with `face_matches = False` (to show the mismatch path).
It never looks at faces. To plug in a real matcher, implement `FaceMatcher` and pass it to
`backend.app.BackendApp(face_matcher=...)`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from PIL import Image, UnidentifiedImageError

from backend.faults import InvalidInput

MATCH_THRESHOLD = Decimal("0.80")
STAND_IN_MATCH_SCORE = Decimal("0.93")
STAND_IN_MISMATCH_SCORE = Decimal("0.21")
MIN_FACE_IMAGE_SIDE = 100  # pixels; smaller cannot hold a face worth comparing
FIELD = "faceImage"


@dataclass(frozen=True)
class FaceResult:
    match: bool
    score: Decimal
    threshold: Decimal


class FaceMatcher(Protocol):
    def compare(self, live_image: bytes, photo_on_file: bytes, expected_to_match: bool) -> FaceResult:
        """Compare a live image with the photo on file. `expected_to_match` is demo data a
        real matcher ignores. Raise InvalidInput("faceImage", ...) for an unusable image."""
        ...


class StandInFaceMatcher:
    """See the module docstring: checks the image, then answers from the demo data."""

    def compare(self, live_image: bytes, photo_on_file: bytes, expected_to_match: bool) -> FaceResult:
        width, height = _image_size(live_image)
        if min(width, height) < MIN_FACE_IMAGE_SIDE:
            raise InvalidInput(FIELD, f"is too small ({width} x {height} px)")
        score = STAND_IN_MATCH_SCORE if expected_to_match else STAND_IN_MISMATCH_SCORE
        return FaceResult(score >= MATCH_THRESHOLD, score, MATCH_THRESHOLD)


def _image_size(data: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG"):
                raise InvalidInput(FIELD, f"must be JPEG or PNG (is {image.format})")
            return image.size
    except (UnidentifiedImageError, OSError):
        raise InvalidInput(FIELD, "is not an image") from None
