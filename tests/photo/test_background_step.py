"""The background step alone: measures on output-sized images, whitening, residue."""

from __future__ import annotations

import cv2
import numpy as np

from photo import background
from photo.background import HeadLayout

WIDTH, HEIGHT = 354, 472
# A head as the crop step places it: axis in the middle, crown at 9 %, chin at 84 %.
LAYOUT = HeadLayout(axis_x=177, crown_y=42, eye_y=228, chin_y=396, eye_distance=98)


def portrait(backdrop: np.ndarray) -> np.ndarray:
    """A flat stand-in head (skin-coloured ellipse, dark hair cap) on `backdrop`."""
    image = backdrop.copy()
    cv2.ellipse(image, (177, 200), (125, 160), 0, 0, 360, (40, 60, 90), -1)  # hair
    cv2.ellipse(image, (177, 260), (95, 135), 0, 0, 360, (150, 170, 215), -1)  # face
    cv2.rectangle(image, (40, 400), (314, 472), (90, 60, 40), -1)  # shoulders
    return image


def flat(bgr) -> np.ndarray:
    return np.full((HEIGHT, WIDTH, 3), bgr, np.uint8)


def test_a_near_white_backdrop_is_light_even_plain_and_whitened():
    image = portrait(flat((232, 234, 236)))
    backdrop = background.analyse(image, LAYOUT)
    assert backdrop.stats.lightness > 90 and backdrop.stats.chroma < 3
    assert backdrop.stats.unevenness < 2 and backdrop.stats.clutter < 0.01
    white = background.whiten(image, backdrop, (255, 255, 255))
    assert white[5, 5].tolist() == [255, 255, 255] and white[200, 5].tolist() == [255, 255, 255]
    assert np.abs(white[260, 177].astype(int) - image[260, 177]).max() <= 1  # the face is untouched
    assert background.residue(white, backdrop, (255, 255, 255)) == 0.0


def test_a_grey_backdrop_reads_dark():
    stats = background.analyse(portrait(flat((120, 120, 120))), LAYOUT).stats
    assert stats.lightness < 60


def test_a_shadow_reads_uneven():
    backdrop = flat((240, 240, 240))
    backdrop[:, 270:] = (185, 185, 185)
    stats = background.analyse(portrait(backdrop), LAYOUT).stats
    assert stats.unevenness > 15


def test_objects_at_the_border_read_as_clutter_but_hair_does_not():
    clean = portrait(flat((240, 240, 240)))
    wide_hair = clean.copy()
    cv2.ellipse(wide_hair, (177, 200), (180, 150), 0, 0, 360, (40, 60, 90), -1)  # hair to the edges
    cv2.ellipse(wide_hair, (177, 260), (95, 135), 0, 0, 360, (150, 170, 215), -1)
    assert background.analyse(wide_hair, LAYOUT).stats.clutter < 0.02
    cluttered = clean.copy()
    for y in range(0, 300, 24):  # a shelf of objects along the left edge and above the head
        cv2.rectangle(cluttered, (0, y), (20, y + 12), (30, 120, 200), -1)
        cv2.rectangle(cluttered, (y, 0), (y + 12, 16), (200, 40, 40), -1)
    assert background.analyse(cluttered, LAYOUT).stats.clutter > 0.2


def test_mottling_left_after_whitening_is_residue():
    rng = np.random.default_rng(1)
    clouds = cv2.GaussianBlur(rng.normal(0, 1, (HEIGHT, WIDTH)).astype(np.float32), (0, 0), 12)
    mottled = np.clip(225 + clouds / clouds.std() * 14, 0, 255).astype(np.uint8)
    image = portrait(cv2.merge([mottled] * 3))
    backdrop = background.analyse(image, LAYOUT)
    white = background.whiten(image, backdrop, (255, 255, 255))
    assert background.residue(white, backdrop, (255, 255, 255)) > 0.01
