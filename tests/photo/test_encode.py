"""JPEG encoding into the spec's byte window (bisection on quality) and the dpi header."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from photo.encode import encode, encode_in_window, read_dpi, with_dpi
from photo.problems import FileSizeOutOfWindow


@pytest.fixture(scope="module")
def photo(good_capture) -> np.ndarray:
    return cv2.resize(good_capture[150:700, 430:850], (354, 472), interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize(("low", "high"), [(20480, 80000), (20480, 30000), (12000, 16000)])
def test_the_file_lands_in_the_window_at_the_best_quality(photo, low, high):
    encoded = encode_in_window(photo, low, high, dpi=300)
    assert low <= encoded.size <= high
    if encoded.quality < 100:  # one step better would not fit
        assert len(encode(photo, encoded.quality + 1, encoded.subsampled)) > high


def test_the_dpi_is_written_without_changing_the_size(photo):
    data = encode(photo, 90)
    stamped = with_dpi(data, 300)
    assert len(stamped) == len(data) and read_dpi(stamped) == 300
    assert cv2.imdecode(np.frombuffer(stamped, np.uint8), cv2.IMREAD_COLOR).shape == photo.shape


@pytest.fixture(scope="module")
def plain() -> np.ndarray:
    image = np.full((472, 354, 3), (250, 250, 250), np.uint8)
    cv2.putText(image, "A", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 6, (20, 60, 200), 12)
    return image


def test_a_plain_image_gets_full_chroma_to_reach_the_minimum(plain):
    subsampled_max = len(encode(plain, 100))
    full_chroma_max = len(encode(plain, 100, subsampled=False))
    assert full_chroma_max > subsampled_max
    minimum = (subsampled_max + full_chroma_max) // 2
    encoded = encode_in_window(plain, minimum, full_chroma_max, dpi=300)
    assert not encoded.subsampled and minimum <= encoded.size <= full_chroma_max


def test_a_minimum_beyond_any_quality_is_refused_with_the_size(plain):
    full_chroma_max = len(encode(plain, 100, subsampled=False))
    with pytest.raises(FileSizeOutOfWindow) as refused:
        encode_in_window(plain, full_chroma_max * 2, full_chroma_max * 3, dpi=300)
    assert refused.value.size_bytes < refused.value.min_bytes


def test_a_window_too_small_for_any_quality_is_refused_with_the_size(photo):
    with pytest.raises(FileSizeOutOfWindow) as refused:
        encode_in_window(photo, 100, 2000, dpi=300)
    assert refused.value.size_bytes > 2000 and refused.value.max_bytes == 2000
