"""Sample portraits built from scikit-image's bundled astronaut photo (no download).

Tests, benchmarks and demos need real faces in known poses on known backgrounds. The
astronaut portrait is a real face but stands before a flag and a spacecraft, so this module
cuts the person out once and composes her onto any background, at any size, position and
tilt. How the cut-out is made: GrabCut (OpenCV) on a half-size copy, seeded with "surely
person" ellipses on the face and the torso and "surely background" on the image sides and
the spacecraft corner; the mask's holes are filled and its edge feathered, so the hair
blends into the new background without a halo of the old one.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cv2
import numpy as np

# Head of the astronaut in the original 512 x 512 image (looked up once by eye and with the
# Haar face box 177,66,95,95): crown (top of the hair), chin and the face's vertical axis.
CROWN_Y = 15.0
CHIN_Y = 175.0
HEAD_AXIS_X = 224.0
HEAD_CENTRE = (HEAD_AXIS_X, (CROWN_Y + CHIN_Y) / 2)
HEAD_HEIGHT = CHIN_Y - CROWN_Y
# Her face (cheek to cheek, brow to chin) as an ellipse: centre x, centre y, half width,
# half height. Turning the head moves what is inside it; the outline stays.
FACE_ELLIPSE = (224.0, 125.0, 42.0, 62.0)
GRABCUT_ITERATIONS = 5
FEATHER_SIGMA = 1.2
# She smiles with her lips apart (inner-lip gap 0.17 of the mouth's width), which the photo
# guide refuses ("mouth closed"). The samples close her lips: each column between the mouth
# corners is stretched so the lower lip's inner edge meets the upper lip's, the chin fixed
# below. Inner-lip edges (x, y) from dlib's 68 landmarks 60-67 on the 512 x 512 original.
UPPER_INNER_LIP = ((203.0, 141.0), (218.0, 143.0), (224.0, 144.0), (229.0, 144.0), (243.0, 142.0))
LOWER_INNER_LIP = ((203.0, 141.0), (217.0, 150.0), (223.0, 151.0), (229.0, 150.0), (243.0, 142.0))
LIPS_FIXED_BELOW = 162.0  # rows below this (the chin) do not move


@dataclass(frozen=True)
class Cutout:
    """The astronaut's colours and a 0..1 opacity mask of the same size."""

    bgr: np.ndarray
    alpha: np.ndarray


def astronaut_bgr() -> np.ndarray:
    """Her original photograph (lips apart in a smile)."""
    from skimage import data

    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


def lips_closed(image: np.ndarray) -> np.ndarray:
    """The 512 x 512 astronaut with her lips closed (see UPPER_INNER_LIP)."""
    height, width = image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    columns = np.arange(width, dtype=np.float32)
    upper = np.interp(columns, *zip(*UPPER_INNER_LIP))
    lower = np.interp(columns, *zip(*LOWER_INNER_LIP))
    lower = np.maximum(lower, upper)[None, :]
    upper = upper[None, :]
    inside = (ys >= upper) & (ys < LIPS_FIXED_BELOW)
    stretched = lower + (ys - upper) * (LIPS_FIXED_BELOW - lower) / np.maximum(LIPS_FIXED_BELOW - upper, 1.0)
    map_y = np.where(inside, stretched, ys).astype(np.float32)
    return cv2.remap(image, xs, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


@functools.lru_cache(maxsize=1)
def astronaut_cutout() -> Cutout:
    """The astronaut without her background (computed once per process, ~0.5 s)."""
    image = astronaut_bgr()
    small = cv2.resize(image, (256, 256), interpolation=cv2.INTER_AREA)
    mask = np.full(small.shape[:2], cv2.GC_BGD, np.uint8)
    mask[:, 45:200] = cv2.GC_PR_BGD
    cv2.ellipse(mask, (112, 50), (35, 45), 0, 0, 360, cv2.GC_PR_FGD, -1)
    cv2.rectangle(mask, (60, 90), (195, 256), cv2.GC_PR_FGD, -1)
    cv2.ellipse(mask, (112, 55), (20, 28), 0, 0, 360, cv2.GC_FGD, -1)
    cv2.rectangle(mask, (70, 120), (170, 256), cv2.GC_FGD, -1)
    background_model = np.zeros((1, 65), np.float64)
    foreground_model = np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)
    cv2.grabCut(small, mask, None, background_model, foreground_model, GRABCUT_ITERATIONS,
                cv2.GC_INIT_WITH_MASK)
    person = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8)
    person = _largest_component_filled(person)
    alpha = cv2.resize(person.astype(np.float32), (512, 512), interpolation=cv2.INTER_LINEAR)
    alpha = cv2.GaussianBlur(alpha, (0, 0), FEATHER_SIGMA)
    return Cutout(lips_closed(image), np.clip(alpha, 0.0, 1.0))


def _largest_component_filled(mask: np.ndarray) -> np.ndarray:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(mask)
    if contours:
        biggest = max(contours, key=cv2.contourArea)
        cv2.drawContours(filled, [biggest], -1, 1, thickness=-1)
    return filled


def plain_background(size: tuple[int, int], bgr: tuple[int, int, int] = (250, 250, 250)) -> np.ndarray:
    width, height = size
    return np.full((height, width, 3), bgr, np.uint8)


