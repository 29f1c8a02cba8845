"""Step 2, measure: head size and position, sharpness and exposure of one face.

The pipeline and the live guide take the eye line, pose, eyes, mouth and chin from the 68
landmarks (photo/landmarks.py). What is left here works from a face box, eye centres and
pixels; the Haar-only pose estimates below are kept for bench/photo_mediapipe_compare.py,
which compares them with MediaPipe's, and are no longer used by the kiosk. Their limits:

- Chin: without landmarks (live framing), placed `CHIN_BELOW_EYES` eye distances below the
  eye line (adult average ~1.65-1.75); the still uses the chin landmark.
- Crown: found as the top of the head's outline against a plain backdrop (hair included,
  capped at `CROWN_MAX_ABOVE_EYES`); without a plain backdrop above the head it falls back
  to `CROWN_ABOVE_EYES`.
- Yaw: the face's skin span left and right of the eye midpoint at cheek height; turning the
  head moves the features towards one cheek (span ratio = sin(yaw) for a cylinder-like
  head). Hair over one cheek, a strong side light or a skin-coloured backdrop skew or void it.
  Good to roughly +-5 degrees on the stand-in tests; treat it as a gross-turn detector.
- Pitch: only a raised chin is seen (the eye line nears the top of the outline); a lowered
  chin cannot be told from tall hair with these cues, so it is not detected. The live guide
  asks the citizen to look into the lens instead.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cv2
import numpy as np

from photo.geometry import Box, EyePair, Point

# Average adult proportions, in eye distances (centre to centre) from the eye line.
CHIN_BELOW_EYES = 1.7
CROWN_ABOVE_EYES = 1.9
# The crown used for sizing is the outline's top kept between these: hair counts up to a point,
# and an outline lower than a skull is white hair on a white backdrop, not a small head.
CROWN_MIN_ABOVE_EYES = 1.8
CROWN_MAX_ABOVE_EYES = 2.35
# The outline is searched down to here, to see a raised chin.
OUTLINE_LOWEST_ABOVE_EYES = 1.3
# Half the head's depth in eye distances (~95 mm / 63 mm): the lever of a nod.
HEAD_RADIUS = 1.5
# Where a Haar frontal face box puts the eyes, used when the eyes themselves are not found.
EYE_LINE_IN_FACE_BOX = 0.38
EYE_DISTANCE_IN_FACE_BOX = 0.45

# The head patch: level, scaled so the eye distance is NORM_EYE_DISTANCE pixels.
NORM_EYE_DISTANCE = 48.0
PATCH_HALF_WIDTH = 3.0  # eye distances either side of the eye midpoint
PATCH_ABOVE = 3.2  # eye distances above the eye line
PATCH_BELOW = 3.0
# The backdrop colour is sampled above the eye line outside an ellipse that holds any head
# with its hair (centre and half axes in eye distances), wherever the capture has pixels:
# a wide capture gives plenty, an already-cropped ID photo its top strip and upper corners.
BACKDROP_EXCLUDED_CENTRE = 0.1  # eye distances above the eye line
BACKDROP_EXCLUDED_HALF_AXES = (1.65, 2.45)
BACKDROP_LOWEST_ABOVE_EYES = 0.3
BACKDROP_MIN_PIXELS = 60  # every other pixel at NORM_EYE_DISTANCE scale (~0.1 square eye distances)
BACKDROP_MAX_SPREAD = 6.0  # median distance from the median colour
# Colour distances in this module are in OpenCV's 8-bit Lab units (L* scaled to 0-255).
OUTLINE_DISTANCE = 14.0  # distance from the backdrop that counts as head
OUTLINE_HALF_WIDTH = 0.5  # the outline's top is searched this close to the head's axis
OUTLINE_FILL = 0.5  # share of that band that must be head

# Skin span for the yaw estimate, in eye distances below the eye line.
SKIN_SAMPLE = (0.35, 0.8)
SKIN_SAMPLE_HALF_WIDTH = 0.25
SKIN_ROWS = (0.15, 0.45)
SKIN_DISTANCE = 18.0  # distance (lightness half-weighted) still counted as skin
SKIN_GAP = 7  # pixels of non-skin that end the span (a crease, a freckle, a nostril do not)

# Sharpness and tone are measured on the face box's centre, resized to this width.
TONE_REGION = (0.2, 0.25, 0.8, 0.95)  # x0, y0, x1, y1 as fractions of the face box
SHARPNESS_REGION = (0.15, 0.15, 0.85, 0.9)
SHARPNESS_FACE_WIDTH = 128
SHARPNESS_NORMAL_STD = 40.0  # contrast the patch is stretched to before the Laplacian
CLIP_HIGH = 250
CLIP_LOW = 5


@dataclass(frozen=True)
class FaceGeometry:
    """Eye line of one face: from the eyes, or estimated from the face box when they were not found."""

    eyes: EyePair
    from_eyes: bool

    @classmethod
    def from_face_box(cls, face: Box) -> FaceGeometry:
        half = EYE_DISTANCE_IN_FACE_BOX * face.w / 2
        y = face.y + EYE_LINE_IN_FACE_BOX * face.h
        centre = face.x + face.w / 2
        return cls(EyePair(Point(centre - half, y), Point(centre + half, y)), from_eyes=False)

    @property
    def midpoint(self) -> Point:
        return self.eyes.midpoint

    @property
    def eye_distance(self) -> float:
        return self.eyes.distance

    @property
    def roll_degrees(self) -> float:
        return self.eyes.roll_degrees if self.from_eyes else 0.0


@dataclass(frozen=True)
class HeadExtent:
    """Crown and chin as distances above and below the (level) eye line, in eye distances;
    `outline_above` is the head outline's top as seen (None without a plain backdrop)."""

    crown_above: float
    chin_below: float
    outline_above: float | None
    top_cut: bool = False  # the capture's top edge cuts through the head

    @property
    def crown_from_outline(self) -> bool:
        return self.outline_above is not None

    @property
    def height(self) -> float:
        return self.crown_above + self.chin_below


