"""Step 4, align: the rotation that levels the eyes (a head tilt within the spec's roll limit).

Kept as a matrix rather than a rotated image: the crop step folds it into the single warp
that makes the output, so the capture is resampled once.
"""

from __future__ import annotations

import cv2
import numpy as np

from photo.measure import FaceGeometry


def levelling_matrix(geometry: FaceGeometry, scale: float = 1.0) -> np.ndarray:
    """2x3 affine map rotating about the eye midpoint so the eye line becomes horizontal,
    then scaling by `scale` about the same point."""
    mid = geometry.midpoint
    # OpenCV's positive angle turns the picture anticlockwise on screen; a positive roll (the
    # image-right eye lower) is undone by exactly that.
    return cv2.getRotationMatrix2D((mid.x, mid.y), geometry.roll_degrees, scale)


def invert(matrix: np.ndarray) -> np.ndarray:
    return cv2.invertAffineTransform(matrix)
