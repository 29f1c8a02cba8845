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


def render(image: np.ndarray, plan: CropPlan) -> tuple[np.ndarray, np.ndarray]:
    """The output pixels, and a mask of those that lie above or beside the capture.

    Shrinking is done first with area averaging (a warp alone would alias fine detail into
    false sharpness); the rest is one bicubic warp. Where the output reaches past the
    capture (only as far as the position check allows) the edge pixels repeat; below the
    capture that continues the shoulders, and above or beside it the background step
    paints the masked pixels white (a repeated edge there could smear hair)."""
    region_x, region_y, region = _region(image, plan)
    matrix = plan.matrix.copy()
    matrix[:, 2] += matrix[:, 0] * region_x + matrix[:, 1] * region_y
    # Inside = from the capture, or straight below it (rows under the capture's bottom edge).
    inside = np.full(region.shape[:2], 255, np.uint8)
    bottom_pad = int(math.ceil(max(0.0, plan.overshoot.bottom / plan.scale))) + ROI_MARGIN
    if region_y + region.shape[0] >= image.shape[0]:
        inside = cv2.copyMakeBorder(inside, 0, bottom_pad, 0, 0, cv2.BORDER_REPLICATE)
    if plan.scale < 1.0:
        shrunk = cv2.resize(region, None, fx=plan.scale, fy=plan.scale, interpolation=cv2.INTER_AREA)
        factor_x, factor_y = region.shape[1] / shrunk.shape[1], region.shape[0] / shrunk.shape[0]
        matrix[:, 0] *= factor_x
        matrix[:, 1] *= factor_y
        inside = cv2.resize(inside, (int(round(inside.shape[1] / factor_x)), int(round(inside.shape[0] / factor_y))),
                            interpolation=cv2.INTER_NEAREST)
        region = shrunk
    size = (plan.width, plan.height)
    pixels = cv2.warpAffine(region, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    outside = cv2.warpAffine(inside, matrix, size, flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT,
                             borderValue=0) == 0
    return pixels, outside


def _output_corners(plan: CropPlan) -> np.ndarray:
    """The output's corners in capture pixels."""
    corners = np.array([[0, 0, 1], [plan.width, 0, 1], [0, plan.height, 1],
                        [plan.width, plan.height, 1]], np.float64)
    return corners @ invert(plan.matrix).T


def _region(image: np.ndarray, plan: CropPlan) -> tuple[int, int, np.ndarray]:
    """The part of the capture the output is made from, so the shrink touches only that."""
    corners = _output_corners(plan)
    height, width = image.shape[:2]
    x0 = max(0, int(math.floor(corners[:, 0].min())) - ROI_MARGIN)
    y0 = max(0, int(math.floor(corners[:, 1].min())) - ROI_MARGIN)
    x1 = min(width, int(math.ceil(corners[:, 0].max())) + ROI_MARGIN)
    y1 = min(height, int(math.ceil(corners[:, 1].max())) + ROI_MARGIN)
    if x1 <= x0 or y1 <= y0:
        return 0, 0, image
    return x0, y0, image[y0:y1, x0:x1]
