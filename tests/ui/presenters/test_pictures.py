"""The device-action pictures the presenters name exist, are what assets/images/make_images.py
draws today (no stale file), and carry something to see on a panel that reads on both the
light and the high-contrast background."""

from __future__ import annotations

import importlib.util

import pytest
from PIL import Image, ImageChops

from core.config import PROJECT_ROOT
from kiosk.ui.presenters import pictures

IMAGES = PROJECT_ROOT / "assets" / "images"


@pytest.fixture(scope="module")
def drawer():
    spec = importlib.util.spec_from_file_location("make_images", IMAGES / "make_images.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", pictures.ALL)
def test_each_picture_is_the_script_output(drawer, name):
    committed = Image.open(IMAGES / name).convert("RGBA")
    assert committed.size == (drawer.WIDTH, drawer.HEIGHT)
    assert ImageChops.difference(drawer.render(drawer.DRAWINGS[name]), committed).getbbox() is None, \
        f"{name} differs from what make_images.py draws: run it again and commit its output"


@pytest.mark.parametrize("name", pictures.ALL)
def test_each_picture_is_an_opaque_panel_with_dark_ink_on_it(name):
    image = Image.open(IMAGES / name).convert("RGBA")
    centre = image.getpixel((image.width // 2, image.height // 2))
    assert centre[3] == 255, "the panel is opaque (the high-contrast background is black)"
    grey = image.convert("L").crop((20, 20, image.width - 20, image.height - 20))
    dark = sum(1 for value in grey.getdata() if value < 80) / (grey.width * grey.height)
    assert dark > 0.02, "something is drawn in high-contrast ink"
