"""Step 5, crop/scale: place the head where the spec wants it and make the output pixels.

The plan is pure geometry (testable without pixels): from the level eye line, the head's
extent and the spec, one affine map from capture to output. It also says how far the output
would reach past the capture's edges, which is what "move left" or "step back" are made of.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from photo.align import invert, levelling_matrix
from photo.measure import FaceGeometry, HeadExtent
from photo.spec import PhotoSpec

# Extra capture pixels kept around the region before shrinking it, so the warp's
# interpolation at the output's border reads real pixels.
ROI_MARGIN = 4


@dataclass(frozen=True)
class Overshoot:
    """How far (output pixels) the output would reach past each edge of the capture."""

    left: float
    right: float
    top: float
    bottom: float


@dataclass(frozen=True)
class CropPlan:
    matrix: np.ndarray  # 2x3, capture pixels -> output pixels
    scale: float  # output pixels per capture pixel
    head_px: float  # chin-to-crown in capture pixels
    overshoot: Overshoot
    width: int
    height: int


def plan_crop(geometry: FaceGeometry, extent: HeadExtent, spec: PhotoSpec,
              capture_size: tuple[int, int]) -> CropPlan:
    """Scale so chin-to-crown is the spec's target share of the height, put the crown the
    spec's margin below the top edge and the eye midpoint on the vertical centre line."""
    head_px = extent.height * geometry.eye_distance
    scale = spec.head_ratio_target * spec.height / head_px
    matrix = levelling_matrix(geometry, scale)
    mid = geometry.midpoint
    eye_row = spec.crown_margin * spec.height + extent.crown_above * geometry.eye_distance * scale
    matrix[0, 2] += spec.width / 2 - mid.x
    matrix[1, 2] += eye_row - mid.y
    overshoot = _overshoot(matrix, scale, spec.width, spec.height, capture_size)
    return CropPlan(matrix, scale, head_px, overshoot, spec.width, spec.height)


def _overshoot(matrix: np.ndarray, scale: float, width: int, height: int,
               capture_size: tuple[int, int]) -> Overshoot:
    corners = np.array([[0, 0, 1], [width, 0, 1], [0, height, 1], [width, height, 1]], np.float64)
    in_capture = corners @ invert(matrix).T
    capture_w, capture_h = capture_size
    xs, ys = in_capture[:, 0], in_capture[:, 1]
    return Overshoot(
        left=max(0.0, -xs.min()) * scale,
        right=max(0.0, xs.max() - capture_w) * scale,
        top=max(0.0, -ys.min()) * scale,
        bottom=max(0.0, ys.max() - capture_h) * scale,
    )


def render(image: np.ndarray, plan: CropPlan) -> np.ndarray:
    """The output pixels. Shrinking is done first with area averaging (a warp alone would
    alias fine detail into false sharpness); the rest is one bicubic warp. Past the capture's
    edge the edge pixels repeat (only within the pad the position check allows)."""
    region_x, region_y, region = _region(image, plan)
    matrix = plan.matrix.copy()
    matrix[:, 2] += matrix[:, 0] * region_x + matrix[:, 1] * region_y
    if plan.scale < 1.0:
        shrunk = cv2.resize(region, None, fx=plan.scale, fy=plan.scale, interpolation=cv2.INTER_AREA)
        factor_x = region.shape[1] / shrunk.shape[1]
        factor_y = region.shape[0] / shrunk.shape[0]
        matrix[:, 0] *= factor_x
        matrix[:, 1] *= factor_y
        region = shrunk
    return cv2.warpAffine(region, matrix, (plan.width, plan.height), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)


def _region(image: np.ndarray, plan: CropPlan) -> tuple[int, int, np.ndarray]:
    """The part of the capture the output is made from, so the shrink touches only that."""
    corners = np.array([[0, 0, 1], [plan.width, 0, 1], [0, plan.height, 1],
                        [plan.width, plan.height, 1]], np.float64) @ invert(plan.matrix).T
    height, width = image.shape[:2]
    x0 = max(0, int(math.floor(corners[:, 0].min())) - ROI_MARGIN)
    y0 = max(0, int(math.floor(corners[:, 1].min())) - ROI_MARGIN)
    x1 = min(width, int(math.ceil(corners[:, 0].max())) + ROI_MARGIN)
    y1 = min(height, int(math.ceil(corners[:, 1].max())) + ROI_MARGIN)
    if x1 <= x0 or y1 <= y0:
        return 0, 0, image
    return x0, y0, image[y0:y1, x0:x1]
