"""The wheelchair arrangement (issue 14, item 2): in portrait, everything a citizen touches sits
in the lower part of the screen, within reach from a wheelchair; chosen by `[ui] arrangement`
or by the top bar's button for one session (the wipe restores the configured arrangement).

GIVEN the kiosk in a portrait window in the wheelchair arrangement, WHEN the home screen and a
flow screen (choice tiles, Back, Cancel and a primary action) are drawn, THEN the top edge of
every button and tile on them is below 40 % of the window's height from the top.
"""

from __future__ import annotations

import pytest

from kiosk.ui.model import Action, Option, ScreenModel, Text

# the lower part of the window everything touchable sits in (kiosk/app.py WHEELCHAIR_REACH);
# Kivy is imported inside the tests: importing its window here would open it before the
# UI tests' configuration sizes it
REACH = 0.6


def touchables(screen) -> list:
    """Every button and tile a citizen can see and touch on `screen`."""
    from kivy.uix.behaviors import ButtonBehavior

    found = []
    for widget in screen.walk(restrict=True):
        if isinstance(widget, ButtonBehavior) and widget.width > 0 and widget.height > 0 \
                and widget.opacity > 0 and not widget.disabled and widget.get_root_window() is not None:
            found.append(widget)
    return found


def too_high(screen) -> list[str]:
    from kivy.core.window import Window

    limit = Window.height * REACH + 1  # window y grows upwards: a top edge at most this
    out = []
    for widget in touchables(screen):
        _x, top = widget.to_window(widget.x, widget.top)
        if top > limit:
            out.append(f"{type(widget).__name__} {getattr(widget, 'text', '')!r} top at "
                       f"{(Window.height - top) / Window.height:.0%} from the top")
    return out


def choice_model() -> ScreenModel:
    options = tuple(Option("choose", n, Text(literal=f"Option {n}")) for n in range(4))
    return ScreenModel("choice", Text("home.instruction"), step=2, steps=5, options=options,
                       actions=(Action("next", Text("home.instruction"), primary=True),),
                       back=Action("back", Text("home.instruction")))


def test_home_and_a_flow_screen_keep_every_button_within_reach(kiosk_app, frames):
    from kivy.core.window import Window

    from kiosk.app import WHEELCHAIR_REACH

    app = kiosk_app
    assert WHEELCHAIR_REACH == REACH
    assert Window.height > Window.width, "the UI tests' window is portrait"
    app.wheelchair = True
    app.screens.current = "home"
    frames(4)
    home = app.screens.get_screen("home")
    assert len(touchables(home)) >= 13 + 4, "the tiles and the top bar's buttons are on screen"
    assert not too_high(home)

    model = choice_model()
    screen = app.screens.get_screen(model.kind)
    screen.show(model)
    app.screens.current = model.kind
    frames(4)
    assert len(touchables(screen)) >= 4 + 2
    assert not too_high(screen)


@pytest.mark.parametrize("mode", ["normal", "large"])
def test_the_lower_part_passes_the_layout_audit(kiosk_app, frames, mode):
    """Nothing clipped, overlapping or too small when the screens have 60 % of the height."""
    from kiosk.ui.audit import audit_tree

    app = kiosk_app
    app.wheelchair, app.large_text = True, mode == "large"
    found = []
    for lang in ("zh_CN", "en"):
        app.lang = lang
        app.screens.current = "home"
        frames(4)
        found += [f"{lang} home: {f['kind']} {f.get('text', '')!r}" for f in audit_tree(app.screens.current_screen, app.u)]
        model = choice_model()
        app.screens.get_screen(model.kind).show(model)
        app.screens.current = model.kind
        frames(4)
        found += [f"{lang} choice: {f['kind']} {f.get('text', '')!r}" for f in audit_tree(app.screens.current_screen, app.u)]
    assert not found, "\n".join(found)


def test_the_standard_arrangement_uses_the_whole_height(kiosk_app, frames):
    """The check above can fail: in the standard arrangement the top bar's buttons are high up."""
    app = kiosk_app
    app.wheelchair = False
    app.screens.current = "home"
    frames(4)
    assert too_high(app.screens.get_screen("home"))


@pytest.mark.parametrize("configured", ["standard", "wheelchair"])
def test_the_top_bar_button_switches_for_the_session_only(kiosk_app, frames, tap, configured, monkeypatch):
    app = kiosk_app
    monkeypatch.setitem(app.settings["ui"], "arrangement", configured)
    app.end_session("test")
    frames(2)
    assert app.wheelchair is (configured == "wheelchair")
    home = app.screens.get_screen("home")
    tap(home.ids.top_bar.ids.wheelchair_button if "top_bar" in home.ids else
        next(w for w in home.walk(restrict=True) if getattr(w, "text", "") in
             (app.t("topbar.wheelchair_on"), app.t("topbar.wheelchair_off"))))
    assert app.wheelchair is (configured != "wheelchair")
    app.end_session("citizen left")
    frames(2)
    assert app.wheelchair is (configured == "wheelchair")


def test_a_wrong_arrangement_is_refused_naming_the_key_and_the_file(tmp_path):
    from core.schema import ConfigError
    from terminal.config import load_config

    hall = tmp_path / "hall.toml"
    hall.write_text('[ui]\narrangement = "sitting"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config([hall])
    assert caught.value.key == "ui.arrangement" and caught.value.source.endswith("hall.toml")
    assert "'standard', 'wheelchair'" in str(caught.value) and "'sitting'" in str(caught.value)
