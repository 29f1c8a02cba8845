"""What can be wrong with a photo, each carrying what was measured.

A refused photo must tell the citizen exactly what to change ("come closer", not "photo
invalid"), and tell the technician why (the measured value and the limit). Each problem is
a small frozen dataclass with a message key for the screen; they are exceptions too, so a
flow may raise one, but the pipeline returns them inside its check results.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from core.i18n import N_


@dataclass(frozen=True)
class PhotoProblem(Exception):
    """Base of every photo problem; `message_key` is what the citizen sees."""

    message_key: ClassVar[str] = N_("photo.retake")

    def measured(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        values = ", ".join(f"{k}={_short(v)}" for k, v in self.measured().items())
        return f"{type(self).__name__}({values})"


@dataclass(frozen=True)
class FaceCount(PhotoProblem):
    found: int

    @property
    def message_key(self) -> str:  # type: ignore[override]
        return N_("photo.no_face") if self.found == 0 else N_("photo.one_person_only")


@dataclass(frozen=True)
class EyesNotFound(PhotoProblem):
    found: int
    message_key: ClassVar[str] = N_("photo.show_both_eyes")


@dataclass(frozen=True)
class FaceTooSmall(PhotoProblem):
    """The head is too small in the capture: the output would be enlarged too much."""

    head_px: float
    min_head_px: float
    message_key: ClassVar[str] = N_("photo.come_closer")


@dataclass(frozen=True)
class FaceTooLarge(PhotoProblem):
    """The head (with the spec's margins) does not fit in the capture."""

    needed_px: float
    available_px: float
    message_key: ClassVar[str] = N_("photo.step_back")


@dataclass(frozen=True)
class OffCentre(PhotoProblem):
    """The crop reaches past the capture's edge on one side.

    `direction` is where the citizen should move, in the citizen's own terms: a face near
    the left edge of the (unmirrored) camera image stands to the citizen's right, so the
    citizen must move to their left.
    """

    direction: str  # "left", "right", "up", "down"
    overshoot_px: float

    @property
    def message_key(self) -> str:  # type: ignore[override]
        return {
            "left": N_("photo.move_left"),
            "right": N_("photo.move_right"),
            "up": N_("photo.move_up"),
            "down": N_("photo.move_down"),
        }[self.direction]


@dataclass(frozen=True)
class HeadTilted(PhotoProblem):
    roll_degrees: float
    limit_degrees: float
    message_key: ClassVar[str] = N_("photo.straighten_head")


@dataclass(frozen=True)
class NotFacingCamera(PhotoProblem):
    """Yaw or pitch (landmark head pose, photo/landmarks.py) past the limit.

    `turn` says what the citizen should do, in their own terms: "left"/"right" (turn the head
    slightly towards their own left/right), "chin_up"/"chin_down"; empty: just look straight.
    """

    axis: str  # "yaw" or "pitch"
    degrees: float
    limit_degrees: float
    turn: str = ""

    @property
    def message_key(self) -> str:  # type: ignore[override]
        return {
            "left": N_("photo.turn_left"),
            "right": N_("photo.turn_right"),
            "chin_up": N_("photo.lift_chin"),
            "chin_down": N_("photo.lower_chin"),
        }.get(self.turn, N_("photo.look_straight"))


@dataclass(frozen=True)
class EyesClosed(PhotoProblem):
    """The less open eye's aspect ratio (landmarks) is below the minimum."""

    openness: float
    minimum: float
    message_key: ClassVar[str] = N_("photo.open_eyes")


@dataclass(frozen=True)
class MouthOpen(PhotoProblem):
    """The inner-lip gap over the mouth width is above the maximum."""

    gap: float
    maximum: float
    message_key: ClassVar[str] = N_("photo.close_mouth")


@dataclass(frozen=True)
class BorderNotBackground(PhotoProblem):
    """Part of the finished photo's border band (top, sides down to the shoulders) is not the
    spec's background: a strip, an object or a colour at an edge."""

    share: float
    maximum: float
    edge: str  # "top", "left" or "right": where most of it is
    message_key: ClassVar[str] = N_("photo.background_busy")


@dataclass(frozen=True)
class Blurred(PhotoProblem):
    sharpness: float
    minimum: float
    message_key: ClassVar[str] = N_("photo.hold_still")


@dataclass(frozen=True)
class Moving(PhotoProblem):
    """Live guidance: the eyes moved this far (eye distances) since the last frame."""

    motion: float
    maximum: float
    message_key: ClassVar[str] = N_("photo.hold_still")


@dataclass(frozen=True)
class BadExposure(PhotoProblem):
    brightness: float
    clipped_fraction: float
    too_dark: bool

    @property
    def message_key(self) -> str:  # type: ignore[override]
        return N_("photo.too_dark") if self.too_dark else N_("photo.too_bright")


@dataclass(frozen=True)
class LowContrast(PhotoProblem):
    contrast: float
    minimum: float
    message_key: ClassVar[str] = N_("photo.flat_light")


@dataclass(frozen=True)
class BackgroundNotLight(PhotoProblem):
    lightness: float
    chroma: float
    message_key: ClassVar[str] = N_("photo.background_not_white")


@dataclass(frozen=True)
class BackgroundUneven(PhotoProblem):
    unevenness: float
    maximum: float
    message_key: ClassVar[str] = N_("photo.background_uneven")


@dataclass(frozen=True)
class BackgroundResidue(PhotoProblem):
    """After whitening, this share of the backdrop is still grey (mottling, a soft shadow)."""

    share: float
    maximum: float
    message_key: ClassVar[str] = N_("photo.background_uneven")


@dataclass(frozen=True)
class BackgroundBusy(PhotoProblem):
    clutter: float
    maximum: float
    message_key: ClassVar[str] = N_("photo.background_busy")


@dataclass(frozen=True)
class HeadRatioOff(PhotoProblem):
    """Measured on the output: the head does not fill the spec's share of the height."""

    ratio: float
    minimum: float
    maximum: float
    message_key: ClassVar[str] = N_("photo.retake")


@dataclass(frozen=True)
class EyeDistanceOff(PhotoProblem):
    ratio: float
    minimum: float
    maximum: float
    message_key: ClassVar[str] = N_("photo.retake")


@dataclass(frozen=True)
class FileSizeOutOfWindow(PhotoProblem):
    size_bytes: int
    min_bytes: int
    max_bytes: int
    message_key: ClassVar[str] = N_("photo.retake")


@dataclass(frozen=True)
class RetakesExhausted(PhotoProblem):
    """For the flow: the citizen has been refused `attempts` times ([photo] retakes_limit)."""

    attempts: int
    message_key: ClassVar[str] = N_("photo.retakes_exhausted")


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else repr(value)
