"""Step 3, check: each check turns one measurement into pass/fail against the spec or limits.

Every result keeps the measured value and the rule it was held to, so the CLI and the
technician's log show numbers, and a failing result carries a PhotoProblem whose message
key the screen shows. A check that could not be measured (no face, so no eyes) is NOT_RUN,
which never counts as passed.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any

from photo.background import BackgroundStats
from photo.border import MAX_OFF_SHARE
from photo.crop import CropPlan
from photo.detect import EyeSearch
from photo.measure import FaceTone
from photo.problems import (
    BackgroundBusy,
    BackgroundNotLight,
    BackgroundResidue,
    BackgroundUneven,
    BadExposure,
    Blurred,
    BorderNotBackground,
    EyeDistanceOff,
    EyesClosed,
    EyesNotFound,
    FaceCount,
    FaceTooLarge,
    FaceTooSmall,
    FileSizeOutOfWindow,
    HeadRatioOff,
    HeadTilted,
    LowContrast,
    MouthOpen,
    NotFacingCamera,
    OffCentre,
    PhotoProblem,
)
from photo.spec import PhotoSpec, QualityLimits

# The face's axis may sit this far (fraction of the width) from the output's middle.
CENTRED_MAX = 0.04

# Check names, in the order they run and are reported.
FACE_COUNT = "face_count"
EYES = "eyes"
ROLL = "roll"
YAW = "yaw"
PITCH = "pitch"
EYES_OPEN = "eyes_open"
MOUTH_CLOSED = "mouth_closed"
FACE_SIZE = "face_size"
POSITION = "position"
SHARPNESS = "sharpness"
EXPOSURE = "exposure"
CONTRAST = "contrast"
BACKGROUND_LIGHT = "background_light"
BACKGROUND_EVEN = "background_even"
BACKGROUND_PLAIN = "background_plain"
BACKGROUND_WHITE = "background_white"
BORDER = "border"
CENTRED = "centred"
HEAD_RATIO = "head_ratio"
EYE_DISTANCE = "eye_distance"
FILE_SIZE = "file_size"
ALL_CHECKS = (FACE_COUNT, EYES, ROLL, YAW, PITCH, EYES_OPEN, MOUTH_CLOSED, FACE_SIZE, POSITION,
              SHARPNESS, EXPOSURE, CONTRAST, BACKGROUND_LIGHT, BACKGROUND_EVEN, BACKGROUND_PLAIN,
              BACKGROUND_WHITE, BORDER, HEAD_RATIO, EYE_DISTANCE, CENTRED, FILE_SIZE)


class Status(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not_run"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    value: float | int | str | None
    rule: str
    problem: PhotoProblem | None = None

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def message_key(self) -> str | None:
        return self.problem.message_key if self.problem else None

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, float):
            value = round(float(value), 4) if math.isfinite(value) else None
        return {
            "check": self.name,
            "status": self.status.value,
            "value": value,
            "rule": self.rule,
            "problem": str(self.problem) if self.problem else None,
            "message_key": self.message_key,
        }


def not_run(name: str, reason: str) -> CheckResult:
    return CheckResult(name, Status.NOT_RUN, None, reason)


def _result(name: str, value: float | int | str, rule: str, problem: PhotoProblem | None) -> CheckResult:
    return CheckResult(name, Status.FAILED if problem else Status.PASSED, value, rule, problem)


def face_count(found: int) -> CheckResult:
    return _result(FACE_COUNT, found, "exactly 1", None if found == 1 else FaceCount(found=found))


def eyes(search: EyeSearch) -> CheckResult:
    found = 2 if search.pair else search.found
    return _result(EYES, found, "both found", None if search.pair else EyesNotFound(found=found))


def roll(degrees: float, spec: PhotoSpec) -> CheckResult:
    limit = spec.roll_max_degrees
    problem = HeadTilted(degrees, limit) if abs(degrees) > limit else None
    return _result(ROLL, degrees, f"|roll| <= {limit:g} deg (straightened)", problem)


def yaw(degrees: float | None, spec: PhotoSpec, quality: QualityLimits, mirrored: bool = False) -> CheckResult:
    """Positive yaw: the face turned towards the image's right, which on an unmirrored camera
    is the citizen's own left, so they are asked to turn (back) to their right."""
    limit = spec.yaw_max_degrees + quality.pose_margin_degrees
    if degrees is None or not math.isfinite(degrees):
        return not_run(YAW, "head pose not measurable")
    turn = "right" if (degrees > 0) != mirrored else "left"
    problem = NotFacingCamera("yaw", degrees, limit, turn) if abs(degrees) > limit else None
    return _result(YAW, degrees, f"|yaw| <= {limit:g} deg (landmark head pose)", problem)


