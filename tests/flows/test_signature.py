"""The signature pad driven by synthetic touches: strokes as drawn, undo and clear, refusals
with what was measured, one finger at a time, and the PNG an application stores."""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image

from flows.signature import MARGIN, Refusal, SignaturePad, SignatureRefused

PAD = (800, 300)


def draw(pad: SignaturePad, points: list[tuple[float, float]], touch_id: object = 0) -> None:
    pad.touch_down(*points[0], touch_id=touch_id)
    for point in points[1:-1]:
        pad.touch_move(*point, touch_id=touch_id)
    pad.touch_up(*points[-1], touch_id=touch_id)


def scrawl(x0: float, y0: float, width: float, height: float, steps: int = 120) -> list[tuple[float, float]]:
    """A cursive-like loop line across `width` x `height` from (x0, y0)."""
    return [(x0 + width * t / steps + 0.08 * width * math.cos(t / 4),
             y0 + height / 2 + height / 2 * math.sin(t / 3)) for t in range(steps + 1)]


def test_a_signature_across_the_pad_is_accepted_with_its_strokes() -> None:
    pad = SignaturePad(*PAD)
    draw(pad, scrawl(100, 60, 450, 150))
    draw(pad, [(600, 200), (700, 120)])  # a flourish
    signature = pad.accept()
    assert len(signature.strokes) == 2 and signature.strokes[1] == ((600, 200), (700, 120))
    left, top, right, bottom = signature.bounds()
    assert right - left > 500 and bottom - top > 140


def test_an_empty_pad_is_refused() -> None:
    with pytest.raises(SignatureRefused) as refused:
        SignaturePad(*PAD).accept()
    assert refused.value.reason is Refusal.EMPTY


@pytest.mark.parametrize("points", [
    [(400, 150)],  # a tap
    scrawl(380, 140, 60, 20),  # a tiny scribble
    [(100, 150), (700, 150)],  # a flat dash across the pad
])
def test_a_mark_too_small_to_be_a_signature_is_refused_with_its_size(points: list[tuple[float, float]]) -> None:
    pad = SignaturePad(*PAD)
    draw(pad, points)
    with pytest.raises(SignatureRefused) as refused:
        pad.accept()
    assert refused.value.reason is Refusal.TOO_SMALL
    assert refused.value.width_share == pytest.approx(pad.measure()[0])


def test_undo_takes_back_the_last_stroke_and_clear_wipes_the_pad() -> None:
    pad = SignaturePad(*PAD)
    draw(pad, scrawl(100, 60, 450, 150))
    draw(pad, [(600, 200), (700, 120)])
    pad.undo()
    assert len(pad.strokes) == 1
    pad.clear()
    assert pad.empty
    with pytest.raises(SignatureRefused):
        pad.accept()
    draw(pad, scrawl(50, 50, 500, 200))  # signed again
    assert len(pad.accept().strokes) == 1


def test_a_second_finger_does_not_draw_and_points_off_the_pad_stay_on_its_edge() -> None:
    pad = SignaturePad(*PAD)
    pad.touch_down(100, 100, touch_id="finger")
    pad.touch_down(500, 250, touch_id="palm")
    pad.touch_move(510, 260, touch_id="palm")
    pad.touch_move(900, -40, touch_id="finger")
    pad.touch_up(900, -40, touch_id="finger")
    assert pad.strokes == (((100, 100), (800, 0)),)


def test_the_png_is_black_ink_on_white_cropped_to_the_ink() -> None:
    pad = SignaturePad(*PAD)
    draw(pad, scrawl(100, 60, 450, 150))
    signature = pad.accept()
    picture = Image.open(io.BytesIO(signature.png()))
    left, top, right, bottom = signature.bounds()
    assert picture.mode == "L"
    assert picture.size == (math.ceil(right - left) + 2 * MARGIN, math.ceil(bottom - top) + 2 * MARGIN)
    values = picture.tobytes()
    dark = sum(1 for v in values if v < 128)
    assert 0.02 < dark / len(values) < 0.5  # ink drawn, not a filled block
    assert picture.getpixel((0, 0)) == 255 and picture.getpixel((picture.width - 1, picture.height - 1)) == 255
