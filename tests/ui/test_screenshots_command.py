"""`screenshots` draws every screen of every flow in both languages: none blank, text rendered."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from core.config import PROJECT_ROOT
from flows.registry import FLOWS


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    out = tmp_path_factory.mktemp("screens")
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "main.py"), "screenshots", "-o", str(out),
         "--size", "1080x1920", "--scale", "0.35", "--lang", "zh_CN,en"],
        capture_output=True, text=True, timeout=600, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return out / "1080x1920"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_flow_has_screens_in_each_language(pictures, lang):
    names = [p.name for p in (pictures / lang).glob("*.png")]
    assert "00-home.png" in names
    for entry in FLOWS:
        shots = [n for n in names if n.startswith(entry.service_id + "-")]
        assert len(shots) >= 3, f"{entry.service_id}: only {shots}"


def test_no_screen_is_blank(pictures):
    for path in pictures.rglob("*.png"):
        grey = np.asarray(Image.open(path).convert("L"), dtype=float)
        assert grey.std() > 10, f"{path.name} looks blank"
        assert (grey < 110).mean() > 0.003, f"{path.name} has no dark text pixels"


def test_languages_differ_and_chinese_text_is_drawn(pictures):
    zh = np.asarray(Image.open(pictures / "zh_CN" / "00-home.png").convert("L"), dtype=int)
    en = np.asarray(Image.open(pictures / "en" / "00-home.png").convert("L"), dtype=int)
    assert zh.shape == (round(1920 * 0.35), round(1080 * 0.35)) or zh.shape[0] > zh.shape[1]
    assert np.abs(zh - en).mean() > 1
