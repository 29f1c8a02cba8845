"""Photo specs are configuration: the shipped two, a hall's own, and cross-key mistakes."""

from __future__ import annotations

import pytest

from core.schema import ConfigError
from photo.spec import PhotoSettings
from terminal.config import load_config


def test_the_shipped_specs(settings):
    exit_entry = settings.spec("exit-entry")
    assert (exit_entry.width, exit_entry.height) == (354, 472)
    assert exit_entry.width / exit_entry.height == pytest.approx(3 / 4, abs=0.01)
    assert (exit_entry.min_bytes, exit_entry.max_bytes) == (20480, 80000)
    assert (exit_entry.head_ratio_min, exit_entry.head_ratio_max) == (0.70, 0.80)
    assert (exit_entry.eye_distance_min, exit_entry.eye_distance_max) == (0.23, 0.33)
    assert (exit_entry.roll_max_degrees, exit_entry.yaw_max_degrees, exit_entry.pitch_max_degrees) == (8, 5, 5)
    assert exit_entry.background_rgb == (255, 255, 255)
    resident = settings.spec("resident-id")
    assert (resident.width, resident.height) == (358, 441)
    assert settings.spec() is exit_entry


def hall_file(tmp_path, text: str):
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    return path


VISA = """
[photo.specs.visa]
title_zh = "签证照"
title_en = "Visa photo"
width = 390
height = 567
dpi = 300
min_bytes = 10000
max_bytes = 240000
head_ratio_min = 0.6
head_ratio_max = 0.75
head_ratio_target = 0.68
crown_margin = 0.1
eye_distance_min = 0.2
eye_distance_max = 0.32
roll_max_degrees = 8.0
yaw_max_degrees = 5.0
pitch_max_degrees = 5.0
background_rgb = [255, 255, 255]
"""


def test_a_hall_adds_a_spec_without_code(tmp_path, good_capture):
    from photo.pipeline import PhotoPipeline

    settings = PhotoSettings.from_config(load_config([hall_file(tmp_path, VISA)])["photo"])
    assert set(settings.specs) == {"exit-entry", "resident-id", "visa"}
    result = PhotoPipeline.from_settings(settings, "visa").finalize(good_capture)
    assert result.ok, result.problems
    assert result.image.shape == (567, 390, 3)


def test_a_target_outside_its_range_names_the_key(tmp_path):
    broken = VISA.replace("head_ratio_target = 0.68", "head_ratio_target = 0.9")
    with pytest.raises(ConfigError, match="photo.specs.visa.head_ratio_target"):
        PhotoSettings.from_config(load_config([hall_file(tmp_path, broken)])["photo"])


def test_a_default_spec_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="photo.default_spec"):
        PhotoSettings.from_config(load_config([hall_file(tmp_path, '[photo]\ndefault_spec = "passport"\n')])["photo"])


def test_a_spec_missing_a_key_is_refused_at_load(tmp_path):
    incomplete = VISA.replace("dpi = 300\n", "")
    with pytest.raises(ConfigError, match="photo.specs.visa.dpi"):
        load_config([hall_file(tmp_path, incomplete)])


def test_unknown_spec_names_the_known_ones(settings):
    with pytest.raises(KeyError, match="exit-entry"):
        settings.spec("passport")