def gradient_background(size: tuple[int, int], left: int, right: int) -> np.ndarray:
    """A grey ramp from left to right (an unevenly lit backdrop)."""
    width, height = size
    ramp = np.linspace(left, right, width, dtype=np.float32)
    return np.repeat(np.tile(ramp, (height, 1))[:, :, None], 3, axis=2).astype(np.uint8)


def busy_background(size: tuple[int, int]) -> np.ndarray:
    """A cluttered scene: scikit-image's coffee-cup photo stretched over the canvas."""
    from skimage import data

    scene = cv2.cvtColor(data.coffee(), cv2.COLOR_RGB2BGR)
    return cv2.resize(scene, size, interpolation=cv2.INTER_LINEAR)


def compose(background: np.ndarray, head_height: float, head_centre: tuple[float, float],
            roll_degrees: float = 0.0, yaw_degrees: float = 0.0, pitch_degrees: float = 0.0,
            cutout: Cutout | None = None) -> np.ndarray:
    """Put the astronaut on `background` with her chin-to-crown `head_height` pixels tall,
    the middle of her head at `head_centre` (pixels), tilted by `roll_degrees` (positive:
    clockwise on screen, her head leaning towards the image's right), turned by
    `yaw_degrees` (positive: her face towards the image's right) and nodded by
    `pitch_degrees` (positive: chin up), the last two by the cylinder stand-in below."""
    cutout = cutout or astronaut_cutout()
    person = cutout.bgr
    if yaw_degrees:
        person = turned(person, FACE_ELLIPSE, yaw_degrees, horizontal=True)
    if pitch_degrees:
        person = turned(person, FACE_ELLIPSE, -pitch_degrees, horizontal=False)
    scale = head_height / HEAD_HEIGHT
    height, width = background.shape[:2]
    # One affine map: scale and rotate about the head centre, then move it to head_centre.
    matrix = cv2.getRotationMatrix2D(HEAD_CENTRE, -roll_degrees, scale)
    matrix[0, 2] += head_centre[0] - HEAD_CENTRE[0]
    matrix[1, 2] += head_centre[1] - HEAD_CENTRE[1]
    person = cv2.warpAffine(person, matrix, (width, height), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    # The cut-out ends at the bottom of the original photo: continue the torso downwards so a
    # small or high head does not leave the body floating.
    alpha = cv2.warpAffine(_alpha_extended_downwards(cutout.alpha), matrix, (width, height),
                           flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    alpha = alpha[:, :, None]
    mixed = person.astype(np.float32) * alpha + background.astype(np.float32) * (1.0 - alpha)
    return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)


def _alpha_extended_downwards(alpha: np.ndarray) -> np.ndarray:
    """The bottom rows repeat under BORDER_REPLICATE; above the image the mask must stay 0."""
    padded = alpha.copy()
    padded[0, :] = 0.0
    padded[:, 0] = 0.0
    padded[:, -1] = 0.0
    return padded


def capture(size: tuple[int, int] = (1280, 720), head_fraction: float = 0.5,
            centre: tuple[float, float] = (0.5, 0.42), roll_degrees: float = 0.0,
            yaw_degrees: float = 0.0, pitch_degrees: float = 0.0,
            background: np.ndarray | None = None) -> np.ndarray:
    """A camera-like capture: head `head_fraction` of the frame height, head centre at
    `centre` (fractions of width and height), on a near-white backdrop by default."""
    width, height = size
    backdrop = plain_background(size) if background is None else background
    return compose(backdrop, head_fraction * height, (centre[0] * width, centre[1] * height),
                   roll_degrees, yaw_degrees, pitch_degrees)


def two_people(size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """Two astronauts side by side on the near-white backdrop, the second a little behind."""
    width, height = size
    scene = compose(plain_background(size), 0.42 * height, (0.3 * width, 0.42 * height))
    return compose(scene, 0.36 * height, (0.72 * width, 0.40 * height))


def turned(image: np.ndarray, ellipse: tuple[float, float, float, float], degrees: float,
           horizontal: bool) -> np.ndarray:
    """A 2-D stand-in for turning a head in 3-D: what lies inside `ellipse` (centre x, centre y,
    half width, half height) is mapped onto a cylinder and turned about its vertical axis
    (`horizontal`) or horizontal axis, so features near the middle move by radius*sin(angle)
    while the outline stays; the warp fades out just beyond the ellipse. Positive moves the
    features towards larger x (or y)."""
    height, width = image.shape[:2]
    centre_x, centre_y, half_w, half_h = ellipse
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    dx, dy = xs - centre_x, ys - centre_y
    offset, radius = (dx, half_w) if horizontal else (dy, half_h)
    # Output offset u = R sin(phi + t), so the source offset is R sin(asin(u/R) - t).
    phi = np.arcsin(np.clip(offset / radius, -1.0, 1.0)) - math.radians(degrees)
    source = radius * np.sin(np.clip(phi, -math.pi / 2, math.pi / 2))
    reach = np.sqrt((dx / half_w) ** 2 + (dy / half_h) ** 2)
    weight = np.clip((1.3 - reach) / 0.3, 0.0, 1.0)
    moved = (source - offset) * weight
    map_x = xs + moved if horizontal else xs
    map_y = ys if horizontal else ys + moved
    return cv2.remap(image, map_x.astype(np.float32), map_y.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)
