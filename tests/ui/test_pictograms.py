"""Pictograms (issue 14): every service on the home screen and every device step has one,
drawn from the palette (high contrast recolours them), moving only while their screen is up,
and still in screenshot mode; one accent per service, legible in both modes."""

from __future__ import annotations

import pytest

from flows.registry import FLOWS
from kiosk.ui import theme
from kiosk.ui.model import ScreenModel, Text
from kiosk.ui.presenters import pictures

# The device steps a citizen is shown (issue 14's list), by pictogram name.
DEVICE_STEPS = ("idcard", "camera", "permit", "take_card", "take_receipt", "scan_code", "pay_phone", "bank_card",
                "fingerprint", "finger_lift", "signature", "take_document", "card_in_slot", "printing")


def colours_drawn(widget) -> set[tuple[float, ...]]:
    from kivy.graphics import Color

    return {tuple(round(c, 3) for c in i.rgba) for i in widget.canvas.children if isinstance(i, Color)}


def rounded(rgba) -> tuple[float, ...]:
    return tuple(round(c, 3) for c in rgba)


@pytest.mark.parametrize("service", [e.service_id for e in FLOWS])
def test_every_service_on_the_home_screen_has_a_pictogram_and_an_accent(service):
    from kiosk.ui.pictograms import SERVICES

    assert service in SERVICES, f"{service} is on the home screen without a pictogram (kiosk/ui/pictograms.py)"
    assert service in theme.SERVICE_ACCENTS, f"{service} has no accent (kiosk/ui/theme.py SERVICE_ACCENTS)"


def test_every_device_step_and_every_presenter_picture_has_a_pictogram():
    from kiosk.ui.pictograms import DRAWINGS, STEPS, pictogram_for

    assert set(DEVICE_STEPS) <= set(STEPS)
    for picture in (*pictures.ALL, pictures.CARD_IN_SLOT, pictures.PRINTING):
        assert pictogram_for(picture) in DRAWINGS, picture
    assert pictogram_for("/data/session/photo.jpg") == "", "a photo file is shown as itself"


@pytest.mark.parametrize("service", sorted(theme.SERVICE_ACCENTS))
def test_each_accent_stands_out_in_both_modes(service):
    normal = theme.service_accent(service, theme.NORMAL)
    high = theme.service_accent(service, theme.HIGH_CONTRAST)
    assert theme.contrast_ratio(normal, theme.NORMAL.surface) >= 4.5
    assert theme.contrast_ratio(normal, theme.NORMAL.background) >= 4.5
    assert theme.contrast_ratio(high, theme.HIGH_CONTRAST.surface) >= 7.0
    assert theme.contrast_ratio(high, theme.HIGH_CONTRAST.background) >= 7.0


def test_the_danger_role_is_legible_in_both_modes():
    assert theme.contrast_ratio(theme.NORMAL.danger, theme.NORMAL.surface) >= 4.5
    assert theme.contrast_ratio(theme.NORMAL.danger, theme.NORMAL.background) >= 4.5
    assert theme.contrast_ratio(theme.HIGH_CONTRAST.danger, theme.HIGH_CONTRAST.surface) >= 7.0
    assert theme.contrast_ratio(theme.HIGH_CONTRAST.surface, theme.HIGH_CONTRAST.danger) >= 7.0, "touched"
    assert theme.contrast_ratio(theme.NORMAL.surface, theme.NORMAL.danger) >= 4.5, "touched"


def test_every_pictogram_draws_at_every_frame(kiosk_app):
    from kiosk.ui.pictograms import DRAWINGS, Pictogram

    for name in DRAWINGS:
        for phase in (0.0, 0.5, 1.0):
            pictogram = Pictogram(name=name, phase=phase, size=(200, 200))
            assert len(pictogram.canvas.children) > 6, (name, phase)
    assert not Pictogram(name="no_such_pictogram", size=(200, 200)).canvas.children


