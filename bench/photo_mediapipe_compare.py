"""Haar cascades (the default) against MediaPipe's bundled face models, on the same images.

Runs only where mediapipe 0.10.21 is installed, which the kiosk's own environment cannot
hold (mediapipe needs numpy < 2 and its own OpenCV build, see docs/photo.md). Use a
throw-away environment:

    python3 -m venv /tmp/mpvenv && /tmp/mpvenv/bin/pip install mediapipe==0.10.21 scikit-image
    /tmp/mpvenv/bin/python bench/photo_mediapipe_compare.py

Measured on the same LFW cards and astronaut captures as bench/photo_detectors.py: faces
found, milliseconds per 640 x 480 frame (one thread), the tilt error, and how far the
cascade pipeline's chin estimate (eye line + 1.7 eye distances) lies from MediaPipe's chin
landmark, as a share of the head height (what it costs the head-ratio check).
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from photo import measure, samples  # noqa: E402
from photo.detect import HaarDetector, find_faces_scaled  # noqa: E402

CHIN, FOREHEAD, LEFT_IRIS, RIGHT_IRIS, CHEEK_A, CHEEK_B = 152, 10, 468, 473, 234, 454


def main() -> None:
    import mediapipe as mp

    cv2.setNumThreads(1)
    haar = HaarDetector("haarcascade_frontalface_alt2.xml", "haarcascade_eye.xml", 1.1, 5)
    detection = mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)
    mesh = mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=2, refine_landmarks=True)

    from skimage import data

    cards = []
    for patch in data.lfw_subset():
        card = np.full((200, 200), 255, np.uint8)
        card[50:150, 50:150] = cv2.resize((patch * 255).astype(np.uint8), (100, 100), interpolation=cv2.INTER_CUBIC)
        cards.append(card)
    mp_faces = sum(bool(detection.process(cv2.cvtColor(c, cv2.COLOR_GRAY2RGB)).detections) for c in cards[:100])
    mp_false = sum(bool(detection.process(cv2.cvtColor(c, cv2.COLOR_GRAY2RGB)).detections) for c in cards[100:])
    haar_faces = sum(bool(haar.find_faces(c, 40)) for c in cards[:100])
    haar_false = sum(bool(haar.find_faces(c, 40)) for c in cards[100:])
    print(f"LFW faces found: haar {haar_faces}/100, mediapipe {mp_faces}/100; "
          f"non-faces hit: haar {haar_false}/100, mediapipe {mp_false}/100")

    frame = samples.capture((640, 480), head_fraction=0.5, centre=(0.5, 0.45))
    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    video_mesh = mp.solutions.face_mesh.FaceMesh(static_image_mode=False, max_num_faces=2, refine_landmarks=True)
    for name, run in (("haar face search (256 px wide)", lambda: find_faces_scaled(haar, gray, 256, 0.1)),
                      ("mediapipe face detection", lambda: detection.process(rgb)),
                      ("mediapipe face mesh, video mode", lambda: video_mesh.process(rgb))):
        run()
        times = []
        for _ in range(60):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        print(f"{name}: median {np.median(times) * 1000:.1f} ms, "
              f"p95 {np.percentile(times, 95) * 1000:.1f} ms per 640x480 frame")

    rows = []
    for head in (0.35, 0.45, 0.55, 0.65):
        for tilt in (-6, -3, 0, 3, 6):
            for yaw in (0, 15, 30):
                image = samples.capture(head_fraction=head, centre=(0.5, 0.5 if head > 0.55 else 0.42),
                                        roll_degrees=tilt, yaw_degrees=yaw)
                rows.append((tilt, yaw, *_measure(image, haar, mesh)))
    rows = [r for r in rows if None not in r]
    own_haar = np.median([r[2] for r in rows if r[0] == 0 and r[1] == 0])
    own_mp = np.median([r[3] for r in rows if r[0] == 0 and r[1] == 0])
    roll_haar = [abs(r[2] - own_haar - r[0]) for r in rows if r[1] == 0]
    roll_mp = [abs(r[3] - own_mp - r[0]) for r in rows if r[1] == 0]
    print(f"tilt error (deg, median/p95): haar {np.median(roll_haar):.2f}/{np.percentile(roll_haar, 95):.2f}, "
          f"mediapipe {np.median(roll_mp):.2f}/{np.percentile(roll_mp, 95):.2f}  ({len(roll_haar)} upright-yaw images)")
    for yaw in (0, 15, 30):
        haar_yaw = [r[4] for r in rows if r[1] == yaw and r[4] is not None]
        mp_yaw = [r[5] for r in rows if r[1] == yaw]
        print(f"stand-in turn {yaw:>2} deg: haar estimate median {np.median(haar_yaw):6.1f}, "
              f"mediapipe mesh yaw median {np.median(mp_yaw):6.1f}")
    chin = [r[6] for r in rows if r[1] == 0]
    print(f"chin: cascade estimate minus mediapipe chin landmark, as a share of the head height: "
          f"median {np.median(chin):+.3f}, p95 |error| {np.percentile(np.abs(chin), 95):.3f}")


def _measure(image, haar, mesh):
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    faces = find_faces_scaled(haar, gray, 480, 0.1)
    result = mesh.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    if len(faces) != 1 or not result.multi_face_landmarks:
        return None, None, None, None, None
    pair = haar.find_eyes(gray, faces[0]).pair
    if pair is None:
        return None, None, None, None, None
    height, width = gray.shape
    points = result.multi_face_landmarks[0].landmark

    def at(index):
        return np.array([points[index].x * width, points[index].y * height, points[index].z * width])

    left, right = at(LEFT_IRIS), at(RIGHT_IRIS)
    if left[0] > right[0]:
        left, right = right, left
    mp_roll = math.degrees(math.atan2(right[1] - left[1], right[0] - left[0]))
    a, b = at(CHEEK_A), at(CHEEK_B)
    if a[0] > b[0]:
        a, b = b, a
    mp_yaw = -math.degrees(math.atan2(b[2] - a[2], b[0] - a[0]))
    geometry = measure.FaceGeometry(pair, True)
    patch = measure.head_patch(image, geometry)
    haar_yaw = measure.estimate_yaw(patch)
    extent = measure.head_extent(patch)
    # Chin along the level eye line's normal, both in pixels below the eye midpoint.
    cascade_chin = measure.CHIN_BELOW_EYES * geometry.eye_distance
    angle = math.radians(geometry.roll_degrees)
    mid = geometry.midpoint
    chin = at(CHIN)
    mp_chin = -(chin[0] - mid.x) * math.sin(angle) + (chin[1] - mid.y) * math.cos(angle)
    head = extent.height * geometry.eye_distance
    return pair.roll_degrees, mp_roll, haar_yaw, mp_yaw, (cascade_chin - mp_chin) / head


if __name__ == "__main__":
    main()