@dataclass(frozen=True)
class HeadPatch:
    """The head, levelled and scaled to a fixed eye distance, and which pixels came from the image."""

    bgr: np.ndarray
    valid: np.ndarray
    eye_row: float
    axis_col: float


@dataclass(frozen=True)
class FaceTone:
    brightness: float
    contrast: float
    clipped_fraction: float
    too_dark_side: bool  # of the clipped pixels, more were black than white


def head_patch(image: np.ndarray, geometry: FaceGeometry) -> HeadPatch:
    """Cut the head out level and at a fixed scale, so later measures need no scale or angle."""
    scale = NORM_EYE_DISTANCE / geometry.eye_distance
    width = int(round(2 * PATCH_HALF_WIDTH * NORM_EYE_DISTANCE))
    height = int(round((PATCH_ABOVE + PATCH_BELOW) * NORM_EYE_DISTANCE))
    eye_row = PATCH_ABOVE * NORM_EYE_DISTANCE
    axis_col = width / 2
    mid = geometry.midpoint
    matrix = cv2.getRotationMatrix2D((mid.x, mid.y), geometry.roll_degrees, scale)
    matrix[0, 2] += axis_col - mid.x
    matrix[1, 2] += eye_row - mid.y
    patch = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)
    inside = np.full(image.shape[:2], 255, np.uint8)
    valid = cv2.warpAffine(inside, matrix, (width, height), flags=cv2.INTER_NEAREST,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=0) > 0
    return HeadPatch(patch, valid, eye_row, axis_col)


def head_extent(patch: HeadPatch) -> HeadExtent:
    """Crown from the head's outline against the backdrop when there is one, else proportions;
    also whether the capture's top edge cuts through the head (then no crop can fix it)."""
    lab = cv2.cvtColor(patch.bgr, cv2.COLOR_BGR2Lab).astype(np.float32)
    backdrop = _backdrop_colour(lab, patch)
    cut = _top_cut(lab, patch, backdrop)
    outline = None if backdrop is None or cut else _outline_top(lab, patch, backdrop)
    if outline is None:
        return HeadExtent(CROWN_ABOVE_EYES, CHIN_BELOW_EYES, None, top_cut=cut)
    crown = min(max(outline, CROWN_MIN_ABOVE_EYES), CROWN_MAX_ABOVE_EYES)
    return HeadExtent(crown, CHIN_BELOW_EYES, outline)


