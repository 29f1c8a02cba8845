"""What flows see of the fingerprint scanner: a few verbs, a quality verdict, one exception.

The scanner takes an image when a finger is on the glass, says whether the image is good
enough to extract features from (the module's own verdict: good, too messy, too few
features), and hands the image over. Everything that means "the module or the line is not
working" is one exception, `FingerprintError`. A certified USB collector goes behind the same
contract later through a vendor-SDK adapter.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from core.i18n import N_
from devices.base import DeviceError, DeviceStatus

MSG_NO_FINGER = N_("fingerprint.no_finger")
MSG_POOR_IMAGE = N_("fingerprint.poor_image")
MSG_WRONG_PASSWORD = N_("fingerprint.wrong_password")
MSG_BAD_FRAME = N_("fingerprint.bad_frame")
MSG_TIMEOUT = N_("fingerprint.timeout")
MSG_DISCONNECTED = N_("fingerprint.disconnected")
MSG_MODULE_FAULT = N_("fingerprint.module_fault")


class FingerprintError(DeviceError):
    """The one exception of the fingerprint scanner and its protocol parsers.

    `code` is the module's confirmation code when the module itself refused, else None.
    `detail` is for the technician's log (never an image).
    """

    def __init__(self, message_key: str, detail: str = "", code: int | None = None) -> None:
        super().__init__(message_key, detail)
        self.code = code


class Quality(enum.Enum):
    """The module's verdict on an image (its Img2Tz answer)."""

    GOOD = "good"
    TOO_MESSY = "too_messy"  # smudged, wet, moved: place the finger again
    TOO_FEW_FEATURES = "too_few_features"  # too light or too small: press flatter

    @property
    def usable(self) -> bool:
        return self is Quality.GOOD


@dataclass(frozen=True)
class FingerImage:
    """One image as the sensor took it: `pixels` is width x height bytes, each 0..15, row-major."""

    width: int
    height: int
    pixels: bytes

    def greyscale(self) -> bytes:
        """8-bit greyscale, each 4-bit value times 17 (0 -> 0, 15 -> 255)."""
        return self.pixels.translate(_TIMES_17)


_TIMES_17 = bytes((b * 17) & 0xFF for b in range(256))


@runtime_checkable
class FingerprintScanner(Protocol):
    """The fingerprint scanner as flows, the technician command and the device manager use it."""

    kind: str

    def take_image(self) -> bool:
        """Take an image if a finger is on the glass: True when taken, False when no finger."""
        ...

    def judge_image(self) -> Quality:
        """The module's verdict on the image last taken."""
        ...

    def download_image(self) -> FingerImage:
        """The image last taken, as the sensor saw it."""
        ...

    def status(self) -> DeviceStatus:
        """READY, ERROR (e.g. the password refused) or DISCONNECTED. Never raises."""
        ...

    def close(self) -> None:
        ...


# How often a capture asks the module whether a finger is on the glass.
FINGER_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Capture:
    image: FingerImage
    quality: Quality
    tries: int  # images taken until this one (poor ones included)


def capture_finger(scanner: FingerprintScanner, timeout: float, tries: int = 3,
                   on_poor: Callable[[Quality, int], None] | None = None,
                   poll_seconds: float = FINGER_POLL_SECONDS) -> Capture:
    """Wait for a finger (up to `timeout` seconds for each try), judge its image, and download
    it when good. A poor image calls `on_poor(verdict, try_number)` (the prompt to lift and
    place again) and tries again, `tries` times in all; the last poor verdict is then raised
    as FingerprintError(MSG_POOR_IMAGE). No finger in time: FingerprintError(MSG_NO_FINGER)."""
    verdict = Quality.GOOD
    for attempt in range(1, tries + 1):
        deadline = time.monotonic() + timeout
        while not scanner.take_image():
            if time.monotonic() >= deadline:
                raise FingerprintError(MSG_NO_FINGER, f"no finger on the glass within {timeout:g} s")
            time.sleep(poll_seconds)
        verdict = scanner.judge_image()
        if verdict.usable:
            return Capture(scanner.download_image(), verdict, attempt)
        if on_poor is not None:
            on_poor(verdict, attempt)
    raise FingerprintError(MSG_POOR_IMAGE, f"image still {verdict.value} after {tries} tries")


__all__ = ["Capture", "DeviceStatus", "FingerImage", "FingerprintError", "FingerprintScanner",
           "Quality", "capture_finger"]
