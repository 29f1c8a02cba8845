"""Plain geometry shared by the steps: boxes, points, eye pairs and their transforms."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    def scaled(self, factor: float) -> Point:
        return Point(self.x * factor, self.y * factor)

    def transformed(self, matrix: np.ndarray) -> Point:
        """Apply a 2x3 affine matrix (as returned by cv2.getRotationMatrix2D)."""
        x = matrix[0, 0] * self.x + matrix[0, 1] * self.y + matrix[0, 2]
        y = matrix[1, 0] * self.x + matrix[1, 1] * self.y + matrix[1, 2]
        return Point(float(x), float(y))


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pixels (x, y is the top-left corner)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def centre(self) -> Point:
        return Point(self.x + self.w / 2, self.y + self.h / 2)

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def area(self) -> float:
        return self.w * self.h

    def scaled(self, factor: float) -> Box:
        return Box(self.x * factor, self.y * factor, self.w * factor, self.h * factor)

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.w, self.h)

    def contains(self, point: Point) -> bool:
        return self.x <= point.x <= self.right and self.y <= point.y <= self.bottom

    def transformed(self, matrix: np.ndarray) -> Box:
        """The box of the same size around the transformed centre (rotations are small here)."""
        centre = self.centre.transformed(matrix)
        return Box(centre.x - self.w / 2, centre.y - self.h / 2, self.w, self.h)

    def clipped_slices(self, shape: tuple[int, ...]) -> tuple[slice, slice]:
        """Row and column slices of this box inside an image of `shape`."""
        height, width = shape[:2]
        x0 = int(max(0, math.floor(self.x)))
        y0 = int(max(0, math.floor(self.y)))
        x1 = int(min(width, math.ceil(self.right)))
        y1 = int(min(height, math.ceil(self.bottom)))
        return slice(y0, max(y0, y1)), slice(x0, max(x0, x1))


@dataclass(frozen=True)
class EyePair:
    """Eye centres; `left` is the one on the image's left (the citizen's right eye)."""

    left: Point
    right: Point

    @property
    def midpoint(self) -> Point:
        return Point((self.left.x + self.right.x) / 2, (self.left.y + self.right.y) / 2)

    @property
    def distance(self) -> float:
        return math.hypot(self.right.x - self.left.x, self.right.y - self.left.y)

    @property
    def roll_degrees(self) -> float:
        """Angle of the eye line; positive when the image-right eye is lower."""
        return math.degrees(math.atan2(self.right.y - self.left.y, self.right.x - self.left.x))

    def scaled(self, factor: float) -> EyePair:
        return EyePair(self.left.scaled(factor), self.right.scaled(factor))

    def transformed(self, matrix: np.ndarray) -> EyePair:
        return EyePair(self.left.transformed(matrix), self.right.transformed(matrix))
