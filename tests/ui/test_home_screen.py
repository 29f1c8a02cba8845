"""The home screen renders in both languages, switches language by touch, and greys unbuilt services."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from flows import registry
from flows.registry import FLOWS


def dark_pixel_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Share of pixels in `box` dark enough to be text drawn on the light background."""
    region = np.asarray(image.crop(box).convert("L"))
    return float((region < 110).mean())


def instruction_box(app, image: Image.Image) -> tuple[int, int, int, int]:
    label = app.screens.get_screen("home").ids.instruction
    x, y = label.to_window(label.x, label.y)
    height = image.height
    return (int(x), int(height - y - label.height), int(x + label.width), int(height - y))


def test_home_screenshots_in_both_languages_show_rendered_text(kiosk_app, screenshot, tmp_path):
    app = kiosk_app
    zh = Image.open(screenshot(tmp_path / "home-zh_CN.png"))
    app.toggle_language()
    en = Image.open(screenshot(tmp_path / "home-en.png"))

    for image in (zh, en):
        assert image.size == tuple(int(v) for v in app.root.get_root_window().size)
        box = instruction_box(app, image)
        assert dark_pixel_share(image, box) > 0.01, "instruction line has no rendered text"
    zh_box = np.asarray(zh.crop(instruction_box(app, zh)).convert("L"), dtype=int)
    en_box = np.asarray(en.crop(instruction_box(app, en)).convert("L"), dtype=int)
    assert np.abs(zh_box - en_box).mean() > 2, "switching language did not redraw the instruction"


def test_chinese_glyphs_render_with_the_cjk_font(kiosk_app):
    """A missing CJK font draws every character as the same box: distinct glyphs must differ."""
    from kivy.core.text import Label as CoreLabel

    textures = []
    for text in ("门", "骨", "签"):
        label = CoreLabel(text=text, font_size=64)
        label.refresh()
        textures.append(bytes(label.texture.pixels))
    assert len(set(textures)) == 3


def test_language_button_switches_every_visible_string(kiosk_app, tap, frames):
    app = kiosk_app
    home = app.screens.get_screen("home")
    assert app.lang == "zh_CN"
    assert home.ids.instruction.text == "请选择您要办理的业务"
    topbar_button = next(w for w in home.walk() if getattr(w, "text", "") == "English")
    tap(topbar_button)
    assert app.lang == "en"
    frames(2)
    assert home.ids.instruction.text == "Please touch the service you need"
    reason_label = home.tile("progress").ids.reason
    assert reason_label.text == "Starting, please wait"


def test_every_service_has_a_tile_greyed_with_a_reason_until_the_kiosk_is_up(kiosk_app):
    """The fixture's runtime is never started: built services read "starting", others "not offered"."""
    home = kiosk_app.screens.get_screen("home")
    assert {t.service_id for t in home.ids.tiles.children} == {s.service_id for s in FLOWS}
    for service in FLOWS:
        expected = ("service.reason.starting" if service.service_id in registry.built_services()
                    else "service.reason.not_built")
        assert home.tile(service.service_id).reason_key == expected


def test_touching_an_unavailable_service_stays_home(kiosk_app, tap):
    home = kiosk_app.screens.get_screen("home")
    tap(home.tile("traffic_fines"))
    assert kiosk_app.screens.current == "home"


def test_text_size_button_cycles_large_text_then_high_contrast(kiosk_app, tap):
    from kiosk.ui import theme

    app = kiosk_app
    button = next(w for w in app.screens.get_screen("home").walk() if getattr(w, "text", "") == "大字 A+")
    normal_unit = app.fu
    tap(button)
    assert app.large_text and not app.high_contrast and app.fu == pytest.approx(normal_unit * 1.4)
    tap(button)
    assert app.large_text and app.high_contrast and app.palette is theme.HIGH_CONTRAST
    tap(button)
    assert not app.large_text and not app.high_contrast and app.palette is theme.NORMAL
