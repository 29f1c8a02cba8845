"""Live guidance: one piece of advice per preview frame, and an automatic capture.

`LiveGuide(...).update(frame, now)` judges a preview frame (640 x 480 at 30 fps or more, on
one core) with the same geometry as the still pipeline, says the single most important
thing to change, and runs the countdown: once frames have passed for `stable_pass_seconds`
it counts `countdown_seconds` down and then asks the flow to capture the still. The clock
is passed in (`now`, seconds), so tests and the flow drive time; nothing here sleeps.

Advice, most important first: one person only / no face, come closer / step back, move
left/right/up/down, straighten head, too dark / too bright, turn slightly left/right, lift or
lower the chin, open your eyes, close your mouth, background not white / uneven / busy, hold
still. Pose, eyes and mouth come from the same 68 landmarks and checks as the still
(photo/landmarks.py, ~3 ms a face); the backdrop is judged as the still judges it, inside the
frame's would-be crop, every BACKDROP_EVERY frames (it moves less than the citizen does).
The frame must pass with a little room to spare (GUIDE_UPSCALE_MARGIN, no edge padding)
so the still, taken a moment later, passes too.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from core.face_model import Dlib68Landmarker, FaceLandmarker
from core.i18n import N_
from photo import background, checks, crop, landmarks, measure
from photo.detect import EyeSearch, FaceDetector, HaarDetector
from photo.geometry import Box, EyePair, Point
from photo.measure import FaceGeometry, HeadExtent
from photo.pipeline import head_layout
from photo.problems import BadExposure, FaceCount, Moving, PhotoProblem
from photo.spec import DetectorSettings, GuidanceSettings, PhotoSettings, PhotoSpec, QualityLimits

# Live frames search eyes in an 80 px face (about 1.5 ms instead of 5 ms for the still).
# (A coarser face pyramid, 1.2, was tried: it misses the small faces that need "come closer".)
GUIDE_EYE_SEARCH_WIDTH = 80
# Ask to come closer until the head is this much bigger than the still's minimum.
GUIDE_UPSCALE_MARGIN = 1.1
# Mean brightness of a frame with no face that is "too dark" rather than empty. (A bright
# empty frame is just the white backdrop: "no face" is the right advice there.)
DARK_FRAME = 45.0
# Between full searches the face is looked for only near where it was and at about its
# size (the cascade's cost is mostly windows around a big face at every scale). Every
# FULL_SEARCH_EVERY frames the rest of the frame is searched too, with the tracked face
# blanked out (so its costly windows are skipped): a second person is found within a fifth
# of a second at 30 fps.
FULL_SEARCH_EVERY = 6
BLANK_MARGIN = 0.15  # face widths blanked around the tracked face
# The search for other faces runs this narrow (a face must then be a sixth of the frame
# high to be seen: someone that close is in the photo; anyone farther is not).
OTHERS_SEARCH_WIDTH = 160
MIN_CASCADE_FACE = 20  # pixels; the cascades' own window is 20-24 px
TRACK_MARGIN = 0.5  # face widths around the last face
TRACK_SIZE_RANGE = (0.75, 1.35)
# Proportions stand in for the head outline on preview frames (cheaper, and close enough to
# frame the citizen; the still measures the outline).
PREVIEW_EXTENT = HeadExtent(measure.CROWN_ABOVE_EYES, measure.CHIN_BELOW_EYES, None)
# The backdrop (light, even, plain) is judged on the first passing frame and then every this
# many frames (once a second at 30 fps), the verdict held in between: it costs ~14 ms (render
# the would-be crop, analyse it), which would break the 15 ms frame budget if paid often.
BACKDROP_EVERY = 30


class GuideState(enum.Enum):
    SEARCHING = "searching"  # the frame does not pass; the advice says why
    HOLDING = "holding"  # passing; waiting for it to stay so for stable_pass_seconds
    COUNTDOWN = "countdown"  # passing and stable; counting down to the capture
    CAPTURE = "capture"  # take the still now (reported once)
    CAPTURED = "captured"  # waiting for the flow to judge the still and reset()


@dataclass(frozen=True)
class FrameVerdict:
    """One preview frame judged: the first problem (None when it passes) and the numbers."""

    problem: PhotoProblem | None
    face: Box | None = None
    eyes: EyePair | None = None
    measured: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Guidance:
    """What the screen shows for one frame."""

    message_key: str
    state: GuideState
    seconds_left: int | None = None
    problem: PhotoProblem | None = None
    face: Box | None = None
    measured: dict[str, float] = field(default_factory=dict)

    @property
    def capture(self) -> bool:
        return self.state is GuideState.CAPTURE

    @property
    def message_values(self) -> dict[str, Any]:
        """Placeholders for the message (`{seconds}` of the countdown)."""
        return {"seconds": self.seconds_left} if self.seconds_left is not None else {}


class FrameJudge:
    """Judges preview frames; it remembers only the last face (to track it) and eye position
    (to see motion)."""

    def __init__(self, spec: PhotoSpec, quality: QualityLimits, guidance: GuidanceSettings,
                 detector_settings: DetectorSettings, detector: FaceDetector | None = None,
                 mirrored: bool = False, landmarker: FaceLandmarker | None = None) -> None:
        self.spec = spec
        self.quality = quality
        # The frame must pass with room to spare, so the still taken a moment later passes too.
        self.strict = dataclasses.replace(quality, max_upscale=quality.max_upscale / GUIDE_UPSCALE_MARGIN,
                                          max_pad_fraction=0.0)
        self.guidance = guidance
        self.detector_settings = detector_settings
        self.detector = detector or HaarDetector.from_settings(detector_settings, GUIDE_EYE_SEARCH_WIDTH)
        self.mirrored = mirrored
        self.landmarker = landmarker or Dlib68Landmarker()
        self._last_eyes: Point | None = None
        self._last_face: Box | None = None
        self._frames_since_full_search = 0
        self._backdrop_problem: PhotoProblem | None = None
        self._frames_since_backdrop = BACKDROP_EVERY

    def forget(self) -> None:
        """Drop what was remembered of earlier frames (a new citizen, or a new attempt)."""
        self._last_eyes = None
        self._last_face = None
        self._backdrop_problem = None
        self._frames_since_backdrop = BACKDROP_EVERY

    def judge(self, frame: np.ndarray) -> FrameVerdict:
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        faces = self._faces(gray)
        if len(faces) != 1:
            self._last_eyes = None
            return FrameVerdict(self._no_single_face(gray, len(faces)), measured={"faces": len(faces)})
        face = faces[0]
        search = self.detector.find_eyes(gray, face)
        geometry = FaceGeometry(search.pair, True) if search.pair else FaceGeometry.from_face_box(face)
        tone = measure.face_tone(gray, face)
        measured: dict[str, float] = {"faces": 1, "brightness": tone.brightness}
        verdict = self._framing(gray, geometry, measured)
        if verdict is None:
            verdict = self._pose_and_light(gray, face, search.pair, geometry, tone, measured)
        if verdict is None:
            verdict = self._backdrop(frame, geometry)
        self._remember(search.pair)
        return FrameVerdict(verdict, face, search.pair, measured)

    def _faces(self, gray: np.ndarray) -> list[Box]:
        height, width = gray.shape[:2]
        scale = min(1.0, self.guidance.detect_width / width)
        small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
        min_size = max(20, int(self.detector_settings.min_face_fraction * min(small.shape[:2])))
        tracked = self._track(small, self._last_face.scaled(scale)) if self._last_face else None
        if tracked is None:
            faces = self.detector.find_faces(small, min_size)
            self._frames_since_full_search = 0
        elif self._frames_since_full_search >= FULL_SEARCH_EVERY:
            faces = tracked + self._others(small, tracked[0])
            self._frames_since_full_search = 0
        else:
            faces = tracked
        self._frames_since_full_search += 1
        boxes = [box.scaled(1 / scale) for box in faces]
        self._last_face = boxes[0] if len(boxes) == 1 else None
        return boxes

    def _track(self, small: np.ndarray, last: Box) -> list[Box] | None:
        """The face near its last place and size, or None (then a full search follows)."""
        margin = TRACK_MARGIN * last.w
        region = Box(last.x - margin, last.y - margin, last.w + 2 * margin, last.h + 2 * margin)
        rows, cols = region.clipped_slices(small.shape)
        low, high = TRACK_SIZE_RANGE
        found = self.detector.find_faces(small[rows, cols], max(20, int(low * last.w)), int(high * last.w))
        if len(found) != 1:
            return None
        return [found[0].moved(cols.start, rows.start)]

    def _others(self, small: np.ndarray, tracked: Box) -> list[Box]:
        """Other faces, searched with the tracked one blanked, at OTHERS_SEARCH_WIDTH."""
        factor = min(1.0, OTHERS_SEARCH_WIDTH / small.shape[1])
        blanked = _blanked(small, tracked)
        tiny = cv2.resize(blanked, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        return [box.scaled(1 / factor) for box in self.detector.find_faces(tiny, MIN_CASCADE_FACE)]

    def _no_single_face(self, gray: np.ndarray, count: int) -> PhotoProblem:
        if count == 0:
            brightness = float(gray.mean())
            if brightness < DARK_FRAME:
                return BadExposure(brightness, 0.0, too_dark=True)
        return FaceCount(found=count)

    def _framing(self, gray: np.ndarray, geometry: FaceGeometry, measured: dict[str, float]) -> PhotoProblem | None:
        """Size and position, judged as the still will be: in capture pixels."""
        height, width = gray.shape[:2]
        to_capture = self.guidance.capture_height / height
        scaled = FaceGeometry(geometry.eyes.scaled(to_capture), geometry.from_eyes)
        capture_size = (int(round(width * to_capture)), self.guidance.capture_height)
        plan = crop.plan_crop(scaled, PREVIEW_EXTENT, self.spec, capture_size)
        size = checks.face_size(plan, self.spec, self.strict, capture_size)
        measured["head_px"] = plan.head_px
        if size.problem:
            return size.problem
        return checks.position(plan, self.strict, self.mirrored).problem

    def _pose_and_light(self, gray: np.ndarray, face: Box, eyes: EyePair | None,
                        geometry: FaceGeometry, tone: measure.FaceTone,
                        measured: dict[str, float]) -> PhotoProblem | None:
        exposure = checks.exposure(tone, self.quality).problem
        if eyes is None:
            return exposure or checks.eyes(EyeSearch(None, 0)).problem
        measured["roll"] = geometry.roll_degrees
        roll = checks.roll(geometry.roll_degrees, self.spec).problem
        if roll:
            return roll
        if exposure:
            return exposure
        marks = landmarks.measure(self.landmarker, gray, face)
        measured.update(yaw=marks.pose.yaw, pitch=marks.pose.pitch, eyes_open=marks.eyes_open,
                        mouth_gap=marks.mouth_gap)
        for result in (checks.yaw(marks.pose.yaw, self.spec, self.quality, self.mirrored),
                       checks.pitch(marks.pose.pitch, self.spec, self.quality),
                       checks.eyes_open(marks.eyes_open, self.quality),
                       checks.mouth_closed(marks.mouth_gap, self.spec, self.quality)):
            if result.problem:
                return result.problem
        motion = self._motion(eyes)
        measured["motion"] = motion
        if motion > self.guidance.max_motion:
            return Moving(motion, self.guidance.max_motion)
        sharp = measure.sharpness(gray, face)
        measured["sharpness"] = sharp
        return checks.sharpness(sharp, self.quality).problem

    def _backdrop(self, frame: np.ndarray, geometry: FaceGeometry) -> PhotoProblem | None:
        """Light, even and plain inside the crop this frame would give (checked every
        BACKDROP_EVERY frames, the verdict kept in between)."""
        if self._frames_since_backdrop >= BACKDROP_EVERY:
            height, width = frame.shape[:2]
            plan = crop.plan_crop(geometry, PREVIEW_EXTENT, self.spec, (width, height))
            pixels, outside = crop.render(frame, plan)
            stats = background.analyse(pixels, head_layout(geometry, PREVIEW_EXTENT, plan), outside).stats
            results = (checks.background_light(stats, self.quality), checks.background_even(stats, self.quality),
                       checks.background_plain(stats, self.quality))
            self._backdrop_problem = next((r.problem for r in results if r.problem), None)
            self._frames_since_backdrop = 0
        self._frames_since_backdrop += 1
        return self._backdrop_problem

    def _motion(self, eyes: EyePair) -> float:
        """Eye midpoint movement since the last frame, in eye distances (0 on the first frame)."""
        if self._last_eyes is None:
            return 0.0
        mid = eyes.midpoint
        return math.hypot(mid.x - self._last_eyes.x, mid.y - self._last_eyes.y) / eyes.distance

    def _remember(self, eyes: EyePair | None) -> None:
        self._last_eyes = eyes.midpoint if eyes else None


def _blanked(small: np.ndarray, face: Box) -> np.ndarray:
    """The frame with `face` (and a margin) painted flat, for searching the other faces."""
    margin = BLANK_MARGIN * face.w
    rows, cols = Box(face.x - margin, face.y - margin, face.w + 2 * margin, face.h + 2 * margin
                     ).clipped_slices(small.shape)
    blanked = small.copy()
    blanked[rows, cols] = int(small[rows, cols].mean()) if small[rows, cols].size else 0
    return blanked


class LiveGuide:
    """The countdown state machine over FrameJudge's verdicts. Call reset() to start over
    (after the still was refused, or for the next citizen)."""

    def __init__(self, spec: PhotoSpec, quality: QualityLimits, settings: GuidanceSettings,
                 detector_settings: DetectorSettings, detector: FaceDetector | None = None,
                 mirrored: bool = False, landmarker: FaceLandmarker | None = None) -> None:
        self.judge = FrameJudge(spec, quality, settings, detector_settings, detector, mirrored, landmarker)
        self.settings = settings
        self.reset()

    @classmethod
    def from_settings(cls, settings: PhotoSettings, spec_name: str | None = None,
                      detector: FaceDetector | None = None,
                      landmarker: FaceLandmarker | None = None) -> LiveGuide:
        return cls(settings.spec(spec_name), settings.quality, settings.guidance, settings.detector,
                   detector, settings.frames_mirrored, landmarker)

    def reset(self) -> None:
        self.state = GuideState.SEARCHING
        self._passing_since: float | None = None
        self._countdown_from: float | None = None
        self._failing_since: float | None = None
        self.judge.forget()

    def update(self, frame: np.ndarray, now: float) -> Guidance:
        """Judge `frame` taken at `now` (seconds on any steady clock) and advance the countdown."""
        if self.state in (GuideState.CAPTURE, GuideState.CAPTURED):
            self.state = GuideState.CAPTURED
            return Guidance(N_("photo.captured"), self.state)
        verdict = self.judge.judge(frame)
        if verdict.problem is None:
            return self._passing(verdict, now)
        return self._failing(verdict, now)

    def _passing(self, verdict: FrameVerdict, now: float) -> Guidance:
        self._failing_since = None
        if self._passing_since is None:
            self._passing_since = now
            self.state = GuideState.HOLDING
        if self.state is GuideState.HOLDING and now - self._passing_since >= self.settings.stable_pass_seconds:
            self.state = GuideState.COUNTDOWN
            self._countdown_from = now
        return self._progress(verdict, now)

    def _failing(self, verdict: FrameVerdict, now: float) -> Guidance:
        # Only a lost face is forgiven for a moment (the cascade misses single frames); any
        # other failure is real and resets the countdown at once.
        if self.state is not GuideState.SEARCHING and verdict.problem == FaceCount(found=0):
            if self._failing_since is None:
                self._failing_since = now
            if now - self._failing_since < self.settings.dropout_grace_seconds:
                return self._progress(verdict, now)  # a missed detection does not reset the count
        self.state = GuideState.SEARCHING
        self._passing_since = self._countdown_from = self._failing_since = None
        problem = verdict.problem
        assert problem is not None
        return Guidance(problem.message_key, self.state, None, problem, verdict.face, verdict.measured)

    def _progress(self, verdict: FrameVerdict, now: float) -> Guidance:
        if self.state is GuideState.COUNTDOWN:
            assert self._countdown_from is not None
            left = self.settings.countdown_seconds - (now - self._countdown_from)
            if left <= 0:
                self.state = GuideState.CAPTURE
                return Guidance(N_("photo.captured"), self.state, 0, None, verdict.face, verdict.measured)
            return Guidance(N_("photo.countdown"), self.state, math.ceil(left), None, verdict.face,
                            verdict.measured)
        return Guidance(N_("photo.hold_still"), self.state, None, None, verdict.face, verdict.measured)
