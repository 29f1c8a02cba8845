"""Step 6, background: judge the backdrop inside the output frame, then whiten it.

Judged on the output crop, before whitening, because only what ends up in the photo
matters (a poster outside the frame is no fault). The backdrop is sampled where no head can
be: above the crown and beside the head, above the chin. Three measures:

- lightness and chroma (CIE L*a*b*): a dark or coloured backdrop cannot be turned white
  without cutting the person out, which needs a segmentation model (not shipped).
- unevenness: the spread of brightness between patches of the backdrop (a gradient, the
  head's shadow).
- clutter: the share of the frame's border strips (the strip above the crown, and the side
  strips above the chin) that is neither backdrop-coloured nor smooth: objects, a second
  person, a busy room. At a 75 % head height wide hair reaches the side edges, so in the side
  strips only what is not connected to the citizen's own head counts.

Whitening: every pixel whose colour is close to the backdrop's smooth model (a plane per
channel, so a gentle light fall-off still counts as backdrop) and that is connected to where
the backdrop was sampled is blended towards the spec's white, with a soft edge: a near-white,
even backdrop becomes the spec's white and the person is untouched.

After whitening, the backdrop zone is checked again: any light-grey residue (a mottled wall,
a shadow the model did not explain) left between "white" and "clearly the person" refuses
the photo, since that is exactly what a counter would reject.

Everything is computed at half the output size (the measures are coarse by nature and the
whitening mask is feathered anyway), which keeps this step near 5 ms.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

ANALYSIS_SCALE = 0.5
# Where no head can be, in output fractions: above the crown (less this share of the
# height, for hair that rises above the estimate) and beside the head above the chin.
CROWN_CLEARANCE = 0.02
HEAD_HALF_WIDTH = 0.36  # of the output width, either side of the head's axis
BORDER_STRIP = 0.07  # side strips checked for clutter (fraction of the width)
CLUTTER_DISTANCE = 18.0  # L*a*b* units from the backdrop model
CLUTTER_EDGE_LOW = 40  # Canny thresholds on the grey image
CLUTTER_EDGE_HIGH = 100
# Pixels this far from the backdrop are the person (hair), not a shadow, when judging evenness.
SHADOW_DISTANCE = 35.0
CELL_GRID = (4, 4)  # backdrop patches for unevenness (columns, rows)
CELL_MIN_SHARE = 0.3  # a patch counts when this share of it is backdrop
MIN_BACKDROP_PIXELS = 50
# Whitening: fully backdrop within NEAR, untouched beyond FAR (L*a*b* units). Skin is about
# 20 units of colour away from a neutral backdrop of the same lightness, hence FAR below that.
WHITEN_NEAR = 7.0
WHITEN_FAR = 15.0
# The face (brows to chin, in eye distances) is never whitened, whatever its colour.
FACE_TOP_ABOVE_EYES = 0.7
FACE_HALF_WIDTH = 1.0
WHITEN_FEATHER = 0.7  # Gaussian sigma (analysis pixels) of the mask edge
# Residue after whitening: farther than WHITE_TOLERANCE from the spec's white but nearer than
# PERSON_DISTANCE (beyond that it is hair or clothes), away from the person's edges.
WHITE_TOLERANCE = 4.0
PERSON_DISTANCE = 35.0
PERSON_EDGE_PIXELS = 3


@dataclass(frozen=True)
class BackgroundStats:
    lightness: float
    chroma: float
    unevenness: float
    clutter: float


@dataclass(frozen=True)
class HeadLayout:
    """Where the head lies in the output (pixels): its axis, crown, eye line and chin rows."""

    axis_x: float
    crown_y: float
    eye_y: float
    chin_y: float
    eye_distance: float

    def scaled(self, factor: float) -> HeadLayout:
        return HeadLayout(self.axis_x * factor, self.crown_y * factor, self.eye_y * factor,
                          self.chin_y * factor, self.eye_distance * factor)

    def face_mask(self, shape: tuple[int, int]) -> np.ndarray:
        """The face from brows to chin, which whitening must never touch."""
        top = self.eye_y - FACE_TOP_ABOVE_EYES * self.eye_distance
        centre = (int(round(self.axis_x)), int(round((top + self.chin_y) / 2)))
        axes = (int(round(FACE_HALF_WIDTH * self.eye_distance)), int(round(max(1.0, (self.chin_y - top) / 2))))
        mask = np.zeros(shape, np.uint8)
        cv2.ellipse(mask, centre, axes, 0, 0, 360, 1, thickness=-1)
        return mask > 0


@dataclass(frozen=True)
class Backdrop:
    """The analysis of one output image, kept for whitening it."""

    stats: BackgroundStats
    distance: np.ndarray  # L*a*b* distance from the backdrop model, at analysis scale
    sampled: np.ndarray  # where the backdrop was sampled, at analysis scale
    face: np.ndarray  # the protected face, at analysis scale
    outside: np.ndarray  # output pixels above or beside the capture, at full scale


def to_lab(image: np.ndarray) -> np.ndarray:
    """CIE L*a*b* as floats (L* 0-100, a* and b* around 0); OpenCV's 8-bit Lab is rescaled."""
    lab = cv2.cvtColor(image, cv2.COLOR_BGR2Lab).astype(np.float32)
    lab[..., 0] *= 100.0 / 255.0
    lab[..., 1:] -= 128.0
    return lab


