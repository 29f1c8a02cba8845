"""Face and eye detectors compared on the same real-face images (one thread).

Face cascades shipped with OpenCV 4.x, with the configured pyramid step and neighbours:
- LFW (scikit-image's 100 faces and 100 non-faces, 25 x 25, enlarged onto a white card):
  share of faces found and of non-faces wrongly "found".
- Astronaut captures (photo/samples.py, 1280 x 720 searched at the configured long side):
  heads 30-70 % of the frame height, tilts -10..+10 degrees, on near-white, grey and cluttered
  backdrops; share with exactly one face, and milliseconds per search (the thread's CPU
  time, so other work on the machine does not inflate it).
Eye cascades on the same captures: share of faces with an eye pair, and the error of the
measured tilt against the tilt applied (the astronaut's own tilt, measured upright, removed).

    .venv/bin/python bench/photo_detectors.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from photo import samples  # noqa: E402
from photo.detect import HaarDetector, find_faces_scaled  # noqa: E402
from photo.spec import load_photo_settings  # noqa: E402

FACE_CASCADES = ("haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt.xml",
                 "haarcascade_frontalface_alt2.xml", "haarcascade_frontalface_alt_tree.xml")
EYE_CASCADES = ("haarcascade_eye.xml", "haarcascade_eye_tree_eyeglasses.xml")
HEADS = (0.3, 0.4, 0.5, 0.6, 0.7)
TILTS = (-10, -5, 0, 5, 10)


def lfw_cards() -> tuple[list[np.ndarray], list[np.ndarray]]:
    from skimage import data

    cards = []
    for patch in data.lfw_subset():
        card = np.full((200, 200), 255, np.uint8)
        card[50:150, 50:150] = cv2.resize((patch * 255).astype(np.uint8), (100, 100),
                                          interpolation=cv2.INTER_CUBIC)
        cards.append(card)
    return cards[:100], cards[100:]


def captures() -> list[tuple[np.ndarray, float]]:
    backdrops = [samples.plain_background((1280, 720)), samples.plain_background((1280, 720), (150, 150, 150)),
                 samples.busy_background((1280, 720))]
    found = []
    for backdrop in backdrops:
        for head in HEADS:
            for tilt in TILTS:
                centre = (0.5, 0.5 if head > 0.55 else 0.42)
                found.append((cv2.cvtColor(samples.capture(head_fraction=head, centre=centre, roll_degrees=tilt,
                                                           background=backdrop), cv2.COLOR_BGR2GRAY), tilt))
    return found


def main() -> None:
    cv2.setNumThreads(1)
    settings = load_photo_settings().detector
    print(f"OpenCV {cv2.__version__}; pyramid step {settings.scale_factor}, neighbours {settings.min_neighbors}, "
          f"long side {settings.detect_long_side}")
    faces, non_faces = lfw_cards()
    shots = captures()
    print("\nface cascade                      LFW faces found  LFW non-faces hit  captures with 1 face"
          "  ms/search (median)")
    for name in FACE_CASCADES:
        detector = HaarDetector(name, EYE_CASCADES[0], settings.scale_factor, settings.min_neighbors)
        found = sum(bool(detector.find_faces(card, 40)) for card in faces)
        false = sum(bool(detector.find_faces(card, 40)) for card in non_faces)
        single, times = 0, []
        for gray, _ in shots:
            started = time.thread_time()
            boxes = find_faces_scaled(detector, gray, settings.detect_long_side, settings.min_face_fraction)
            times.append(time.thread_time() - started)
            single += len(boxes) == 1
        print(f"{name:<36}{found:>5}/100 {false:>12}/100 {single:>14}/{len(shots)} {np.median(times) * 1000:>14.1f}")
    reference = HaarDetector(settings.face_cascade, EYE_CASCADES[0], settings.scale_factor, settings.min_neighbors)
    print(f"\neye cascade (faces by {settings.face_cascade})   pairs found   tilt error median / p95 (deg)   ms/face")
    for name in EYE_CASCADES:
        detector = HaarDetector(settings.face_cascade, name, settings.scale_factor, settings.min_neighbors)
        measured = []
        pairs, times = 0, []
        for gray, tilt in shots:
            boxes = find_faces_scaled(reference, gray, settings.detect_long_side, settings.min_face_fraction)
            if len(boxes) != 1:
                continue
            started = time.thread_time()
            search = detector.find_eyes(gray, boxes[0])
            times.append(time.thread_time() - started)
            if search.pair:
                pairs += 1
                measured.append((tilt, search.pair.roll_degrees))
        own = np.median([roll for tilt, roll in measured if tilt == 0])  # the astronaut's own tilt
        errors = np.abs([roll - own - tilt for tilt, roll in measured])
        print(f"{name:<45}{pairs:>4}/{len(shots)}   {np.median(errors):>10.2f} / {np.percentile(errors, 95):.2f}"
              f"   {np.median(times) * 1000:>14.1f}")


if __name__ == "__main__":
    main()
