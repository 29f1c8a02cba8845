"""The signature pad widget driven by synthetic touches (issue 12): Kivy coordinates (origin
bottom-left) become the model's pad pixels (origin top-left), strokes are drawn as they grow,
a second finger does not draw, undo and clear work, and what the screen sends is accepted by
the model as a signature."""

from __future__ import annotations

import itertools

import pytest

from flows.signature import SignaturePad, SignatureRefused

pytestmark = pytest.mark.ui

_ids = itertools.count(1)


class Finger:
    """A touch as Kivy hands it to a widget: position, an id, grabbing."""

    def __init__(self, x: float, y: float) -> None:
        self.uid = next(_ids)
        self.x, self.y = x, y
        self.grab_current = None

    @property
    def pos(self) -> tuple[float, float]:
        return self.x, self.y

    def grab(self, widget) -> None:
        self.grab_current = widget

    def ungrab(self, widget) -> None:
        self.grab_current = None

    def move(self, widget, x: float, y: float) -> None:
        self.x, self.y = x, y
        widget.on_touch_move(self)


@pytest.fixture()
def pad():
    from kiosk.ui.signature_pad import SignaturePadWidget

    widget = SignaturePadWidget(size=(600, 200), pos=(100, 50))
    widget._resized()
    return widget


def draw(widget, points) -> Finger:
    finger = Finger(*points[0])
    widget.on_touch_down(finger)
    for x, y in points[1:]:
        finger.move(widget, x, y)
    widget.on_touch_up(finger)
    return finger


def test_touches_become_pad_strokes_top_left_and_are_drawn(pad):
    draw(pad, [(110, 240), (300, 60), (500, 240)])  # from the top-left corner down and up again
    assert pad.pad.strokes == (((10.0, 10.0), (200.0, 190.0), (400.0, 10.0)),)
    assert pad.drawn_lines == 1 and len(pad.canvas.children) > 4  # background, frame and the ink


def test_a_touch_outside_the_pad_or_a_second_finger_does_not_draw(pad):
    assert not pad.on_touch_down(Finger(10, 10))
    first = Finger(150, 150)
    pad.on_touch_down(first)
    second = Finger(400, 100)
    pad.on_touch_down(second)  # a palm resting while the first finger writes
    second.move(pad, 450, 120)
    first.move(pad, 250, 100)
    pad.on_touch_up(first)
    assert pad.pad.strokes == (((50.0, 100.0), (150.0, 150.0)),)  # only the first finger's ink


def test_undo_clear_and_what_the_screen_sends_is_a_signature(pad):
    draw(pad, [(110, 100), (120, 102)])
    pad.undo()
    assert pad.pad.empty
    draw(pad, [(140, 200), (220, 90), (300, 210), (380, 80)])
    draw(pad, [(400, 150), (620, 160)])
    strokes, width, height = pad.strokes_value()
    replay = SignaturePad(width, height)
    for stroke in strokes:
        replay.touch_down(*stroke[0])
        for point in stroke[1:]:
            replay.touch_move(*point)
        replay.touch_up(*stroke[-1])
    assert replay.accept().png()[:8] == b"\x89PNG\r\n\x1a\n"
    pad.clear()
    assert pad.pad.empty and pad.drawn_lines == 0
    with pytest.raises(SignatureRefused):  # Done on a cleared pad: refused by the model
        pad.pad.accept()