def _top_cut(lab: np.ndarray, patch: HeadPatch, backdrop: np.ndarray | None) -> bool:
    """The capture's top edge, above the eyes, is below any crown or runs through hair."""
    unit = NORM_EYE_DISTANCE
    axis = int(patch.axis_col)
    inside = np.flatnonzero(patch.valid[:, axis])
    if len(inside) == 0 or inside[0] == 0:
        return False  # the capture reaches above the patch: the whole head is in it
    edge = int(inside[0])
    if edge > patch.eye_row - CROWN_MIN_ABOVE_EYES * unit:
        return True
    if backdrop is None or edge > patch.eye_row - OUTLINE_LOWEST_ABOVE_EYES * unit:
        return False
    half = int(OUTLINE_HALF_WIDTH * unit)
    distance = np.linalg.norm(lab[edge, axis - half:axis + half] - backdrop, axis=1)
    return bool((distance > OUTLINE_DISTANCE).mean() >= OUTLINE_FILL)


def _outline_top(lab: np.ndarray, patch: HeadPatch, backdrop: np.ndarray) -> float:
    """Top of the head's outline against a plain backdrop, in eye distances above the eye line."""
    unit = NORM_EYE_DISTANCE
    first = int(patch.eye_row - CROWN_MAX_ABOVE_EYES * unit)
    last = int(patch.eye_row - OUTLINE_LOWEST_ABOVE_EYES * unit)
    half = int(OUTLINE_HALF_WIDTH * unit)
    column = slice(int(patch.axis_col) - half, int(patch.axis_col) + half)
    distance = np.linalg.norm(lab[first:last, column] - backdrop, axis=2)
    head_share = (distance > OUTLINE_DISTANCE).mean(axis=1)
    rows = np.flatnonzero(head_share >= OUTLINE_FILL)
    if len(rows) == 0:
        return OUTLINE_LOWEST_ABOVE_EYES  # as light as the backdrop down to the forehead
    return (patch.eye_row - (first + rows[0])) / unit


def _backdrop_colour(lab: np.ndarray, patch: HeadPatch) -> np.ndarray | None:
    """Median L*a*b* of the backdrop around the head; None when too little of it is visible or
    it is not plain (then the outline cannot be told from the clutter)."""
    pixels = lab[::2, ::2][_backdrop_zone(lab.shape[:2])[::2, ::2] & patch.valid[::2, ::2]]
    if len(pixels) < BACKDROP_MIN_PIXELS:
        return None
    colour = np.median(pixels, axis=0)
    if np.median(np.linalg.norm(pixels - colour, axis=1)) > BACKDROP_MAX_SPREAD:
        return None
    return colour


@functools.lru_cache(maxsize=2)
def _backdrop_zone(shape: tuple[int, int]) -> np.ndarray:
    height, width = shape
    unit = NORM_EYE_DISTANCE
    eye_row = PATCH_ABOVE * unit
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
    half_w, half_h = BACKDROP_EXCLUDED_HALF_AXES
    reach = np.hypot((cols - width / 2) / (half_w * unit),
                     (rows - (eye_row - BACKDROP_EXCLUDED_CENTRE * unit)) / (half_h * unit))
    zone = (reach > 1.0) & (rows < eye_row - BACKDROP_LOWEST_ABOVE_EYES * unit)
    zone.flags.writeable = False
    return zone


