"""The attract screen (issue 14): after the idle wipe the kiosk shows the hall's name in full, the
date and time, the services with their pictures and 'place your ID card or touch a service';
a touch outside the services opens the home screen; a card placed on the reader starts the
hall's usual service ([ui] attract_service). The Simulate button only when devices are
simulated and the configuration offers it."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.demo_cards import card_for
from kiosk.ui.attract import clock_text
from terminal.scratch import with_overrides
from tests.ui.conftest import open_kiosk

IDLE, WARNING = 60, 10  # tests/ui/conftest.py


def test_the_clock_reads_in_each_language():
    monday = dt.datetime(2026, 12, 7, 8, 5)
    assert clock_text(monday, "zh_CN") == "2026年12月7日 星期一  08:05"
    assert clock_text(monday, "en") == "Mon 7 Dec 2026  08:05"


def test_after_the_idle_wipe_the_attract_screen_shows_and_a_touch_opens_home(kiosk_app, tap, frames, fake_time):
    app = kiosk_app
    home = app.screens.get_screen("home")
    tap(next(w for w in home.walk() if getattr(w, "text", "") == "English"))  # the session is in use
    fake_time(IDLE + WARNING + 1)
    frames(3)
    fake_time(1)
    frames(3)
    assert app.screens.current == "attract"
    attract = app.screens.current_screen
    assert attract.ids.hall.text == app.settings["terminal"]["hall_name_zh"], "the name in full, in the defaults"
    assert attract.ids.clock.text.startswith(f"{dt.date.today().year}年")
    assert attract.ids.instruction.text == "请将身份证放在读卡区，或点击要办理的业务"
    assert attract.ids.usual.text == "放置身份证即开始办理：港澳签注续签"
    tiles = [w for w in attract.walk() if type(w).__name__ == "AttractTile"]
    pictograms = [next(w for w in t.walk() if type(w).__name__ == "Pictogram") for t in tiles]
    assert tiles and [p.name for p in pictograms] == [t.service_id for t in tiles], "every service with its picture"
    assert all(len(p.canvas.children) > 5 for p in pictograms), "each one drawn"

    tap(attract.ids.clock)  # not a service
    frames(2)
    assert app.screens.current == "home"


@pytest.mark.parametrize("offered", [True, False])
def test_the_simulate_button_only_when_the_configuration_offers_it(ui_config, request, offered):
    config = with_overrides(ui_config, {"ui": {"simulation_button": offered}})
    for app in open_kiosk(config, request.node.nodeid):
        button = app.screens.get_screen("home").walk()
        simulate = next(w for w in button if getattr(w, "text", "") == "模拟")
        assert app.simulated and app.show_simulate is offered, (app.show_simulate, app.settings["ui"])
        assert (simulate.opacity == 1 and not simulate.disabled) is offered


# Last: the module's flow app stays open until the module ends (a second app beside it would
# read its properties through kv's cached `app`).
def test_a_card_placed_on_the_attract_screen_starts_the_usual_service(flow_app, wait_for):
    app = flow_app
    app.screens.current = "attract"
    wait_for(lambda: app.screens.current == "attract", "the attract screen", app)
    try:
        app.backstage.runtime.simulators["idcard"].insert_card(card_for("local_adult"))
        wait_for(lambda: app.flow_host.active and app.flow_host.service_id == "endorsement",
                 "the endorsement started by the card", app)
    finally:
        app.backstage.runtime.simulators["idcard"].remove_card()
        app.end_session("test finished")
        wait_for(lambda: not app.flow_host.closing and not app.flow_host.active, "the flow to close", app)