def backdrop_mask(shape: tuple[int, int], head: HeadLayout) -> np.ndarray:
    """Pixels where no head can be: above the crown, and beside the head above the chin."""
    height, width = shape
    mask = np.zeros((height, width), bool)
    top = int(max(0.0, head.crown_y - CROWN_CLEARANCE * height))
    mask[:top, :] = True
    half = HEAD_HALF_WIDTH * width
    bottom = int(np.clip(head.chin_y, 0, height))
    left = int(max(0.0, head.axis_x - half))
    right = int(min(width, head.axis_x + half))
    mask[:bottom, :left] = True
    mask[:bottom, right:] = True
    return mask


def analyse(image: np.ndarray, head: HeadLayout, outside: np.ndarray | None = None) -> Backdrop:
    """Measure the backdrop of an output image (before whitening). `outside` marks pixels
    that came from beyond the capture's edge (see crop.render): they are not measured."""
    if outside is None:
        outside = np.zeros(image.shape[:2], bool)
    small = cv2.resize(image, None, fx=ANALYSIS_SCALE, fy=ANALYSIS_SCALE, interpolation=cv2.INTER_AREA)
    beyond = cv2.resize(outside.astype(np.uint8), (small.shape[1], small.shape[0]),
                        interpolation=cv2.INTER_NEAREST) > 0
    layout = head.scaled(ANALYSIS_SCALE)
    lab = to_lab(small)
    mask = backdrop_mask(small.shape[:2], layout) & ~beyond
    if mask.sum() < MIN_BACKDROP_PIXELS:  # a head so big nothing is left: use the top rows
        mask[: max(2, small.shape[0] // 20), :] = True
    top = int(np.clip(layout.crown_y - CROWN_CLEARANCE * small.shape[0], 0, small.shape[0]))
    distance = np.linalg.norm(lab - _plane_model(lab, mask, top), axis=2)
    pixels = lab[mask]
    stats = BackgroundStats(
        lightness=float(np.median(pixels[:, 0])),
        chroma=float(np.median(np.hypot(pixels[:, 1], pixels[:, 2]))),
        unevenness=_unevenness(lab[..., 0], mask & (distance < SHADOW_DISTANCE)),
        clutter=_clutter(small, distance, layout, beyond),
    )
    return Backdrop(stats, distance, mask, layout.face_mask(mask.shape), outside)


def _plane_model(lab: np.ndarray, mask: np.ndarray, top_rows: int) -> np.ndarray:
    """A plane per channel fitted to the backdrop, robustly: first to the strip above the
    crown (nothing of the citizen is there; beside the head wide hair may be the majority),
    then refitted to every backdrop pixel that agrees with it."""
    height, width = mask.shape
    rows, cols = np.nonzero(mask)
    step = max(1, len(rows) // 3000)
    rows, cols = rows[::step], cols[::step]
    design = np.column_stack([np.ones(len(rows)), cols / width, rows / height])
    values = lab[rows, cols]
    keep = np.ones(len(rows), bool)
    above = rows < top_rows
    if above.sum() >= MIN_BACKDROP_PIXELS:
        reference = np.median(values[above], axis=0)
        keep = np.linalg.norm(values - reference, axis=1) < CLUTTER_DISTANCE
    for _ in range(2):
        coefficients, *_ = np.linalg.lstsq(design[keep], values[keep], rcond=None)
        residual = np.linalg.norm(values - design @ coefficients, axis=1)
        keep = residual < max(3.0, 2.5 * float(np.median(residual)))
    across = (np.arange(width, dtype=np.float32) / width)[None, :, None]
    down = (np.arange(height, dtype=np.float32) / height)[:, None, None]
    c = coefficients.astype(np.float32)
    return c[0] + c[1] * across + c[2] * down


def _unevenness(lightness: np.ndarray, backdrop: np.ndarray) -> float:
    height, width = backdrop.shape
    columns, rows = CELL_GRID
    medians = []
    for row in range(rows):
        for column in range(columns):
            cell = (slice(row * height // rows, (row + 1) * height // rows),
                    slice(column * width // columns, (column + 1) * width // columns))
            inside = backdrop[cell]
            if inside.mean() >= CELL_MIN_SHARE:
                medians.append(float(np.median(lightness[cell][inside])))
    return max(medians) - min(medians) if len(medians) >= 2 else 0.0


def _clutter(image: np.ndarray, distance: np.ndarray, head: HeadLayout, beyond: np.ndarray) -> float:
    """Share of the border strips that is not plain backdrop (see the module docstring)."""
    height, width = distance.shape
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(grey, CLUTTER_EDGE_LOW, CLUTTER_EDGE_HIGH) > 0
    busy = (distance > CLUTTER_DISTANCE) | edges
    chin = int(np.clip(head.chin_y, 1, height))
    top = int(np.clip(head.crown_y - CROWN_CLEARANCE * height, 0, height))
    strip = max(1, int(BORDER_STRIP * width))
    counted = np.zeros((height, width), bool)
    counted[:top, :] = True
    counted[:chin, :strip] = True
    counted[:chin, -strip:] = True
    counted &= ~beyond
    if not counted.any():
        return 0.0
    stray = busy.copy()
    stray[:chin] &= ~_own_head(busy[:chin], head)
    stray[:top] = busy[:top]  # nothing of the citizen belongs above the crown
    return float(stray[counted].mean())


def _own_head(busy: np.ndarray, head: HeadLayout) -> np.ndarray:
    """The not-plain pixels connected to the face (hair, ears), above the chin."""
    _, labels = cv2.connectedComponents(busy.astype(np.uint8), connectivity=8)
    height, width = busy.shape
    row = int(np.clip((head.crown_y + head.chin_y) / 2, 0, height - 1))
    half = max(1, int(0.05 * width))
    centre = labels[max(0, row - half):row + half, max(0, int(head.axis_x) - half):int(head.axis_x) + half]
    return np.isin(labels, np.unique(centre[centre > 0]))


def whiten(image: np.ndarray, backdrop: Backdrop, white_bgr: tuple[int, int, int]) -> np.ndarray:
    """Blend the backdrop (close to its model and connected to where it was sampled) to white."""
    distance = backdrop.distance
    candidate = ((distance < WHITEN_FAR) & ~backdrop.face).astype(np.uint8)
    _, labels = cv2.connectedComponents(candidate, connectivity=4)
    seeds = np.unique(labels[backdrop.sampled & (candidate > 0)])
    connected = np.isin(labels, seeds[seeds > 0])
    weight = np.clip((WHITEN_FAR - distance) / (WHITEN_FAR - WHITEN_NEAR), 0.0, 1.0) * connected
    weight = cv2.GaussianBlur(weight.astype(np.float32), (0, 0), WHITEN_FEATHER)
    height, width = image.shape[:2]
    alpha = cv2.resize(weight, (width, height), interpolation=cv2.INTER_LINEAR)[..., None]
    white = np.array(white_bgr, np.float32)
    blended = image.astype(np.float32) * (1.0 - alpha) + white * alpha
    whitened = np.clip(blended + 0.5, 0, 255).astype(np.uint8)
    whitened[backdrop.outside] = white_bgr  # beyond the capture there is only backdrop
    return whitened


def residue(whitened: np.ndarray, backdrop: Backdrop, white_bgr: tuple[int, int, int]) -> float:
    """Share of the backdrop zone that whitening left neither white nor clearly the person."""
    small = cv2.resize(whitened, (backdrop.distance.shape[1], backdrop.distance.shape[0]),
                       interpolation=cv2.INTER_AREA)
    white = to_lab(np.array([[white_bgr]], np.uint8))[0, 0]
    distance = np.linalg.norm(to_lab(small) - white, axis=2)
    size = 2 * PERSON_EDGE_PIXELS + 1
    person = cv2.dilate((distance >= PERSON_DISTANCE).astype(np.uint8), np.ones((size, size), np.uint8)) > 0
    beyond = cv2.resize(backdrop.outside.astype(np.uint8), (small.shape[1], small.shape[0]),
                        interpolation=cv2.INTER_NEAREST) > 0
    zone = backdrop.sampled & ~person & ~beyond
    if not zone.any():
        return 0.0
    left_over = (distance > WHITE_TOLERANCE) & (distance < PERSON_DISTANCE)
    return float(left_over[zone].mean())
