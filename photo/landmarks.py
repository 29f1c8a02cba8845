"""Measurements from 68 facial landmarks: head pose, eyes open, mouth closed, chin, eye line.

The landmark model sits behind `core.face_model.FaceLandmarker` (dlib's 68-point predictor by
default; its training data restricts commercial use, see docs/photo.md, so a hall can plug
in a licensed model). Given a face box, it takes ~0.5 ms, so the live guide and the still
pipeline measure the same things the same way.

- Pose: `cv2.solvePnP` fits a generic adult head (below, millimetres; x to the image's right,
  y down, z away from the camera, nose tip at the origin) to seven landmarks. It needs no
  backdrop. Yaw is positive when the face turns towards the image's right, pitch positive
  when the chin is raised, roll positive when the head leans so the image-right eye is lower.
- Eyes open: the eye aspect ratio, (two lid-to-lid heights) / (2 x corner-to-corner width);
  ~0.3 open, under ~0.15 shut.
- Mouth closed: the inner-lip gap, the mean of three inner-lip heights over the inner mouth
  width; closed lips 0.02-0.11, a smile showing the teeth 0.17-0.22, laughing 0.43.
- Chin: landmark 8 (the jaw's lowest point); crown is not a landmark and is measured from the
  head's outline (photo/measure.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.face_model import FaceLandmarker
from photo.geometry import Box, EyePair, Point

# Landmark numbers (iBUG 300-W).
CHIN = 8
NOSE_BRIDGE = 27
NOSE_TIP = 30
EYE_IMAGE_LEFT = slice(36, 42)
EYE_IMAGE_RIGHT = slice(42, 48)
OUTER_EYE_CORNERS = (36, 45)
MOUTH_CORNERS = (48, 54)
INNER_LIP_PAIRS = ((61, 67), (62, 66), (63, 65))
INNER_MOUTH_CORNERS = (60, 64)

# A generic adult head (mm), for the pose fit: landmark -> (x, y, z).
HEAD_MODEL = {
    NOSE_TIP: (0.0, 0.0, 0.0),
    NOSE_BRIDGE: (0.0, -40.0, 20.0),
    33: (0.0, 10.0, 14.0),
    36: (-44.0, -34.0, 34.0),
    39: (-15.0, -34.0, 24.0),
    42: (15.0, -34.0, 24.0),
    45: (44.0, -34.0, 34.0),
}
# A generic model reads a person's own proportions as pitch: frontal photographs read -3 deg
# (the astronaut) and -13 deg (Obama), so pitch keeps [photo.quality] pose_margin_degrees.


@dataclass(frozen=True)
class HeadPose:
    roll: float
    yaw: float
    pitch: float


@dataclass(frozen=True)
class LandmarkMeasures:
    """Everything the checks read from one face's landmarks (image pixels)."""

    points: np.ndarray
    eyes: EyePair
    pose: HeadPose
    eye_openness: tuple[float, float]  # image-left eye, image-right eye
    mouth_gap: float
    chin: Point

    @property
    def eyes_open(self) -> float:
        """The less open eye: one shut eye is enough to refuse."""
        return min(self.eye_openness)

    @property
    def chin_below_eyes(self) -> float:
        """Chin below the eye line, in eye distances, measured along the head's axis."""
        mid = self.eyes.midpoint
        angle = math.radians(self.eyes.roll_degrees)
        along = (self.chin.x - mid.x) * -math.sin(angle) + (self.chin.y - mid.y) * math.cos(angle)
        return along / self.eyes.distance


def measure(landmarker: FaceLandmarker, gray: np.ndarray, face: Box) -> LandmarkMeasures:
    points = landmarker.landmarks(gray, (face.x, face.y, face.w, face.h))
    return from_points(points, (gray.shape[1], gray.shape[0]))


def from_points(points: np.ndarray, image_size: tuple[int, int]) -> LandmarkMeasures:
    left = points[EYE_IMAGE_LEFT].mean(axis=0)
    right = points[EYE_IMAGE_RIGHT].mean(axis=0)
    eyes = EyePair(Point(float(left[0]), float(left[1])), Point(float(right[0]), float(right[1])))
    return LandmarkMeasures(
        points=points,
        eyes=eyes,
        pose=head_pose(points, image_size, eyes.roll_degrees),
        eye_openness=(eye_aspect_ratio(points[EYE_IMAGE_LEFT]), eye_aspect_ratio(points[EYE_IMAGE_RIGHT])),
        mouth_gap=mouth_gap(points),
        chin=Point(float(points[CHIN][0]), float(points[CHIN][1])),
    )


def eye_aspect_ratio(eye: np.ndarray) -> float:
    """(|p1-p5| + |p2-p4|) / (2 |p0-p3|) for the six points of one eye."""
    width = float(np.linalg.norm(eye[0] - eye[3]))
    if width == 0:
        return 0.0
    return float(np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])) / (2 * width)


def mouth_gap(points: np.ndarray) -> float:
    """Mean inner-lip opening over the inner mouth width."""
    width = float(np.linalg.norm(points[INNER_MOUTH_CORNERS[0]] - points[INNER_MOUTH_CORNERS[1]]))
    if width == 0:
        return 0.0
    gaps = [np.linalg.norm(points[a] - points[b]) for a, b in INNER_LIP_PAIRS]
    return float(np.mean(gaps)) / width


def head_pose(points: np.ndarray, image_size: tuple[int, int], roll_degrees: float) -> HeadPose:
    """Yaw and pitch from a perspective fit of HEAD_MODEL (focal length ~ the image width, a
    normal lens); roll from the eye line, which the fit agrees with but is noisier on."""
    ids = list(HEAD_MODEL)
    model = np.array([HEAD_MODEL[i] for i in ids], dtype=np.float64)
    image = np.array([points[i] for i in ids], dtype=np.float64)
    width, height = image_size
    focal = float(max(width, height))
    camera = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]], dtype=np.float64)
    ok, rvec, tvec = cv2.solvePnP(model, image, camera, None, flags=cv2.SOLVEPNP_SQPNP)
    if not ok:
        return HeadPose(roll_degrees, float("nan"), float("nan"))
    rotation, _ = cv2.Rodrigues(rvec)
    # Remove the roll first (about the camera axis), so yaw and pitch read the same on a tilted head.
    angle = math.radians(-roll_degrees)
    unroll = np.array([[math.cos(angle), -math.sin(angle), 0], [math.sin(angle), math.cos(angle), 0],
                       [0, 0, 1]])
    level = unroll @ rotation
    # The model's forward axis (0, 0, -1) in camera coordinates after the fit, judged against
    # the line of sight (head to lens): a citizen off the optical axis who looks into the lens
    # is frontal, as the photo shows.
    forward = level @ np.array([0.0, 0.0, -1.0])
    sight = -(unroll @ tvec.reshape(3))
    yaw = _horizontal(forward) - _horizontal(sight)
    pitch = _vertical(forward) - _vertical(sight)
    return HeadPose(roll_degrees, yaw, pitch)


def _horizontal(direction: np.ndarray) -> float:
    return math.degrees(math.atan2(direction[0], -direction[2]))


def _vertical(direction: np.ndarray) -> float:
    return math.degrees(math.atan2(-direction[1], math.hypot(direction[0], direction[2])))