def estimate_yaw(patch: HeadPatch) -> float | None:
    """Degrees the face is turned (positive: towards the image's right); None when unmeasurable."""
    lab = cv2.cvtColor(patch.bgr, cv2.COLOR_BGR2Lab).astype(np.float32)
    unit = NORM_EYE_DISTANCE
    half = int(SKIN_SAMPLE_HALF_WIDTH * unit)
    axis = int(patch.axis_col)
    sample = lab[int(patch.eye_row + SKIN_SAMPLE[0] * unit):int(patch.eye_row + SKIN_SAMPLE[1] * unit),
                 axis - half:axis + half].reshape(-1, 3)
    skin = np.median(sample, axis=0)
    rows = lab[int(patch.eye_row + SKIN_ROWS[0] * unit):int(patch.eye_row + SKIN_ROWS[1] * unit)]
    difference = rows - skin
    difference[..., 0] *= 0.5  # shading darkens the cheeks' sides; colour matters more
    is_skin = np.linalg.norm(difference, axis=2) < SKIN_DISTANCE
    ratios = []
    for row in is_skin:
        span = _run_around(row, axis)
        if span is None:
            continue
        start, end = span
        if start == 0 or end == len(row):
            continue  # skin runs to the patch edge: backdrop or clothes look like skin
        left, right = axis - start, end - axis
        ratios.append((left - right) / (left + right))
    if len(ratios) < 0.5 * len(is_skin):
        return None
    return math.degrees(math.asin(float(np.clip(np.median(ratios), -1.0, 1.0))))


def _run_around(row: np.ndarray, centre: int) -> tuple[int, int] | None:
    """The skin run through `centre`, bridging gaps shorter than SKIN_GAP pixels."""
    if not row[centre]:
        return None
    start = centre
    gap = 0
    while start > 0 and gap < SKIN_GAP:
        start -= 1
        gap = 0 if row[start] else gap + 1
    start += gap
    end = centre
    gap = 0
    while end < len(row) - 1 and gap < SKIN_GAP:
        end += 1
        gap = 0 if row[end] else gap + 1
    end = end - gap + 1
    return start, end


def estimate_pitch_up(extent: HeadExtent) -> float | None:
    """Degrees the chin is raised, from how close the eye line comes to the outline's top.

    None without an outline. Only upward nods are seen (see the module's docstring).
    """
    if extent.outline_above is None:
        return None
    lift = (CROWN_ABOVE_EYES - extent.outline_above) / HEAD_RADIUS
    return math.degrees(math.asin(float(np.clip(lift, 0.0, 1.0))))


def face_region(gray: np.ndarray, face: Box, region: tuple[float, float, float, float]) -> np.ndarray:
    x0, y0, x1, y1 = region
    box = Box(face.x + x0 * face.w, face.y + y0 * face.h, (x1 - x0) * face.w, (y1 - y0) * face.h)
    rows, cols = box.clipped_slices(gray.shape)
    return gray[rows, cols]


def face_tone(gray: np.ndarray, face: Box) -> FaceTone:
    """Brightness, spread and clipping of the face's centre (cheeks, nose, mouth, eyes)."""
    pixels = face_region(gray, face, TONE_REGION)
    if pixels.size == 0:
        return FaceTone(0.0, 0.0, 1.0, True)
    low, high = np.percentile(pixels, (5, 95))
    dark = float(np.mean(pixels <= CLIP_LOW))
    bright = float(np.mean(pixels >= CLIP_HIGH))
    return FaceTone(float(pixels.mean()), float(high - low), dark + bright, dark > bright)


def sharpness(gray: np.ndarray, face: Box) -> float:
    """Variance of the Laplacian on the face, at a fixed size and contrast, taken direction
    by direction: 2 * min(var(d2/dx2), var(d2/dy2)), which equals the Laplacian's variance on
    an evenly sharp face but drops with motion blur, which smears only one direction.

    Fixing size makes a near face and a far one comparable (the value tracks the blur the
    output will show); fixing contrast keeps a dim but sharp face from reading as blurred
    (exposure has its own check).
    """
    pixels = face_region(gray, face, SHARPNESS_REGION)
    if pixels.size == 0:
        return 0.0
    scale = SHARPNESS_FACE_WIDTH / (face.w * (SHARPNESS_REGION[2] - SHARPNESS_REGION[0]))
    resized = cv2.resize(pixels, None, fx=scale, fy=scale,
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    values = resized.astype(np.float32)
    spread = float(values.std())
    if spread < 1e-3:
        return 0.0
    normalised = (values - values.mean()) * (SHARPNESS_NORMAL_STD / spread)
    across = cv2.Sobel(normalised, cv2.CV_32F, 2, 0, ksize=3).var()
    down = cv2.Sobel(normalised, cv2.CV_32F, 0, 2, ksize=3).var()
    return float(2.0 * min(across, down))