def test_pictograms_on_screen_recolour_in_high_contrast(kiosk_app, frames):
    app = kiosk_app
    app.screens.current = "attract"
    frames(3)
    tile = next(w for w in app.screens.get_screen("attract").walk()
                if type(w).__name__ == "AttractTile" and w.service_id == "endorsement")
    pictogram = next(w for w in tile.walk() if type(w).__name__ == "Pictogram")
    home_tile = app.screens.get_screen("home").tile("endorsement")
    frames(2)
    before = colours_drawn(pictogram)
    assert rounded(theme.NORMAL.text) in before
    assert rounded(theme.service_accent("endorsement", theme.NORMAL)) in before, "the service's accent"
    assert rounded(tuple(home_tile.accent)) == rounded(theme.service_accent("endorsement", theme.NORMAL))
    app.large_text = app.high_contrast = True
    try:
        frames(2)
        after = colours_drawn(pictogram)
        assert rounded(theme.HIGH_CONTRAST.text) in after and rounded(theme.NORMAL.text) not in after
        assert rounded(theme.service_accent("endorsement", theme.HIGH_CONTRAST)) in after
        assert rounded(tuple(home_tile.accent)) == rounded(theme.service_accent("endorsement", theme.HIGH_CONTRAST))
    finally:
        app.large_text = app.high_contrast = False
        app.screens.current = "home"
        frames(2)


def animations_on(widget) -> list:
    from kivy.animation import Animation

    return [a for a in Animation._instances if widget.uid in a._widgets]


def show_device_step(app, picture: str) -> None:
    app.flow_host.display(ScreenModel("device_action", Text("endorsement.insert_permit"), 2, 5, picture=picture),
                          speak=False)


def test_the_step_pictogram_moves_while_its_screen_is_up_and_stops_when_it_leaves(kiosk_app, frames):
    app = kiosk_app
    show_device_step(app, pictures.INSERT_PERMIT)
    frames(3)
    pictogram = app.screens.get_screen("device_action").body.ids.pictogram
    assert pictogram.name == "permit" and pictogram.animating and animations_on(pictogram)
    phases = set()
    for _ in range(6):
        frames(2)
        phases.add(round(pictogram.phase, 3))
    assert len(phases) > 1, "the card moves"
    app.screens.current = "home"
    frames(2)
    assert not pictogram.animating and not animations_on(pictogram), "nothing moves on a hidden screen"
    phase = pictogram.phase
    frames(4)
    assert pictogram.phase == phase


def test_in_screenshot_mode_the_pictogram_stands_at_its_still_frame(kiosk_app, frames):
    from kiosk.ui.pictograms import still_phase

    app = kiosk_app
    app.still = True
    try:
        show_device_step(app, pictures.PLACE_ID_CARD)
        frames(3)
        pictogram = app.screens.get_screen("device_action").body.ids.pictogram
        assert pictogram.name == "idcard" and not pictogram.animating and not animations_on(pictogram)
        assert pictogram.phase == still_phase("idcard")
    finally:
        app.still = False
        app.screens.current = "home"
        frames(2)


def test_the_write_step_shows_the_card_in_the_slot_and_the_count(kiosk_app, frames):
    from flows.engine import FlowView
    from kiosk.ui.presenters.endorsement import present

    app = kiosk_app
    app.lang = "en"
    view = FlowView("endorsement", "writing", "endorsement.writing", 5, 5,
                    data={"records_written": 1, "records_total": 2})
    app.flow_host.display(present(view), speak=False)
    frames(3)
    screen = app.screens.get_screen("working")
    try:
        assert app.screens.current == "working"
        assert screen.body.ids.pictogram.name == "card_in_slot" and screen.body.ids.pictogram.animating
        texts = [w.text for w in screen.body.ids.rows.walk() if hasattr(w, "text")]
        assert "Endorsements written" in texts and "1 of 2" in texts
    finally:
        app.screens.current = "home"
        frames(2)
        app.lang = "zh_CN"
    assert not screen.body.ids.pictogram.animating


def test_the_payment_screen_shows_the_phone_and_the_card_moving_and_stops_when_it_leaves(kiosk_app, frames):
    from kiosk.ui.model import Action

    app = kiosk_app
    app.flow_host.display(ScreenModel("payment", Text("screen.amount_due", {"amount": "15.00"}), 3, 5,
                                      picture=pictures.PAY_WITH_PHONE, amount="15.00", qr_payload="demo://pay/1",
                                      card=Action("pay_card", Text("payment.pay_by_card"), primary=True),
                                      card_picture=pictures.PAY_WITH_CARD), speak=False)
    frames(3)
    body = app.screens.get_screen("payment").body
    phone, card = body.ids.phone_picture, body.ids.card_picture
    assert (phone.name, card.name) == ("pay_phone", "bank_card")
    assert phone.animating and card.animating and animations_on(phone) and animations_on(card)
    app.screens.current = "home"
    frames(2)
    assert not phone.animating and not card.animating, "nothing moves on a hidden screen"
    assert not animations_on(phone) and not animations_on(card)

