"""What to bring and how long, before each service (issue 14, item 5), on the real screens.

GIVEN a service's tile is touched, THEN the kiosk first shows what to bring and how long it
usually takes, in the citizen's language, with Back (home, nothing started) and Start (the
flow's first step). Every service's screen passes the layout audit in both languages, in
normal and large text. A card placed on the attract screen skips it
(tests/ui/test_attract_screen.py: the card starts the endorsement itself).
"""

from __future__ import annotations

import pytest

from flows.registry import FLOWS
from kiosk.ui.presenters.preparation import preparation

pytestmark = pytest.mark.ui


def words_on(screen) -> list[str]:
    return [w.text for w in screen.walk(restrict=True) if type(w).__name__ == "Label" and w.text]


@pytest.mark.parametrize("mode", ["normal", "large", "contrast"])
def test_every_services_screen_passes_the_layout_audit(kiosk_app, frames, mode):
    from kiosk.ui.audit import MIN_CONTRAST, MIN_CONTRAST_HIGH, audit_tree

    app = kiosk_app
    app.large_text, app.high_contrast = {"normal": (False, False), "large": (True, False),
                                         "contrast": (True, True)}[mode]
    screen = app.screens.get_screen("prepare")
    found = []
    for lang in ("zh_CN", "en"):
        app.lang = lang
        for entry in FLOWS:
            screen.show(entry.service_id)
            app.screens.current = "prepare"
            frames(3)
            texts = words_on(screen)
            wanted = preparation(entry.service_id)
            assert all(app.t(t.key) in texts for t in wanted.things), entry.service_id
            assert app.t("prepare.minutes", minutes=wanted.minutes) in texts
            found += [f"{lang} {entry.service_id}: {f['kind']} {f.get('text', '')!r}"
                      for f in audit_tree(screen, app.u, MIN_CONTRAST_HIGH if app.high_contrast else MIN_CONTRAST)]
    assert not found, "\n".join(found)


def test_a_tile_shows_what_to_bring_then_back_or_start(money_kiosk, wait_for, tap, on_screen):
    app = money_kiosk
    app.lang = "en"
    home = app.screens.get_screen("home")

    def offered() -> bool:
        home.refresh_availability()
        return home.tile("endorsement").reason_key == ""
    wait_for(offered, "the endorsement to be offered", app, 30)
    tap(home.tile("endorsement"))
    wait_for(lambda: app.screens.current == "prepare", "what to bring", app)
    screen = app.screens.get_screen("prepare")
    texts = words_on(screen)
    assert "Your HK/Macau travel permit (card)" in texts and "Usually takes about 5 min" in texts
    assert not app.flow_host.active  # nothing started yet: no device is asked

    tap(screen.ids.back)
    assert app.screens.current == "home" and not app.flow_host.active

    tap(home.tile("endorsement"))
    wait_for(lambda: app.screens.current == "prepare", "what to bring again", app)
    tap(screen.ids.start)
    on_screen(app, "id_card", "device_action")  # the flow's first step: the ID card
