"""The still-photo pipeline: detect -> measure -> check -> align -> crop/scale -> background -> encode.

`PhotoPipeline(spec, ...).finalize(bgr)` is what the kiosk flow calls with the captured
frame (and the CLI with a file). Each step lives in its own module and is tested alone;
this module only runs them in order and collects every check, so a refused photo lists
all that is wrong, most important first, each with its measured value.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from core.face_model import Dlib68Landmarker, FaceLandmarker
from photo import background, border, checks, crop, landmarks, measure
from photo.checks import CheckResult, Status
from photo.detect import EyeSearch, FaceDetector, HaarDetector, find_faces_scaled
from photo.encode import encode_in_window
from photo.geometry import Box
from photo.measure import FaceGeometry, HeadExtent
from photo.problems import FileSizeOutOfWindow, PhotoProblem
from photo.spec import DetectorSettings, PhotoSettings, PhotoSpec, QualityLimits

log = logging.getLogger(__name__)

# When no upright face is found, the search is repeated on the capture turned by these
# angles, so a strongly tilted head is told "straighten your head" rather than "no face".
TILTED_SEARCH_DEGREES = (-25.0, 25.0)
# In an output photo the face fills half the width or more: searching only for big faces
# at a small size keeps the re-measurement near 10 ms.
OUTPUT_DETECT_LONG_SIDE = 320
OUTPUT_MIN_FACE_FRACTION = 0.35


@dataclass(frozen=True)
class PhotoResult:
    """The outcome of one capture: ok with the JPEG, or the checks that refused it."""

    spec: str
    checks: tuple[CheckResult, ...]
    jpeg: bytes | None = None
    image: np.ndarray | None = field(default=None, repr=False)
    jpeg_quality: int | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Accepted: a JPEG was made (the last step) and no check failed. A pose estimate that
        could not be made (NOT_RUN, e.g. no plain backdrop above the head) does not refuse."""
        return self.jpeg is not None and not any(c.status is Status.FAILED for c in self.checks)

    @property
    def problems(self) -> list[PhotoProblem]:
        """What is wrong, most important first (the order the checks run in)."""
        return [c.problem for c in self.checks if c.problem is not None]

    @property
    def message_key(self) -> str | None:
        """The one thing to tell the citizen first (None when the photo is accepted)."""
        problems = self.problems
        return problems[0].message_key if problems else None

    def check(self, name: str) -> CheckResult:
        return next(c for c in self.checks if c.name == name)

    def to_dict(self) -> dict:
        return {
            "spec": self.spec,
            "ok": self.ok,
            "message_key": self.message_key,
            "bytes": len(self.jpeg) if self.jpeg else None,
            "jpeg_quality": self.jpeg_quality,
            "seconds": round(self.seconds, 4),
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass(frozen=True)
class FoundFace:
    """A face of the capture, in the capture's own coordinates; `eyes` is set when they were
    already searched (on a turned copy, see _find_tilted_face)."""

    box: Box
    eyes: EyeSearch | None = None


class PhotoPipeline:
    """Turns one capture into a spec-conforming JPEG, or into the reasons it cannot be one."""

    def __init__(self, spec: PhotoSpec, quality: QualityLimits, detector_settings: DetectorSettings,
                 detector: FaceDetector | None = None, mirrored: bool = False,
                 landmarker: FaceLandmarker | None = None) -> None:
        self.spec = spec
        self.quality = quality
        self.detector_settings = detector_settings
        self.detector = detector or HaarDetector.from_settings(detector_settings)
        self.mirrored = mirrored
        self.landmarker = landmarker or Dlib68Landmarker()

    @classmethod
    def from_settings(cls, settings: PhotoSettings, spec_name: str | None = None,
                      detector: FaceDetector | None = None,
                      landmarker: FaceLandmarker | None = None) -> PhotoPipeline:
        return cls(settings.spec(spec_name), settings.quality, settings.detector, detector,
                   settings.frames_mirrored, landmarker)

    def finalize(self, image: np.ndarray) -> PhotoResult:
        """Run every step on a BGR capture; see PhotoResult."""
        started = time.perf_counter()
        results: list[CheckResult] = []
        output = self._run(image, results)
        jpeg, quality_used, pixels = output if output else (None, None, None)
        done = _complete(results)
        result = PhotoResult(self.spec.name, done, jpeg, pixels, quality_used, time.perf_counter() - started)
        log.info("photo %s: %s in %.0f ms", self.spec.name,
                 "accepted" if result.ok else f"refused ({', '.join(str(p) for p in result.problems)})",
                 result.seconds * 1000)
        return result

    def _run(self, image: np.ndarray, results: list[CheckResult]) -> tuple[bytes, int, np.ndarray] | None:
        """Append each check's result; return (jpeg, quality, pixels) when all passed.

        Once the eyes are found, the face's 68 landmarks give the eye line, the head pose, the
        eyes' and mouth's opening and the chin (photo/landmarks.py)."""
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        capture_size = (image.shape[1], image.shape[0])
        faces = self._find_faces(gray)
        results.append(checks.face_count(len(faces)))
        if len(faces) != 1:
            if not faces:  # a dark booth hides the face: "too dark" is then the useful advice
                results.append(checks.exposure(measure.face_tone(gray, _frame_box(gray)), self.quality))
            return None
        face = faces[0]
        eyes = face.eyes or self.detector.find_eyes(gray, face.box)
        results.append(checks.eyes(eyes))
        marks = landmarks.measure(self.landmarker, gray, face.box) if eyes.pair else None
        geometry = (FaceGeometry(marks.eyes, from_eyes=True) if marks
                    else FaceGeometry.from_face_box(face.box))
        patch = measure.head_patch(image, geometry)
        extent = measure.head_extent(patch)
        tone = measure.face_tone(gray, face.box)
        exposure = checks.exposure(tone, self.quality)
        if marks:
            extent = dataclasses.replace(extent, chin_below=marks.chin_below_eyes)
            results.append(checks.roll(geometry.roll_degrees, self.spec))
            results.append(checks.yaw(marks.pose.yaw, self.spec, self.quality, self.mirrored))
            results.append(checks.pitch(marks.pose.pitch, self.spec, self.quality))
            results.append(checks.eyes_open(marks.eyes_open, self.quality))
            results.append(checks.mouth_closed(marks.mouth_gap, self.spec, self.quality))
        plan = crop.plan_crop(geometry, extent, self.spec, capture_size)
        size_check = checks.face_size(plan, self.spec, self.quality, capture_size)
        results.append(size_check)
        if size_check.passed:
            results.append(checks.position(plan, self.quality, self.mirrored, extent.top_cut))
        results.append(checks.sharpness(measure.sharpness(gray, face.box), self.quality))
        results.append(exposure)
        results.append(checks.contrast(tone, self.quality))
        if any(r.status is Status.FAILED for r in results) or not geometry.from_eyes:
            return None
        return self._make_output(image, geometry, extent, plan, results)

    def _make_output(self, image: np.ndarray, geometry: FaceGeometry, extent: HeadExtent,
                     plan: crop.CropPlan, results: list[CheckResult]) -> tuple[bytes, int, np.ndarray] | None:
        pixels, outside = crop.render(image, plan)
        backdrop = background.analyse(pixels, head_layout(geometry, extent, plan), outside)
        results.append(checks.background_light(backdrop.stats, self.quality))
        results.append(checks.background_even(backdrop.stats, self.quality))
        results.append(checks.background_plain(backdrop.stats, self.quality))
        if not all(r.passed for r in results[-3:]):
            return None
        pixels = background.whiten(pixels, backdrop, self.spec.background_bgr)
        results.append(checks.background_white(
            background.residue(pixels, backdrop, self.spec.background_bgr), self.quality))
        if not results[-1].passed:
            return None
        layout = head_layout(geometry, extent, plan)
        share, edge = border.off_background(pixels, layout.crown_y, layout.chin_y, self.spec.background_bgr)
        results.append(checks.border(share, edge))
        if not results[-1].passed:
            return None
        head_ratio, eye_ratio, offset = self._remeasure(pixels)
        results.append(checks.head_ratio(head_ratio, self.spec))
        results.append(checks.eye_distance(eye_ratio, self.spec))
        results.append(checks.centred(offset))
        if not all(r.passed for r in results[-3:]):
            return None
        try:
            encoded = encode_in_window(pixels, self.spec.min_bytes, self.spec.max_bytes, self.spec.dpi)
        except FileSizeOutOfWindow as problem:
            results.append(checks.file_size_failed(problem))
            return None
        results.append(checks.file_size(encoded.size, self.spec))
        return encoded.data, encoded.quality, pixels

    def measure_output(self, pixels: np.ndarray) -> tuple[float, float]:
        """Head share of the height and eye distance share of the width, measured afresh on
        an output image (the same way the pipeline checks its own output)."""
        head_ratio, eye_ratio, _ = self._remeasure(pixels)
        return head_ratio, eye_ratio

    def _remeasure(self, pixels: np.ndarray) -> tuple[float, float, float]:
        """On the finished photo: chin (landmark) to crown (outline on the white backdrop) over
        the height, eye distance (landmark eye centres) over the width, and the eye midpoint's
        offset from the middle over the width."""
        missing = (float("nan"), float("nan"), float("nan"))
        gray = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
        faces = find_faces_scaled(self.detector, gray, OUTPUT_DETECT_LONG_SIDE, OUTPUT_MIN_FACE_FRACTION)
        if not faces:
            return missing
        marks = landmarks.measure(self.landmarker, gray, faces[0])
        geometry = FaceGeometry(marks.eyes, from_eyes=True)
        extent = measure.head_extent(measure.head_patch(pixels, geometry))
        height, width = pixels.shape[:2]
        head = (extent.crown_above + marks.chin_below_eyes) * geometry.eye_distance
        offset = (geometry.midpoint.x - width / 2) / width
        return head / height, geometry.eye_distance / width, offset

    def _find_faces(self, gray: np.ndarray) -> list[FoundFace]:
        settings = self.detector_settings
        boxes = find_faces_scaled(self.detector, gray, settings.detect_long_side, settings.min_face_fraction)
        if boxes:
            return [FoundFace(box) for box in boxes]
        return self._find_tilted_face(gray)

    def _find_tilted_face(self, gray: np.ndarray) -> list[FoundFace]:
        """Search turned copies; eyes found there are mapped back, so the roll is the real one."""
        settings = self.detector_settings
        height, width = gray.shape[:2]
        centre = (width / 2, height / 2)
        for degrees in TILTED_SEARCH_DEGREES:
            matrix = cv2.getRotationMatrix2D(centre, degrees, 1.0)
            turned = cv2.warpAffine(gray, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
            boxes = find_faces_scaled(self.detector, turned, settings.detect_long_side, settings.min_face_fraction)
            if not boxes:
                continue
            back = cv2.invertAffineTransform(matrix)
            found = []
            for box in boxes:
                search = self.detector.find_eyes(turned, box)
                eyes = EyeSearch(search.pair.transformed(back) if search.pair else None, search.found)
                found.append(FoundFace(box.transformed(back), eyes))
            return found
        return []


def _frame_box(gray: np.ndarray) -> Box:
    height, width = gray.shape[:2]
    return Box(0.0, 0.0, float(width), float(height))


def head_layout(geometry: FaceGeometry, extent: HeadExtent, plan: crop.CropPlan) -> background.HeadLayout:
    """Where the head lies in the output of `plan` (also used by the live guide)."""
    eye = geometry.midpoint.transformed(plan.matrix)
    unit = geometry.eye_distance * plan.scale
    return background.HeadLayout(eye.x, eye.y - extent.crown_above * unit, eye.y,
                                 eye.y + extent.chin_below * unit, unit)


def _complete(results: list[CheckResult]) -> tuple[CheckResult, ...]:
    """Every check in the fixed order; those that never ran are marked NOT_RUN."""
    by_name = {r.name: r for r in results}
    return tuple(by_name.get(name) or checks.not_run(name, "an earlier check failed")
                 for name in checks.ALL_CHECKS)
