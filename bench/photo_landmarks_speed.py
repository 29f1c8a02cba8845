"""Speed of the landmark-based photo steps and of CompareFace, each beside Haar detection alone
on the same images (the anchor, measured in the same run).

Targets (issue 16): live guidance under 15 ms per 640 x 480 frame on one core, finalize under
150 ms per 1280 x 720 capture, CompareFace under 300 ms on this 2-core machine. Wall clock and
CPU time (the process's, all threads: dlib may use more than one) are printed; on a machine
shared with other work the wall clock includes waiting for a core.

    .venv/bin/python bench/photo_landmarks_speed.py [--frames 200] [--captures 30] [--compares 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np

from backend.face import DescriptorFaceMatcher
from core.config import PROJECT_ROOT
from core.face_model import Dlib68Landmarker
from photo import samples
from photo.detect import HaarDetector, find_faces_scaled
from photo.guidance import LiveGuide
from photo.pipeline import PhotoPipeline
from photo.spec import load_photo_settings

WARM_UP = 3


def timed(run: Callable[[int], object], count: int) -> tuple[np.ndarray, np.ndarray]:
    for index in range(WARM_UP):
        run(index)
    wall, cpu = [], []
    for index in range(count):
        started, started_cpu = time.perf_counter(), time.process_time()
        run(index)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return np.array(wall) * 1000, np.array(cpu) * 1000


def line(name: str, wall: np.ndarray, cpu: np.ndarray, target_ms: float | None = None) -> None:
    verdict = ""
    if target_ms is not None:
        verdict = f"  ({'meets' if np.median(cpu) < target_ms else 'MISSES'} the {target_ms:.0f} ms target, CPU median)"
    print(f"  {name:<44} wall {np.median(wall):7.1f} / {np.percentile(wall, 95):7.1f} ms   "
          f"CPU {np.median(cpu):7.1f} / {np.percentile(cpu, 95):7.1f} ms{verdict}")


def bench_guidance(frames: int) -> None:
    settings = load_photo_settings()
    guide = LiveGuide.from_settings(settings)
    haar = HaarDetector.from_settings(settings.detector)
    previews = [samples.capture((640, 480), centre=(0.5 + 0.015 * np.sin(i / 6), 0.45 + 0.01 * np.cos(i / 9)))
                for i in range(60)]
    landmarker = Dlib68Landmarker()
    gray = cv2.cvtColor(previews[0], cv2.COLOR_BGR2GRAY)
    box = find_faces_scaled(haar, gray, 640, 0.1)[0]

    def guide_frame(index: int) -> None:
        guidance = guide.update(previews[index % len(previews)], index / 30)
        if guidance.capture or guidance.state.value == "captured":
            guide.reset()

    def haar_alone(index: int) -> None:
        frame_gray = cv2.cvtColor(previews[index % len(previews)], cv2.COLOR_BGR2GRAY)
        find_faces_scaled(haar, frame_gray, settings.guidance.detect_width, settings.detector.min_face_fraction)

    print("live guidance, 640 x 480 frame (median / p95):")
    line("guidance with landmarks (tracking on)", *timed(guide_frame, frames), 15.0)
    line("Haar face search alone, 256 px wide", *timed(haar_alone, frames))
    line("68 landmarks alone, given the box", *timed(lambda _: landmarker.landmarks(gray, (box.x, box.y, box.w, box.h)),
                                                     frames))


def bench_finalize(captures: int) -> None:
    settings = load_photo_settings()
    pipeline = PhotoPipeline.from_settings(settings)
    haar = HaarDetector.from_settings(settings.detector)
    stills = [samples.capture((1280, 720), head_fraction=0.45 + 0.1 * (i % 5) / 4,
                              centre=(0.47 + 0.06 * (i % 3) / 2, 0.44), roll_degrees=(i % 4) - 2)
              for i in range(10)]
    accepted = sum(pipeline.finalize(still).ok for still in stills)

    def haar_alone(index: int) -> None:
        gray = cv2.cvtColor(stills[index % len(stills)], cv2.COLOR_BGR2GRAY)
        find_faces_scaled(haar, gray, settings.detector.detect_long_side, settings.detector.min_face_fraction)

    print(f"finalize, 1280 x 720 capture ({accepted} of {len(stills)} variants accepted):")
    line("finalize with landmarks", *timed(lambda i: pipeline.finalize(stills[i % len(stills)]), captures), 150.0)
    line("Haar face search alone, 480 px long side", *timed(haar_alone, captures))


def bench_compare(compares: int) -> None:
    settings = load_photo_settings()
    haar = HaarDetector.from_settings(settings.detector)
    ok, live = cv2.imencode(".jpg", samples.capture((640, 480), centre=(0.5, 0.45)), [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    live_bytes = live.tobytes()
    on_file = (PROJECT_ROOT / "assets" / "faces" / "astronaut_id.jpg").read_bytes()
    cached = DescriptorFaceMatcher()
    cached.compare(live_bytes, on_file)

    def uncached(_: int) -> None:
        DescriptorFaceMatcher().compare(live_bytes, on_file)  # a new matcher: no photo cached

    def haar_alone(_: int) -> None:
        image = cv2.imdecode(np.frombuffer(live_bytes, np.uint8), cv2.IMREAD_GRAYSCALE)
        find_faces_scaled(haar, image, settings.detector.detect_long_side, settings.detector.min_face_fraction)

    result = cached.compare(live_bytes, on_file)
    print(f"CompareFace, 640 x 480 live JPEG vs 358 x 441 photo on file (distance {result.distance:.3f}):")
    line("compare, photo on file's descriptor cached", *timed(lambda _: cached.compare(live_bytes, on_file), compares),
         300.0)
    line("compare, both descriptors computed", *timed(uncached, max(5, compares // 2)), 300.0)
    line("Haar face search alone (decode + search)", *timed(haar_alone, compares))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--captures", type=int, default=30)
    parser.add_argument("--compares", type=int, default=20)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    print(f"OpenCV {cv2.__version__}, threads {cv2.getNumThreads()}; load average {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores")
    bench_guidance(args.frames)
    bench_finalize(args.captures)
    bench_compare(args.compares)
    print(f"(after {WARM_UP} warm-up runs each; load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
