"""Facial landmarks and face descriptors: the model interface and dlib's models behind it.

Shared by the photo pipeline (landmarks: pose, eyes, mouth, chin) and the reference back
end's face matcher (descriptors), which may import nothing but core/: so the one place that
loads the models is here, and each model is loaded once per process (the 68-point predictor
reads ~100 MB, the descriptor network ~22 MB).

The models ship inside registry packages, nothing is downloaded at run time:
- `dlib-bin` (dlib 20, prebuilt wheel, Boost Software Licence): the HOG face detector, the
  shape predictor and the ResNet runtime.
- `face-recognition-models` 0.3.0 (the files are Davis King's dlib-models, CC0 / public
  domain as published; the package itself is MIT):
  * `shape_predictor_68_face_landmarks.dat`: trained on iBUG 300-W, whose images' licence
    **excludes commercial use**. A hall must plug in a licensed 68-point model (implement
    `FaceLandmarker`) before using the pose/eye/mouth checks commercially.
  * `shape_predictor_5_face_landmarks.dat`: dlib's own data set, CC0; enough to align a face
    for the descriptor, so the matcher uses only this one.
  * `dlib_face_recognition_resnet_model_v1.dat`: 128-d descriptor, 99.38 % on LFW; two faces
    closer than 0.6 (Euclidean) are the same person at its published operating point.

Boxes here are plain (x, y, width, height) tuples in pixels, so no layer's own types leak in.
"""

from __future__ import annotations

import functools
from typing import Protocol

import numpy as np

FaceBox = tuple[float, float, float, float]  # x, y, width, height
# The descriptor model's published operating point (dlib's LFW evaluation).
DESCRIPTOR_MATCH_DISTANCE = 0.6
# Faces are searched at most this long side: the HOG detector's time grows with pixels, and
# its smallest window (80 px) is still a face an eighth of such an image.
SEARCH_LONG_SIDE = 640


class FaceModelUnavailable(RuntimeError):
    """dlib or the model files are not installed."""


class FaceLandmarker(Protocol):
    """68 landmarks in the iBUG 300-W numbering (jaw 0-16, chin 8, brows 17-26, nose 27-35,
    eyes 36-47, lips 48-67) for one face box. A licensed model implements this."""

    name: str

    def landmarks(self, gray: np.ndarray, box: FaceBox) -> np.ndarray:
        """(68, 2) float array of x, y in the image's pixels."""
        ...


class FaceDescriber(Protocol):
    """Finds faces and turns one into a descriptor; distances below `match_distance` match."""

    name: str
    match_distance: float

    def find_faces(self, rgb: np.ndarray) -> list[FaceBox]:
        """Every face, largest first."""
        ...

    def descriptor(self, rgb: np.ndarray, box: FaceBox) -> np.ndarray:
        ...


def _dlib():  # type: ignore[no-untyped-def]
    try:
        import dlib
    except ImportError as error:  # pragma: no cover - depends on the install
        raise FaceModelUnavailable("dlib is not installed (pip install dlib-bin)") from error
    return dlib


def _model_path(file_name: str) -> str:
    try:
        import face_recognition_models
    except ImportError as error:  # pragma: no cover - depends on the install
        raise FaceModelUnavailable("face-recognition-models is not installed") from error
    from importlib import resources

    return str(resources.files(face_recognition_models) / "models" / file_name)


def _rectangle(box: FaceBox):  # type: ignore[no-untyped-def]
    x, y, w, h = box
    return _dlib().rectangle(round(x), round(y), round(x + w), round(y + h))


@functools.cache
def _predictor(file_name: str):  # type: ignore[no-untyped-def]
    return _dlib().shape_predictor(_model_path(file_name))


@functools.cache
def _frontal_detector():  # type: ignore[no-untyped-def]
    return _dlib().get_frontal_face_detector()


@functools.cache
def _resnet():  # type: ignore[no-untyped-def]
    return _dlib().face_recognition_model_v1(_model_path("dlib_face_recognition_resnet_model_v1.dat"))


class Dlib68Landmarker:
    """dlib's 68-point shape predictor (ensemble of regression trees, ~0.5 ms a face).
    See the module docstring for the licence of its training data."""

    name = "dlib-68"

    def __init__(self) -> None:
        self._predict = _predictor("shape_predictor_68_face_landmarks.dat")

    def landmarks(self, gray: np.ndarray, box: FaceBox) -> np.ndarray:
        shape = self._predict(np.ascontiguousarray(gray), _rectangle(box))
        return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


class DlibDescriber:
    """dlib's HOG frontal detector, 5-point alignment and ResNet descriptor (~100 ms a face
    on one core of this machine)."""

    name = "dlib-resnet"

    def __init__(self, match_distance: float = DESCRIPTOR_MATCH_DISTANCE, upsample: int = 1) -> None:
        self.match_distance = match_distance
        self._upsample = upsample
        self._align = _predictor("shape_predictor_5_face_landmarks.dat")
        self._detect = _frontal_detector()
        self._net = _resnet()

    def find_faces(self, rgb: np.ndarray) -> list[FaceBox]:
        found = self._detect(np.ascontiguousarray(rgb), self._upsample)
        boxes = [(float(r.left()), float(r.top()), float(r.width()), float(r.height())) for r in found]
        return sorted(boxes, key=lambda b: b[2] * b[3], reverse=True)

    def descriptor(self, rgb: np.ndarray, box: FaceBox) -> np.ndarray:
        image = np.ascontiguousarray(rgb)
        shape = self._align(image, _rectangle(box))
        return np.array(self._net.compute_face_descriptor(image, shape), dtype=np.float64)


def descriptor_distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b))


class NoFace(ValueError):
    """The image holds no face the detector finds."""


def describe_largest_face(describer: FaceDescriber, rgb: np.ndarray,
                          search_long_side: int = SEARCH_LONG_SIDE) -> np.ndarray:
    """The descriptor of the largest face (the person nearest the camera), searched on a copy
    at most `search_long_side` long; the descriptor itself is taken from the full image.
    Raises NoFace."""
    from PIL import Image

    height, width = rgb.shape[:2]
    scale = min(1.0, search_long_side / max(height, width))
    small = rgb if scale == 1.0 else np.asarray(
        Image.fromarray(rgb).resize((round(width * scale), round(height * scale)), Image.Resampling.BILINEAR))
    faces = describer.find_faces(small)
    if not faces:
        raise NoFace("no face found")
    x, y, w, h = faces[0]
    return describer.descriptor(rgb, (x / scale, y / scale, w / scale, h / scale))