def pitch(degrees_up: float | None, spec: PhotoSpec, quality: QualityLimits) -> CheckResult:
    """Positive pitch: chin raised."""
    limit = spec.pitch_max_degrees + quality.pose_margin_degrees
    if degrees_up is None or not math.isfinite(degrees_up):
        return not_run(PITCH, "head pose not measurable")
    turn = "chin_down" if degrees_up > 0 else "chin_up"
    problem = NotFacingCamera("pitch", degrees_up, limit, turn) if abs(degrees_up) > limit else None
    return _result(PITCH, degrees_up, f"|pitch| <= {limit:g} deg (landmark head pose)", problem)


def eyes_open(openness: float, quality: QualityLimits) -> CheckResult:
    limit = quality.eyes_open_min
    problem = EyesClosed(openness, limit) if openness < limit else None
    return _result(EYES_OPEN, openness, f"eye aspect ratio of each eye >= {limit:g}", problem)


def mouth_closed(gap: float, spec: PhotoSpec, quality: QualityLimits) -> CheckResult:
    if not quality.mouth_closed_for(spec.name):
        return not_run(MOUTH_CLOSED, f"not asked by the {spec.name} spec")
    limit = quality.mouth_gap_max
    problem = MouthOpen(gap, limit) if gap > limit else None
    return _result(MOUTH_CLOSED, gap, f"inner-lip gap / mouth width <= {limit:g}", problem)


def border(share: float, edge: str) -> CheckResult:
    limit = MAX_OFF_SHARE
    problem = BorderNotBackground(share, limit, edge) if share > limit else None
    return _result(BORDER, share, f"border band off the background colour <= {limit:.0%} on any side",
                   problem)


def centred(offset: float) -> CheckResult:
    """Eye midpoint's horizontal offset from the middle, as a fraction of the width (output)."""
    problem = OffCentre("left" if offset > 0 else "right", abs(offset)) if abs(offset) > CENTRED_MAX else None
    return _result(CENTRED, offset, f"|eye midpoint - middle| <= {CENTRED_MAX:.0%} of the width "
                   "(measured on the output)", problem)


def face_size(plan: CropPlan, spec: PhotoSpec, quality: QualityLimits,
              capture_size: tuple[int, int]) -> CheckResult:
    """Big enough not to be enlarged past max_upscale, small enough for the frame to hold
    the spec's margins (allowing the edge pad)."""
    min_head = spec.head_ratio_target * spec.height / quality.max_upscale
    capture_w, capture_h = capture_size
    room = 1.0 + 2.0 * quality.max_pad_fraction
    needed_h = spec.height / plan.scale
    needed_w = spec.width / plan.scale
    rule = f"{min_head:.0f} px <= head, frame holds {spec.width}x{spec.height} at that scale"
    if plan.head_px < min_head:
        return _result(FACE_SIZE, plan.head_px, rule, FaceTooSmall(plan.head_px, min_head))
    if needed_h > capture_h * room:
        return _result(FACE_SIZE, plan.head_px, rule, FaceTooLarge(needed_h, float(capture_h)))
    if needed_w > capture_w * room:
        return _result(FACE_SIZE, plan.head_px, rule, FaceTooLarge(needed_w, float(capture_w)))
    return _result(FACE_SIZE, plan.head_px, rule, None)


def position(plan: CropPlan, quality: QualityLimits, mirrored: bool = False,
             head_cut_at_top: bool = False) -> CheckResult:
    """The output may reach past the capture's edge by max_pad_fraction; beyond that the
    citizen must move. Directions are the citizen's own (see OffCentre). A head whose top
    the capture cuts off must move down whatever the pad."""
    over = plan.overshoot
    if head_cut_at_top:
        return _result(POSITION, over.top, "the whole head inside the frame",
                       OffCentre("down", over.top))
    allowed_x = quality.max_pad_fraction * plan.width
    allowed_y = quality.max_pad_fraction * plan.height
    excess = {
        "left": over.left - allowed_x,
        "right": over.right - allowed_x,
        "down": over.top - allowed_y,  # head too high in the frame
        "up": over.bottom - allowed_y,
    }
    direction, worst = max(excess.items(), key=lambda item: item[1])
    rule = f"reaches past the frame by <= {quality.max_pad_fraction:.0%}"
    value = max(over.left, over.right, over.top, over.bottom)
    if worst <= 0:
        return _result(POSITION, value, rule, None)
    if mirrored and direction in ("left", "right"):
        direction = "right" if direction == "left" else "left"
    return _result(POSITION, value, rule, OffCentre(direction, worst))


