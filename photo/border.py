"""The finished photo's border band: top edge, and both sides down to the shoulders.

Measured on the output pixels after whitening, because that is what the counter receives: a
strip of the capture's backdrop (a coloured band, a door frame, a second person's shoulder)
that survived cropping shows here even when the backdrop around the head looked plain. The
sides' band is the outermost 1.5 % of the width: a face never reaches it in a photo that meets
a spec's eye-distance rule (about two eye distances wide, at most 66 % of the width), while
full hair may come within 3 % of a side (the astronaut's does). The top band reaches down
most of the way to the crown (every row above the crown is backdrop), at least 1.5 %.
"""

from __future__ import annotations

import cv2
import numpy as np

# Depth of the band as a fraction of the output's width (sides) and, at least, height (top).
BAND_FRACTION = 0.015
# The top band reaches this share of the way down to the measured crown (hair may stand a
# little above the crown the crop was planned on).
TOP_TO_CROWN = 0.85
# A pixel farther than this from the spec's background colour (CIE76 distance in true L*a*b*
# units) is not background. Whitening leaves the backdrop within ~2 of it; a light-grey
# shadow that whitening left is the background_white check's business, caught there first.
OFF_DISTANCE = 12.0
# The sides are judged down to this far below the chin (fractions of the height; negative:
# above it): a shoulder may rise into the lower corners from about there.
SHOULDER_BELOW_CHIN = -0.10
# Largest share of a band that may be off the background colour: whitening leaves a clean
# backdrop at 0.000 (every compliant sample), a thin strip across the top is 0.03-0.06.
MAX_OFF_SHARE = 0.02


def off_background(pixels: np.ndarray, crown_y: float, chin_y: float,
                   background_bgr: tuple[int, int, int]) -> tuple[float, str]:
    """The largest share of one band (top, left or right) that is off the background colour,
    and which band it is (`crown_y`, `chin_y`: the head's rows in the output)."""
    height, width = pixels.shape[:2]
    side = max(2, round(BAND_FRACTION * width))
    top = max(2, round(BAND_FRACTION * height), int(TOP_TO_CROWN * crown_y))
    lowest = int(np.clip(chin_y + SHOULDER_BELOW_CHIN * height, top + 1, height))
    off = _off_mask(pixels, background_bgr)
    bands = {
        "top": off[:top, :],
        "left": off[top:lowest, :side],
        "right": off[top:lowest, width - side:],
    }
    shares = {name: float(band.mean()) if band.size else 0.0 for name, band in bands.items()}
    edge = max(shares, key=lambda name: shares[name])
    return shares[edge], edge


def _off_mask(pixels: np.ndarray, background_bgr: tuple[int, int, int]) -> np.ndarray:
    lab = cv2.cvtColor(pixels.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    reference = cv2.cvtColor(np.array([[background_bgr]], np.float32) / 255.0, cv2.COLOR_BGR2Lab)[0, 0]
    return np.linalg.norm(lab - reference, axis=2) > OFF_DISTANCE
