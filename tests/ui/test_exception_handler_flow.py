"""An exception escaping while a citizen is in a service (issue 18): a screen that fails half-way
through drawing the flow's view. The handler takes the kiosk home, the flow gets its Cancel and
closes, the session (the ID card just read) is wiped, and the next citizen can start a service."""

from __future__ import annotations

from flows.demo_cards import card_for
from kiosk.headless import main_loop_frames


class DrawingBug(RuntimeError):
    pass


def test_a_screen_failing_mid_draw_in_a_flow_goes_home_and_wipes(flow_app, start_service, on_screen,
                                                                  wait_for, monkeypatch):
    from kivy.clock import Clock

    app = flow_app
    start_service(app, "progress")
    on_screen(app, "card", "device_action")
    app.backstage.runtime.simulators["idcard"].insert_card(card_for("long_term_id"))
    screen = on_screen(app, "number", "device_action")
    session_id = app.session.id
    assert app.session_in_use() and app.session.data, "the card read is in the session"

    original = screen.show

    def half_drawn(model) -> None:
        original(model)
        raise DrawingBug("the screen broke after drawing part of the view")
    monkeypatch.setattr(screen, "show", half_drawn)
    # The flow's next view arrives through the clock, as PumpThread delivers every view.
    Clock.schedule_once(lambda _dt: app.flow_host.display(app.flow_host.model), 0)
    main_loop_frames(3)  # without the handler, DrawingBug would end the main loop here
    monkeypatch.undo()

    wait_for(lambda: not app.flow_host.active and not app.flow_host.closing and app.session.id != session_id,
             "the flow to close and the session to be wiped", app)
    assert app.screens.current == "home" and app.session.data == {}
    assert app.exception_handler.handled == 1
    app.backstage.runtime.simulators["idcard"].remove_card()

    start_service(app, "progress")  # the kiosk still serves
    on_screen(app, "card", "device_action")
    app.end_session("test finished")
    wait_for(lambda: not app.flow_host.closing, "the flow to close", app)
