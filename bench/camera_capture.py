"""Benchmark: how fresh the camera driver's frames are, and what the capture thread costs.

Plays the simulated camera's normal scene (a looping MJPG file) through the real OpenCV
driver and samples, at random moments, the age of latest_frame() and the wait of
capture_still(). A driver that queued frames would show ages of many frame periods; the
newest-frame design keeps the age under one period (plus decode time) and the still's
wait around half a period. CPU is the process's CPU time over wall time while streaming.

    .venv/bin/python bench/camera_capture.py [--fps 15] [--width 640] [--height 480] [--samples 60]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.stats import percentile
from devices.camera.driver import OpenCvCamera
from devices.camera.scenes import render_scenes
from devices.camera.simulator import SimulatedCamera


def line(name: str, values_ms: list[float]) -> str:
    return (f"{name:<28} n={len(values_ms):<4} median {statistics.median(values_ms):6.1f} ms  "
            f"p95 {percentile(values_ms, 0.95):6.1f} ms  max {max(values_ms):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--samples", type=int, default=60)
    args = parser.parse_args()

    started = time.perf_counter()
    files = render_scenes(Path(tempfile.mkdtemp(prefix="bench-camera-")), args.width, args.height, args.fps)
    print(f"render 4 scenes ({args.width}x{args.height}, {args.fps} fps, 2 s loops): "
          f"{time.perf_counter() - started:.2f} s")
    simulator = SimulatedCamera(files)
    camera = OpenCvCamera(str(simulator.device_path), args.width, args.height, args.fps)
    try:
        started = time.perf_counter()
        camera.capture_still(timeout=5)
        print(f"first frame after start: {(time.perf_counter() - started) * 1000:.1f} ms")
        period = 1.0 / args.fps
        rng = random.Random(1)
        ages, waits = [], []
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        first = camera.latest_frame()
        for _ in range(args.samples):
            time.sleep(rng.uniform(0, 3 * period))
            frame = camera.latest_frame()
            if frame is not None:
                ages.append((time.monotonic() - frame.timestamp) * 1000)
            started = time.perf_counter()
            camera.capture_still()
            waits.append((time.perf_counter() - started) * 1000)
        last = camera.latest_frame()
        cpu = (time.process_time() - cpu_start) / (time.perf_counter() - wall_start)
        print(line("latest_frame() age", ages))
        print(line("capture_still() wait", waits))
        if first is not None and last is not None:
            rate = (last.sequence - first.sequence) / (last.timestamp - first.timestamp)
            print(f"delivered {rate:.1f} frames/s (configured {args.fps}); frame period {period * 1000:.1f} ms")
        print(f"process CPU while streaming and sampling: {cpu * 100:.1f} % of one core")

        started = time.perf_counter()
        simulator.set_scene("two_faces")
        before = camera.latest_frame()
        while camera.latest_frame() is before or camera.latest_frame().sequence <= before.sequence:
            time.sleep(0.001)
        print(f"scene switch to first frame of the new file: {(time.perf_counter() - started) * 1000:.1f} ms")
    finally:
        camera.close()
        simulator.stop()


if __name__ == "__main__":
    main()
