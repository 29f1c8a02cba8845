"""The exit-entry ID photo's digital form (../shared/DOMAIN.md section 1), as the back end checks it.

The kiosk's photo pipeline makes the photo; the back end only refuses files that cannot be
the compliant digital photo, naming what is wrong.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from backend.faults import InvalidInput

MIN_BYTES = 20 * 1024
MAX_BYTES = 80 * 1024
WIDTH_RANGE = (354, 480)
HEIGHT_RANGE = (472, 640)
ASPECT = 3 / 4
ASPECT_TOLERANCE = 0.02
FIELD = "photo"


@dataclass(frozen=True)
class PhotoFacts:
    width: int
    height: int
    size: int


def check_photo(data: bytes) -> PhotoFacts:
    """Measure the photo, or raise InvalidInput("photo", what is wrong)."""
    if not MIN_BYTES <= len(data) <= MAX_BYTES:
        raise InvalidInput(FIELD, f"must be {MIN_BYTES // 1024}-{MAX_BYTES // 1024} KB (is {len(data) // 1024} KB)")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height), mode = image.format, image.size, image.mode
    except (UnidentifiedImageError, OSError):
        raise InvalidInput(FIELD, "is not an image") from None
    if kind != "JPEG":
        raise InvalidInput(FIELD, f"must be JPEG (is {kind})")
    if mode != "RGB":
        raise InvalidInput(FIELD, f"must be 24-bit colour (is {mode})")
    if not (WIDTH_RANGE[0] <= width <= WIDTH_RANGE[1] and HEIGHT_RANGE[0] <= height <= HEIGHT_RANGE[1]):
        raise InvalidInput(FIELD, f"must be {WIDTH_RANGE[0]}-{WIDTH_RANGE[1]} x "
                                  f"{HEIGHT_RANGE[0]}-{HEIGHT_RANGE[1]} px (is {width} x {height})")
    if abs(width / height - ASPECT) > ASPECT_TOLERANCE:
        raise InvalidInput(FIELD, f"must be 3:4 (is {width} x {height})")
    return PhotoFacts(width, height, len(data))