def sharpness(value: float, quality: QualityLimits) -> CheckResult:
    problem = Blurred(value, quality.min_sharpness) if value < quality.min_sharpness else None
    return _result(SHARPNESS, value, f">= {quality.min_sharpness:g}", problem)


def exposure(tone: FaceTone, quality: QualityLimits) -> CheckResult:
    low, high = quality.face_brightness_min, quality.face_brightness_max
    rule = f"{low:g} <= brightness <= {high:g}, clipped <= {quality.max_clipped_fraction:.0%}"
    problem: PhotoProblem | None = None
    if tone.brightness < low:
        problem = BadExposure(tone.brightness, tone.clipped_fraction, too_dark=True)
    elif tone.brightness > high:
        problem = BadExposure(tone.brightness, tone.clipped_fraction, too_dark=False)
    elif tone.clipped_fraction > quality.max_clipped_fraction:
        problem = BadExposure(tone.brightness, tone.clipped_fraction, too_dark=tone.too_dark_side)
    return _result(EXPOSURE, tone.brightness, rule, problem)


def contrast(tone: FaceTone, quality: QualityLimits) -> CheckResult:
    problem = LowContrast(tone.contrast, quality.min_contrast) if tone.contrast < quality.min_contrast else None
    return _result(CONTRAST, tone.contrast, f">= {quality.min_contrast:g}", problem)


def background_light(stats: BackgroundStats, quality: QualityLimits) -> CheckResult:
    rule = f"L* >= {quality.background_min_lightness:g}, chroma <= {quality.background_max_chroma:g}"
    light = stats.lightness >= quality.background_min_lightness
    neutral = stats.chroma <= quality.background_max_chroma
    problem = None if light and neutral else BackgroundNotLight(stats.lightness, stats.chroma)
    return _result(BACKGROUND_LIGHT, stats.lightness, rule, problem)


def background_even(stats: BackgroundStats, quality: QualityLimits) -> CheckResult:
    limit = quality.background_max_unevenness
    problem = BackgroundUneven(stats.unevenness, limit) if stats.unevenness > limit else None
    return _result(BACKGROUND_EVEN, stats.unevenness, f"L* spread <= {limit:g}", problem)


def background_plain(stats: BackgroundStats, quality: QualityLimits) -> CheckResult:
    limit = quality.background_max_clutter
    problem = BackgroundBusy(stats.clutter, limit) if stats.clutter > limit else None
    return _result(BACKGROUND_PLAIN, stats.clutter, f"clutter <= {limit:.0%}", problem)


def background_white(share: float, quality: QualityLimits) -> CheckResult:
    limit = quality.background_max_residue
    problem = BackgroundResidue(share, limit) if share > limit else None
    return _result(BACKGROUND_WHITE, share, f"grey left after whitening <= {limit:.0%}", problem)


def head_ratio(ratio: float, spec: PhotoSpec) -> CheckResult:
    low, high = spec.head_ratio_min, spec.head_ratio_max
    ok = low <= ratio <= high
    return _result(HEAD_RATIO, ratio, f"{low:g}-{high:g} of the height (measured on the output)",
                   None if ok else HeadRatioOff(ratio, low, high))


def eye_distance(ratio: float, spec: PhotoSpec) -> CheckResult:
    low, high = spec.eye_distance_min, spec.eye_distance_max
    ok = low <= ratio <= high
    return _result(EYE_DISTANCE, ratio, f"{low:g}-{high:g} of the width (measured on the output)",
                   None if ok else EyeDistanceOff(ratio, low, high))


def file_size(size: int, spec: PhotoSpec) -> CheckResult:
    ok = spec.min_bytes <= size <= spec.max_bytes
    return _result(FILE_SIZE, size, f"{spec.min_bytes}-{spec.max_bytes} bytes",
                   None if ok else FileSizeOutOfWindow(size, spec.min_bytes, spec.max_bytes))


def file_size_failed(problem: FileSizeOutOfWindow) -> CheckResult:
    return _result(FILE_SIZE, problem.size_bytes, f"{problem.min_bytes}-{problem.max_bytes} bytes", problem)
