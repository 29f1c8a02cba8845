"""What flows and the photo pipeline see of a camera: the newest frame, a fresh still, a status.

A camera is a stream, not a request/answer device: the driver keeps reading in the
background and hands out only the newest frame, so a slow consumer (face detection, the
preview) never works on a picture from seconds ago. Failures that stop the picture are one
exception, `CameraError`, with a message key the screen can translate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from core.i18n import N_
from devices.base import DeviceError, DeviceStatus

if TYPE_CHECKING:
    import numpy as np

# Message keys a camera may hand to a screen (translations in assets/locale/*/kiosk.po).
MSG_UNAVAILABLE = N_("camera.unavailable")
MSG_NO_PICTURE = N_("camera.no_picture")


class CameraError(DeviceError):
    """The one exception of a camera: no picture can be had (unplugged, not opening, silent).

    `message_key` is for the citizen, `detail` (the source and OpenCV's view) for the log.
    """


@dataclass(frozen=True)
class Frame:
    """One captured picture. `image` is BGR and read-only (it is shared with other readers);
    `timestamp` is time.monotonic() when it was read; `sequence` counts frames from 1 and
    grows by more than one when frames were dropped because nobody asked for them."""

    image: np.ndarray
    timestamp: float
    sequence: int

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return self.image.shape[1], self.image.shape[0]


@runtime_checkable
class Camera(Protocol):
    kind: str

    def latest_frame(self) -> Frame | None:
        """The newest frame, or None when the camera has none that is current. Never blocks."""
        ...

    def capture_still(self) -> np.ndarray:
        """A frame read after this call began (a copy the caller may change). Raises CameraError."""
        ...

    def status(self) -> DeviceStatus:
        """READY (frames arriving), BUSY (starting up) or DISCONNECTED. Never raises."""
        ...

    def close(self) -> None:
        ...
