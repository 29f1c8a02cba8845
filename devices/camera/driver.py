"""The camera driver: OpenCV VideoCapture read by a background thread that keeps only the newest frame.

Why a thread: VideoCapture.read() blocks for a frame period and a device buffers frames
while nobody reads, so reading on demand hands out stale pictures. The thread reads
continuously and replaces a single slot; consumers take the newest frame or wait for the
next one. Read failures, a vanished device node or a silent stream mark the camera
DISCONNECTED, and the thread reopens it with a growing pause until it comes back.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from devices.base import DeviceStatus, StatusLog
from devices.camera.contract import MSG_NO_PICTURE, MSG_UNAVAILABLE, CameraError, Frame
from devices.camera.source import CameraSource, SourceKind

if TYPE_CHECKING:
    import cv2
    import numpy as np

    from devices.factory import DeviceContext

__all__ = ["CameraError", "Frame", "OpenCvCamera", "build"]

log = logging.getLogger(__name__)

# Network cameras: give up opening / waiting for a frame after this long (FFmpeg honours both).
STREAM_OPEN_TIMEOUT_MS = 5000
STREAM_READ_TIMEOUT_MS = 3000
# A live camera may drop a frame now and then; this many failed reads in a row mean it is gone.
READ_FAILURES_BEFORE_DISCONNECT = 5
FAILED_READ_PAUSE = 0.05
# Reopening a disconnected camera: first pause, doubled after each failure up to the maximum.
RECONNECT_BACKOFF_FIRST = 0.25
RECONNECT_BACKOFF_MAX = 2.0
# No new frame for this long means the camera is not working, even if the capture thread is
# stuck inside a read that never returns (a wedged USB camera does that).
STALE_FRAME_SECONDS = 2.0
# capture_still() waits this long for the next frame.
STILL_TIMEOUT = 2.0
# close() waits this long for the capture thread to finish its current read.
CLOSE_JOIN_TIMEOUT = 3.0


class _State(enum.Enum):
    STARTING = "starting"  # opening for the first time since start or close
    STREAMING = "streaming"
    DISCONNECTED = "disconnected"


class _End(enum.Enum):
    """Why one open capture stopped delivering."""

    LOOP = "end of file"  # a file played to its end: reopen at once
    REPLACED = "source replaced"  # the file at the path changed: reopen at once
    GONE = "device gone"  # the device node or file disappeared
    FAILED = "read failed"  # reads kept failing
    STOPPED = "closed"


class OpenCvCamera:
    """A camera on any source OpenCV can open, with a newest-frame-only capture thread."""

    kind = "camera"

    def __init__(self, source: CameraSource | int | str, width: int, height: int, fps: float) -> None:
        self._source = source if isinstance(source, CameraSource) else CameraSource.parse(source)
        self._width = width
        self._height = height
        self._fps = fps
        self._condition = threading.Condition()
        self._frame: Frame | None = None
        self._sequence = 0
        self._state = _State.STARTING
        self._reason = ""
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._status_log = StatusLog("camera", log)

    @property
    def source(self) -> CameraSource:
        return self._source

    # --- consumers ---------------------------------------------------------------------------

    def latest_frame(self) -> Frame | None:
        self._ensure_running()
        with self._condition:
            frame, state = self._frame, self._state
        if frame is None or state is not _State.STREAMING or self._is_stale(frame):
            return None
        return frame

    def capture_still(self, timeout: float = STILL_TIMEOUT) -> np.ndarray:
        """A frame read after this call began, as a copy the caller may change."""
        self._ensure_running()
        deadline = time.monotonic() + timeout
        with self._condition:
            after = self._sequence
            while True:
                if self._state is _State.DISCONNECTED:
                    raise CameraError(MSG_UNAVAILABLE, f"{self._source}: {self._reason}")
                if self._frame is not None and self._frame.sequence > after:
                    return self._frame.image.copy()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CameraError(MSG_NO_PICTURE, f"{self._source}: no new frame in {timeout:g} s")
                self._condition.wait(remaining)

    def status(self) -> DeviceStatus:
        self._ensure_running()
        with self._condition:
            frame, state, reason = self._frame, self._state, self._reason
            if state is _State.STARTING:
                status = DeviceStatus.BUSY
            elif state is _State.STREAMING and frame is not None and not self._is_stale(frame):
                status = DeviceStatus.READY
            else:
                status = DeviceStatus.DISCONNECTED
                reason = reason if state is _State.DISCONNECTED else "no new frame"
            self._status_log.update(status, reason)
        return status

    def close(self) -> None:
        """Stop the capture thread and release the device; the next call starts it again."""
        thread = self._thread
        self._stop.set()
        if thread is not None:
            thread.join(CLOSE_JOIN_TIMEOUT)
        with self._condition:
            self._thread = None
            self._frame = None
            self._state = _State.STARTING
            self._condition.notify_all()

    # --- capture thread ----------------------------------------------------------------------

    def _ensure_running(self) -> None:
        with self._condition:
            if self._thread is not None:
                return
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, args=(self._stop,),
                                            name="camera-capture", daemon=True)
            self._thread.start()

    def _run(self, stop: threading.Event) -> None:
        backoff = RECONNECT_BACKOFF_FIRST
        while not stop.is_set():
            capture = self._open()
            if capture is None:
                self._mark_disconnected("cannot open")
                stop.wait(backoff)
                backoff = min(backoff * 2, RECONNECT_BACKOFF_MAX)
                continue
            try:
                delivered, end = self._pump(capture, stop)
            finally:
                capture.release()
            if end in (_End.LOOP, _End.REPLACED) and delivered:
                continue
            if end is _End.STOPPED:
                return
            if delivered:
                backoff = RECONNECT_BACKOFF_FIRST
            self._mark_disconnected(end.value)
            stop.wait(backoff)
            backoff = min(backoff * 2, RECONNECT_BACKOFF_MAX)

    def _open(self) -> cv2.VideoCapture | None:
        import cv2  # here, on the capture thread: OpenCV's import is not the kiosk's start's to pay

        path = self._source.watched_path
        if path is not None and not os.path.exists(path):
            return None  # OpenCV would only print a warning for a missing path
        capture = self._new_capture()
        if not capture.isOpened():
            capture.release()
            return None
        if self._source.is_live:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self._width)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self._height)
            capture.set(cv2.CAP_PROP_FPS, self._fps)
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # fewer queued frames inside the driver
        return capture

    def _new_capture(self) -> cv2.VideoCapture:
        import cv2

        kind, value = self._source.kind, self._source.value
        if kind is SourceKind.STREAM:
            return cv2.VideoCapture(value, cv2.CAP_FFMPEG, [
                cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, STREAM_OPEN_TIMEOUT_MS,
                cv2.CAP_PROP_READ_TIMEOUT_MSEC, STREAM_READ_TIMEOUT_MS])
        if kind is SourceKind.DEVICE_PATH:
            return cv2.VideoCapture(value, cv2.CAP_V4L2)
        return cv2.VideoCapture(value)

    def _pump(self, capture: cv2.VideoCapture, stop: threading.Event) -> tuple[int, _End]:
        """Read frames until the capture ends; return how many were delivered and why it ended."""
        path = self._source.watched_path
        opened_as = _identity(path) if path else None
        period = 1.0 / self._fps
        next_due = time.monotonic()
        delivered = failures = 0
        while not stop.is_set():
            if path is not None:
                current = _identity(path)
                if current is None:
                    return delivered, _End.GONE
                if current != opened_as:
                    return delivered, _End.REPLACED
            if not self._source.is_live:  # a file has no clock of its own: play it at the set rate
                if stop.wait(max(0.0, next_due - time.monotonic())):
                    break
                next_due = max(next_due + period, time.monotonic() - period)
            ok, image = capture.read()
            if ok and image is not None:
                failures = 0
                delivered += 1
                self._publish(image)
                continue
            if not self._source.is_live:
                return delivered, _End.LOOP
            failures += 1
            if failures >= READ_FAILURES_BEFORE_DISCONNECT:
                return delivered, _End.FAILED
            stop.wait(FAILED_READ_PAUSE)
        return delivered, _End.STOPPED

    def _publish(self, image: np.ndarray) -> None:
        image.flags.writeable = False
        with self._condition:
            self._sequence += 1
            self._frame = Frame(image, time.monotonic(), self._sequence)
            if self._state is not _State.STREAMING:
                self._state, self._reason = _State.STREAMING, ""
                height, width = image.shape[:2]
                self._status_log.update(DeviceStatus.READY, f"{self._source}, {width}x{height}")
                if (width, height) != (self._width, self._height):
                    log.warning("camera delivers %dx%d, configured %dx%d", width, height,
                                self._width, self._height)
            self._condition.notify_all()

    def _mark_disconnected(self, reason: str) -> None:
        with self._condition:
            self._state, self._reason = _State.DISCONNECTED, reason
            self._status_log.update(DeviceStatus.DISCONNECTED, reason)
            self._condition.notify_all()

    @staticmethod
    def _is_stale(frame: Frame) -> bool:
        return time.monotonic() - frame.timestamp > STALE_FRAME_SECONDS


def _identity(path: str) -> tuple[int, int, int, int] | None:
    """What distinguishes one file (or device node) at `path` from its replacement."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def build(settings: Mapping[str, Any], context: DeviceContext) -> OpenCvCamera:
    """`driver = "opencv"`: the camera at `source`."""
    return OpenCvCamera(settings["source"], settings["width"], settings["height"], settings["fps"])
