"""Shared fixtures: the configured photo settings, one pipeline, and real-face test images.

Every image is built from scikit-image's astronaut portrait by photo/samples.py: the person
is cut out once (GrabCut, see that module's docstring) and composed onto a near-white
backdrop, a grey one, a gradient or a cluttered scene, at a chosen size, place, tilt and
(stand-in) head turn. A capture is 1280 x 720 like the kiosk camera's still.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from photo import samples
from photo.guidance import LiveGuide
from photo.pipeline import PhotoPipeline
from photo.spec import PhotoSettings, load_photo_settings


@pytest.fixture(scope="session")
def settings() -> PhotoSettings:
    cv2.setNumThreads(1)
    return load_photo_settings()


@pytest.fixture(scope="session")
def pipeline(settings: PhotoSettings) -> PhotoPipeline:
    return PhotoPipeline.from_settings(settings)


@pytest.fixture()
def guide(settings: PhotoSettings) -> LiveGuide:
    return LiveGuide.from_settings(settings)


@pytest.fixture(scope="session")
def good_capture() -> np.ndarray:
    """The compliant capture: head half the frame height, centred, on a near-white backdrop."""
    return samples.capture()
