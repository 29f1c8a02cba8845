"""`python main.py devices camera-check`: does the camera deliver, how fast, and does it see a face?

Without --source the configured camera is used (by default the simulator). Prints one
summary line; exits 1 with a one-line reason when the camera cannot be opened or stops.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


if TYPE_CHECKING:
    from devices.camera.driver import OpenCvCamera

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
# Time for the first frame: a network stream may take its whole open timeout (5 s).
FIRST_FRAME_TIMEOUT = 6.0
# Face detection runs on one frame in this many seconds (it costs ~15-50 ms a frame).
FACE_CHECK_INTERVAL = 0.5
POLL_SECONDS = 0.01
OPENCV_LOG_SILENT = 0  # cv2.setLogLevel's level for "print nothing"
FFMPEG_LOG_QUIET = -8  # AV_LOG_QUIET


@dataclass(frozen=True)
class CheckReport:
    width: int
    height: int
    frames_per_second: float
    seconds: float
    face_checks: int
    checks_with_face: int
    most_faces: int
    mean_brightness: float


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("camera-check",
                                   help="measure the camera's frame rate and look for a face")
    parser.add_argument("--source", help="device index, /dev/video path, stream URL or video file "
                                         "(default: the configured camera)")
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to measure (default 3)")
    parser.set_defaults(func=camera_check)


def camera_check(args: argparse.Namespace, config: Config) -> int:
    _silence_video_libraries()
    from core.logs import setup_logging
    from devices.camera.contract import CameraError
    from devices.camera.driver import OpenCvCamera
    from devices.camera.source import CameraSource
    from devices.factory import DeviceContext, build_device

    if args.seconds <= 0:
        print("camera-check: --seconds must be more than 0", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(config["logging"], config.path(config["logging"]["folder"]))
    settings = config["devices"]["camera"]
    context = DeviceContext(data_dir=config.data_dir)
    try:
        if args.source is not None:
            camera = OpenCvCamera(CameraSource.parse(args.source), settings["width"], settings["height"],
                                  settings["fps"])
        else:
            camera = build_device("camera", settings, context)
        try:
            report = measure(camera, args.seconds)
        finally:
            camera.close()
    except ValueError as exc:
        print(f"camera-check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CameraError as exc:
        print(f"camera-check: no picture: {exc.detail} [{exc.message_key}]", file=sys.stderr)
        return EXIT_FAILED
    finally:
        context.close_all()
    print(_summary(camera, report))
    return EXIT_OK


def _silence_video_libraries() -> None:
    """OpenCV and FFmpeg print their own warnings for a camera that does not open; the
    one-line reason this command prints says the same, and a terminal should show one line.
    FFmpeg's level is read from the environment when cv2 loads, hence before any import."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", str(FFMPEG_LOG_QUIET))
    import cv2

    cv2.setLogLevel(OPENCV_LOG_SILENT)


def measure(camera: OpenCvCamera, seconds: float) -> CheckReport:
    """Count frames for `seconds` and look for faces now and then. Raises CameraError."""
    import numpy as np

    from devices.camera.faces import find_faces

    first_image = camera.capture_still(timeout=FIRST_FRAME_TIMEOUT)
    first = camera.latest_frame()
    end = time.monotonic() + seconds
    next_check = 0.0
    checks = with_face = most = 0
    brightness: list[float] = []
    last = first
    while time.monotonic() < end:
        frame = camera.latest_frame()
        if frame is None:
            camera.capture_still(timeout=FIRST_FRAME_TIMEOUT)  # raises when the camera is gone
            continue
        last = frame
        if time.monotonic() >= next_check:
            faces = len(find_faces(frame.image))
            checks += 1
            with_face += faces > 0
            most = max(most, faces)
            brightness.append(float(np.mean(frame.image)))
            next_check = time.monotonic() + FACE_CHECK_INTERVAL
        time.sleep(POLL_SECONDS)
    rate = 0.0
    if first is not None and last is not None and last.timestamp > first.timestamp:
        rate = (last.sequence - first.sequence) / (last.timestamp - first.timestamp)
    height, width = first_image.shape[:2]
    return CheckReport(width, height, rate, seconds, checks, with_face, most,
                       sum(brightness) / len(brightness) if brightness else float(np.mean(first_image)))


def _summary(camera: OpenCvCamera, report: CheckReport) -> str:
    face = (f"yes ({report.most_faces} face{'s' if report.most_faces > 1 else ''} at most, "
            f"in {report.checks_with_face} of {report.face_checks} checks)"
            if report.checks_with_face else f"no (0 of {report.face_checks} checks)")
    return (f"camera {camera.source}: {report.width}x{report.height}, "
            f"{report.frames_per_second:.1f} frames/s over {report.seconds:g} s; face seen: {face}; "
            f"mean brightness {report.mean_brightness:.0f}/255")
