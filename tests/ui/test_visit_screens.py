"""Walk-in tickets and the urgent path on the real screens (issue 20), in both languages.

A started kiosk (embedded reference back end, simulated devices): the citizen touches the
tiles and buttons as drawn, the ID card goes onto the simulated reader, and what the screen says
is read off its widgets; Finish, then skipping the evaluation, takes the kiosk home.

Not here: touching the service tiles after the ID card (the booking's service screen, the
priority ticket's): in the headless harness those tiles never stay still long enough to take a
tap (kiosk/ui/screens/sections.py, recorded for issue 14); the flows are tested headless in
tests/flows and every screen is drawn by `screenshots`.
"""

from __future__ import annotations

import pytest

from flows.demo_cards import card_for
from kiosk.ui.presenters import FINISH

pytestmark = pytest.mark.ui


@pytest.fixture()
def first_tile(citizen, wait_for):
    """A tile of the first choice screen after the camera's, once it stays still: right after the
    camera screen a tile may keep moving for seconds on a loaded machine (the tap would miss)."""
    from tests.ui.conftest import settling

    def find(app, screen, value):
        tile = citizen.tile(screen, value)
        wait_for(settling(screen.body.ids.scroller, tile), f"the tile {value!r} to stay still", app, seconds=15)
        return tile
    return find


@pytest.fixture()
def open_service(start_service, frames):
    """start_service, with the home tile scrolled into view first: the home tiles scroll, and the
    last ones (these services) start below the fold on the tests' window."""
    from kivy.uix.scrollview import ScrollView

    def start(app, service_id: str) -> None:
        tile = app.screens.get_screen("home").tile(service_id)
        scroller = tile.parent
        while scroller is not None and not isinstance(scroller, ScrollView) and scroller.parent is not scroller:
            scroller = scroller.parent
        if isinstance(scroller, ScrollView):
            scroller.scroll_to(tile, padding=10, animate=False)
            frames(3)
        start_service(app, service_id)
    return start


@pytest.fixture()
def finish(citizen, wait_for):
    """Finish, then the evaluation step every finished service asks (one touch skips it), then home."""
    def done(app, screen) -> None:
        citizen.touch(citizen.bottom(screen, FINISH))
        model = lambda: app.flow_host.model
        wait_for(lambda: model() is not None and model().kind == "choice" and app.screens.current == "choice"
                 and any(a.action == "skip" for a in model().actions), "the evaluation step", app)
        citizen.touch(citizen.bottom(app.screens.get_screen("choice"), "skip"))
        wait_for(lambda: app.screens.current == "home", "the home screen", app)
    return done


def test_a_walk_in_ticket_in_chinese(money_kiosk, citizen, open_service, shows, finish):
    app = money_kiosk
    citizen.language(app, "zh_CN")
    open_service(app, "queue_ticket")
    screen = shows(app, "choose", "choice")
    assert citizen.bottom(screen, "priority").text == "优先取号"
    citizen.touch(citizen.tile(screen, "PASSPORT"))
    screen = shows(app, "done", "result")
    texts = citizen.reads(screen)
    assert "您的号码" in texts and texts[texts.index("您的号码") + 1].startswith("A")
    assert "前面等候" in texts and "预计等候" in texts
    finish(app, screen)


def test_a_priority_number_for_an_older_citizen_in_english(money_kiosk, citizen, open_service, shows, first_tile):
    app = money_kiosk
    citizen.language(app, "en")
    open_service(app, "queue_ticket")
    citizen.touch(citizen.bottom(shows(app, "choose", "choice"), "priority"))
    shows(app, "card", "device_action")
    app.backstage.runtime.simulators["idcard"].insert_card(card_for("long_term_id"))
    screen = shows(app, "group", "choice")
    assert citizen.tile(screen, "ELDERLY").option.enabled
    citizen.touch(first_tile(app, screen, "ELDERLY"))
    screen = shows(app, "service", "choice")
    assert "Aged 60 or over" in citizen.reads(screen)  # the group chosen, above the services
    assert "A new endorsement on a permit you already have" in citizen.reads(screen)


def test_the_urgent_information_and_its_phone_in_english(money_kiosk, citizen, open_service, shows, finish):
    app = money_kiosk
    citizen.language(app, "en")
    open_service(app, "urgent")
    screen = shows(app, "info", "review")
    texts = citizen.reads(screen)
    assert app.settings["terminal"]["green_channel_phone"] in texts
    assert "Funeral of a relative" in texts and "Urgent business" in texts
    citizen.touch(citizen.bottom(screen, "done"))
    finish(app, shows(app, "info_seen", "result"))
