"""Step 7, encode: a JPEG inside the spec's byte window, at the best quality that fits.

File size grows with JPEG quality (not strictly, but near enough for a bisection), so the
highest quality at or under the maximum is found in about seven encodes of a small image.
If even the best quality is under the minimum (a very plain picture), chroma is no longer
subsampled (4:4:4), which adds bytes honestly, with more colour detail rather than padding.
The JFIF header gets the spec's dots per inch, which OpenCV leaves at 1:1.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass

import cv2
import numpy as np

from photo.problems import FileSizeOutOfWindow

log = logging.getLogger(__name__)

LOWEST_QUALITY = 30  # below this the face shows blocks; better to refuse than to ship it
HIGHEST_QUALITY = 100
JFIF_HEADER = b"\xff\xd8\xff\xe0"
JFIF_UNITS_OFFSET = 13  # SOI(2) APP0 marker(2) length(2) "JFIF\0"(5) version(2)
DOTS_PER_INCH = 1


@dataclass(frozen=True)
class EncodedJpeg:
    data: bytes
    quality: int
    subsampled: bool

    @property
    def size(self) -> int:
        return len(self.data)


def encode(image: np.ndarray, quality: int, subsampled: bool = True) -> bytes:
    params = [cv2.IMWRITE_JPEG_QUALITY, quality]
    if not subsampled:
        params += [cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444]
    ok, buffer = cv2.imencode(".jpg", image, params)
    if not ok:
        raise ValueError("OpenCV could not encode the image as JPEG")
    return buffer.tobytes()


def encode_in_window(image: np.ndarray, min_bytes: int, max_bytes: int, dpi: int) -> EncodedJpeg:
    """The highest-quality JPEG of `image` whose size is within [min_bytes, max_bytes].

    Raises FileSizeOutOfWindow with the nearest size reached when no quality fits.
    """
    best = _highest_quality_under(image, max_bytes, subsampled=True)
    if best is not None and best.size < min_bytes:
        fuller = _highest_quality_under(image, max_bytes, subsampled=False)
        if fuller is not None and fuller.size > best.size:
            best = fuller
    if best is None:
        smallest = encode(image, LOWEST_QUALITY)
        raise FileSizeOutOfWindow(len(smallest), min_bytes, max_bytes)
    if best.size < min_bytes:
        raise FileSizeOutOfWindow(best.size, min_bytes, max_bytes)
    return EncodedJpeg(with_dpi(best.data, dpi), best.quality, best.subsampled)


def _highest_quality_under(image: np.ndarray, max_bytes: int, subsampled: bool) -> EncodedJpeg | None:
    low, high = LOWEST_QUALITY, HIGHEST_QUALITY
    best: EncodedJpeg | None = None
    while low <= high:
        quality = (low + high) // 2
        data = encode(image, quality, subsampled)
        if len(data) <= max_bytes:
            best = EncodedJpeg(data, quality, subsampled)
            low = quality + 1
        else:
            high = quality - 1
    return best


def with_dpi(data: bytes, dpi: int) -> bytes:
    """Write `dpi` into the JFIF APP0 header (same length, so the size window still holds)."""
    if not data.startswith(JFIF_HEADER) or data[6:11] != b"JFIF\x00":
        log.warning("JPEG has no JFIF header; resolution not written")
        return data
    density = struct.pack(">BHH", DOTS_PER_INCH, dpi, dpi)
    return data[:JFIF_UNITS_OFFSET] + density + data[JFIF_UNITS_OFFSET + len(density):]


def read_dpi(data: bytes) -> int | None:
    """The horizontal dots per inch of a JFIF header, None when absent or not in inches."""
    if not data.startswith(JFIF_HEADER) or data[6:11] != b"JFIF\x00":
        return None
    units, x_density, _ = struct.unpack(">BHH", data[JFIF_UNITS_OFFSET:JFIF_UNITS_OFFSET + 5])
    return x_density if units == DOTS_PER_INCH else None
