"""The hidden gesture and the PIN open the maintenance screen; a wrong PIN does not."""

from __future__ import annotations

from core.pin import hash_pin
from terminal.scratch import with_overrides

PIN = "314159"


def with_pin(app, tmp_path):
    app.settings = with_overrides(app.settings, {"ui": {"maintenance_pin_hash": hash_pin(PIN)}})


def hall_name(app):
    home = app.screens.get_screen("home")
    return next(w for w in home.walk() if type(w).__name__ == "HallName")


def type_pin(app, tap, pin):
    keypad = app.open_keypad
    keys = {w.text: w for w in keypad.walk() if type(w).__name__ == "KeyButton"}
    for digit in pin:
        tap(keys[digit])
    tap(keypad.ids.ok)


def test_five_taps_and_the_right_pin_open_maintenance(kiosk_app, tap, frames, tmp_path):
    with_pin(kiosk_app, tmp_path)
    for _ in range(5):
        tap(hall_name(kiosk_app))
    assert kiosk_app.open_keypad is not None and kiosk_app.open_keypad.secret
    type_pin(kiosk_app, tap, PIN)
    frames(2)
    assert kiosk_app.screens.current == "maintenance"
    tap(kiosk_app.screens.get_screen("maintenance").ids.close)
    assert kiosk_app.screens.current == "home"


def test_wrong_pin_stays_home(kiosk_app, tap, frames, tmp_path):
    with_pin(kiosk_app, tmp_path)
    for _ in range(5):
        tap(hall_name(kiosk_app))
    type_pin(kiosk_app, tap, "000000")
    frames(2)
    assert kiosk_app.screens.current == "home"


def test_four_taps_do_nothing(kiosk_app, tap):
    for _ in range(4):
        tap(hall_name(kiosk_app))
    assert kiosk_app.open_keypad is None


def test_five_wrong_pins_lock_the_keypad_and_the_hall_is_told(kiosk_app, tap, frames, tmp_path):
    from terminal.alerts import MAINTENANCE_PIN_LOCKED
    from terminal.maintenance import PIN_FREE_TRIES, PIN_LOCK_SECONDS

    with_pin(kiosk_app, tmp_path)
    for _ in range(PIN_FREE_TRIES):
        for _ in range(5):
            tap(hall_name(kiosk_app))
        assert kiosk_app.open_keypad.title == kiosk_app.t("maintenance.enter_pin", kiosk_app.lang)
        type_pin(kiosk_app, tap, "000000")
        frames(2)
    assert kiosk_app.backstage.alerts.current()[MAINTENANCE_PIN_LOCKED].endswith(
        f"locked for {PIN_LOCK_SECONDS:.0f} s")

    for _ in range(5):
        tap(hall_name(kiosk_app))
    title = kiosk_app.open_keypad.title
    assert title == kiosk_app.t("maintenance.pin_locked", kiosk_app.lang, seconds=int(PIN_LOCK_SECONDS))
    assert str(int(PIN_LOCK_SECONDS)) in title
    type_pin(kiosk_app, tap, PIN)
    frames(2)
    assert kiosk_app.screens.current == "home", "the right PIN is refused while the keypad is locked"
