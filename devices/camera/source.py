"""Where a camera's picture comes from: a device index, a V4L2 device path, a stream URL or a file.

The four behave differently in ways the driver must respect: a device blocks on each read
at its own frame rate, a file must be paced and looped, a stream needs open/read timeouts
so a dead network camera cannot hang the capture thread, and a path that disappears (the
device node on unplug, a file taken away) means the camera is gone.
"""

from __future__ import annotations

import enum
import os
import re
from dataclasses import dataclass


class SourceKind(enum.Enum):
    INDEX = "index"  # /dev/videoN by number (OpenCV picks the backend)
    DEVICE_PATH = "device_path"  # a V4L2 node, e.g. /dev/video0 or /dev/v4l/by-id/...
    STREAM = "stream"  # rtsp://, http://, ... (through FFmpeg)
    FILE = "file"  # a video file, played at the configured rate and looped


@dataclass(frozen=True)
class CameraSource:
    kind: SourceKind
    value: int | str

    @classmethod
    def parse(cls, value: int | str) -> CameraSource:
        """Read a configured source: 0 or "0" is an index, "/dev/..." a device, "x://..." a URL,
        anything else a video file."""
        if isinstance(value, bool):
            raise ValueError("a camera source is a number, a device path, a URL or a file path")
        if isinstance(value, int) or value.strip().isdigit():
            index = int(value)
            if index < 0:
                raise ValueError(f"camera index {index} is negative")
            return cls(SourceKind.INDEX, index)
        text = value.strip()
        if not text:
            raise ValueError("empty camera source")
        if "://" in text:
            return cls(SourceKind.STREAM, text)
        if text.startswith("/dev/"):
            return cls(SourceKind.DEVICE_PATH, text)
        return cls(SourceKind.FILE, os.path.expanduser(text))

    @property
    def is_live(self) -> bool:
        """A camera that delivers at its own rate (reads block), as opposed to a file."""
        return self.kind in (SourceKind.INDEX, SourceKind.DEVICE_PATH, SourceKind.STREAM)

    @property
    def watched_path(self) -> str | None:
        """A path whose disappearance means the camera is gone (checked before each frame)."""
        return self.value if self.kind in (SourceKind.DEVICE_PATH, SourceKind.FILE) else None  # type: ignore[return-value]

    def __str__(self) -> str:
        """For logs and messages: a stream URL's user and password are hidden."""
        shown = re.sub(r"//[^/@]*@", "//***@", self.value) if isinstance(self.value, str) else self.value
        return f"{_LABELS[self.kind]} {shown}"


_LABELS = {
    SourceKind.INDEX: "camera index",
    SourceKind.DEVICE_PATH: "V4L2 device",
    SourceKind.STREAM: "stream",
    SourceKind.FILE: "video file",
}
