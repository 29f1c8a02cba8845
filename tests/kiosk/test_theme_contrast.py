"""Every text/background pair of both palettes meets WCAG: AA (4.5:1) normally, 7:1 in high contrast."""

import pytest

from kiosk.ui.theme import HIGH_CONTRAST, NORMAL, TEXT_PAIRS, contrast_ratio, hex_rgba


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast_ratio(hex_rgba("#000000"), hex_rgba("#FFFFFF")) == pytest.approx(21.0)
    assert contrast_ratio(hex_rgba("#777777"), hex_rgba("#FFFFFF")) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("palette,minimum", [(NORMAL, 4.5), (HIGH_CONTRAST, 7.0)], ids=["normal", "high_contrast"])
def test_every_text_pair_meets_its_minimum(palette, minimum):
    weak = {f"{fg} on {bg}": round(contrast_ratio(getattr(palette, fg), getattr(palette, bg)), 2)
            for fg, bg in TEXT_PAIRS
            if contrast_ratio(getattr(palette, fg), getattr(palette, bg)) < minimum}
    assert weak == {}
