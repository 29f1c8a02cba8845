"""The test-only touch map (kiosk/ui/touch_map.py) that the real-window test clicks by: off in the
shipped configuration; when on, every service tile with its window position, and a dialog on top
hides the screen under it."""

from __future__ import annotations

import json

import pytest

from terminal.config import load_config

pytestmark = pytest.mark.ui


def test_off_in_the_shipped_configuration() -> None:
    assert load_config([])["ui"]["touch_map_file"] == ""


def test_tiles_with_their_window_places_then_only_the_dialog_on_top(kiosk_app, frames, tmp_path) -> None:
    from kiosk.ui.sim_panel_view import SimPanelView
    from kiosk.ui.touch_map import TouchMap

    path = tmp_path / "map.json"
    touch_map = TouchMap(kiosk_app, path)
    frames(3)
    touch_map.write()
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["screen"] == "home" and written["layer"] == "screen" and written["flow"]["service"] is None
    home = kiosk_app.screens.get_screen("home")
    tile = home.tile("endorsement")
    drawn = next(w for w in written["touchables"] if w.get("service") == "endorsement")
    x, y = tile.to_window(*tile.pos)
    assert (drawn["x"], drawn["y"], drawn["width"], drawn["height"]) == pytest.approx((x, y, tile.width, tile.height),
                                                                                     abs=0.1)
    assert drawn["class"] == "ServiceTile" and "unavailable" in drawn
    assert any(w["id"] == "simulate_button" for w in written["touchables"])
    first_changed = written["changed_at"]

    touch_map.write()
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["changed_at"] == first_changed and again["checked_at"] > written["checked_at"], \
        "changed_at moves only when the map changes"

    panel = SimPanelView()
    panel.open(animation=False)
    try:
        frames(3)
        touch_map.write()
        covered = json.loads(path.read_text(encoding="utf-8"))
        assert covered["layer"] == "SimPanelView" and covered["changed_at"] > first_changed
        assert not any(w.get("service") for w in covered["touchables"]), "the home tiles under the dialog"
        assert any(w["id"] == "close" and w["visible"] for w in covered["touchables"])
    finally:
        panel.dismiss(animation=False)
        frames(2)
