"""A page that outgrows the screen opens at its top and stays there while it is laid out
(issue 14: the application form's endorsement page opened part-way down, beyond its top and
gliding back, and Kivy's scroll_to, clamping from there, missed the top row)."""

from __future__ import annotations

from tests.ui.test_form_screens import app, identify, model_of  # noqa: F401  (app: the fixture)


def test_the_endorsement_page_opens_at_its_top_and_its_first_row_takes_a_touch(
        app, start_service, on_screen, tap, touch, find, wait_for, frames):  # noqa: F811
    screen = identify(app, start_service, on_screen)
    touch(find.tile(screen, "hk_macau_permit"))
    wait_for(lambda: any(o.selected for o in model_of(app).options), "permit chosen", app)
    tap(find.action(screen, "next"))
    screen = on_screen(app, "endorsements", "choice")
    scroller = screen.body.ids.scroller
    content = scroller.children[0]
    assert content.height > scroller.height, "the page outgrows the screen (else there is nothing to test)"
    for _ in range(5):  # every frame while it is laid out: at the top, not beyond it
        assert scroller.scroll_y == 1
        assert content.to_window(content.x, content.top)[1] == scroller.to_window(scroller.x, scroller.top)[1]
        frames(1)

    first = next(w for w in screen.walk() if type(w).__name__ == "OptionTile")
    scroller.scroll_to(first, padding=10, animate=False)
    frames(2)
    bottom, top = scroller.to_window(scroller.x, scroller.y)[1], scroller.to_window(scroller.x, scroller.top)[1]
    low, high = first.to_window(first.x, first.y)[1], first.to_window(first.x, first.top)[1]
    assert bottom <= low and high <= top, "the whole first row is in view"
    value = first.option.value
    touch(first)
    wait_for(lambda: any(o.value == value and o.selected for o in model_of(app).options), "the first wish", app)
