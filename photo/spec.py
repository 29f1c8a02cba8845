"""Typed views of the [photo] configuration: specs, quality limits, detector and guidance settings.

The schema (photo/config_schema.py) checks each value alone; this module turns the plain
tables into frozen dataclasses and checks the rules that tie values together (min below
max, the default spec exists), naming the key like the schema engine does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from core.schema import ConfigError

SOURCE = "[photo]"


@dataclass(frozen=True)
class PhotoSpec:
    """One document's photo rules (exit-entry, resident ID card, ...)."""

    name: str
    title_zh: str
    title_en: str
    width: int
    height: int
    dpi: int
    min_bytes: int
    max_bytes: int
    head_ratio_min: float
    head_ratio_max: float
    head_ratio_target: float
    crown_margin: float
    eye_distance_min: float
    eye_distance_max: float
    roll_max_degrees: float
    yaw_max_degrees: float
    pitch_max_degrees: float
    background_rgb: tuple[int, int, int]

    @property
    def background_bgr(self) -> tuple[int, int, int]:
        red, green, blue = self.background_rgb
        return (blue, green, red)

    @classmethod
    def from_table(cls, name: str, table: Mapping[str, Any]) -> PhotoSpec:
        values = {f.name: table[f.name] for f in fields(cls) if f.name != "name"}
        values["background_rgb"] = tuple(values["background_rgb"])
        spec = cls(name=name, **values)
        spec.validate()
        return spec

    def validate(self) -> None:
        key = f"photo.specs.{self.name}"
        if not self.head_ratio_min <= self.head_ratio_target <= self.head_ratio_max:
            raise ConfigError(SOURCE, f"{key}.head_ratio_target",
                              "must lie between head_ratio_min and head_ratio_max")
        if self.crown_margin + self.head_ratio_target >= 1.0:
            raise ConfigError(SOURCE, f"{key}.crown_margin",
                              "plus head_ratio_target must leave room for the chin (below 1)")
        if self.eye_distance_min >= self.eye_distance_max:
            raise ConfigError(SOURCE, f"{key}.eye_distance_min", "must be below eye_distance_max")
        if self.min_bytes >= self.max_bytes:
            raise ConfigError(SOURCE, f"{key}.min_bytes", "must be below max_bytes")
        if len(self.background_rgb) != 3 or not all(0 <= c <= 255 for c in self.background_rgb):
            raise ConfigError(SOURCE, f"{key}.background_rgb", "must be three integers from 0 to 255")


@dataclass(frozen=True)
class QualityLimits:
    """Limits shared by every spec: what a capture must be like to make any ID photo."""

    max_upscale: float
    max_pad_fraction: float
    min_sharpness: float
    face_brightness_min: float
    face_brightness_max: float
    max_clipped_fraction: float
    min_contrast: float
    background_min_lightness: float
    background_max_chroma: float
    background_max_unevenness: float
    background_max_clutter: float
    background_max_residue: float
    pose_margin_degrees: float
    eyes_open_min: float
    mouth_gap_max: float
    mouth_closed_specs: tuple[str, ...]

    def mouth_closed_for(self, spec: str) -> bool:
        """Whether the spec asks for a closed mouth (the check is skipped, NOT_RUN, otherwise)."""
        return spec in self.mouth_closed_specs

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> QualityLimits:
        values = {f.name: table[f.name] if f.name == "mouth_closed_specs" else float(table[f.name])
                  for f in fields(cls)}
        values["mouth_closed_specs"] = tuple(values["mouth_closed_specs"])
        limits = cls(**values)
        if limits.face_brightness_min >= limits.face_brightness_max:
            raise ConfigError(SOURCE, "photo.quality.face_brightness_min", "must be below face_brightness_max")
        return limits


@dataclass(frozen=True)
class DetectorSettings:
    kind: str
    face_cascade: str
    eye_cascade: str
    scale_factor: float
    min_neighbors: int
    detect_long_side: int
    min_face_fraction: float

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> DetectorSettings:
        return cls(**{f.name: table[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class GuidanceSettings:
    detect_width: int
    stable_pass_seconds: float
    countdown_seconds: int
    dropout_grace_seconds: float
    max_motion: float
    capture_height: int

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> GuidanceSettings:
        return cls(**{f.name: table[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class PhotoSettings:
    """Everything the photo package reads from configuration."""

    default_spec: str
    retakes_limit: int
    frames_mirrored: bool
    specs: Mapping[str, PhotoSpec]
    quality: QualityLimits
    detector: DetectorSettings
    guidance: GuidanceSettings

    @classmethod
    def from_config(cls, photo: Mapping[str, Any]) -> PhotoSettings:
        """Build from `config["photo"]`; raises ConfigError naming the key on a cross-key problem."""
        specs = {name: PhotoSpec.from_table(name, table) for name, table in photo["specs"].items()}
        if photo["default_spec"] not in specs:
            raise ConfigError(SOURCE, "photo.default_spec",
                              f"must name a spec in [photo.specs] (one of {', '.join(sorted(specs))})")
        return cls(
            default_spec=photo["default_spec"],
            retakes_limit=photo["retakes_limit"],
            frames_mirrored=photo["frames_mirrored"],
            specs=specs,
            quality=QualityLimits.from_table(photo["quality"]),
            detector=DetectorSettings.from_table(photo["detector"]),
            guidance=GuidanceSettings.from_table(photo["guidance"]),
        )

    def spec(self, name: str | None = None) -> PhotoSpec:
        """The named spec (the default when None); KeyError names the known ones."""
        chosen = name or self.default_spec
        if chosen not in self.specs:
            raise KeyError(f"unknown photo spec {chosen!r}; known: {', '.join(sorted(self.specs))}")
        return self.specs[chosen]


def load_photo_settings(overrides: tuple[str, ...] = ()) -> PhotoSettings:
    """Convenience for tools and tests: the [photo] settings of the shipped defaults and the
    given override files, each checked against the photo section's own keys."""
    from core.config import DEFAULT_FILE, deep_merge, read_toml
    from core.schema import validate
    from photo.config_schema import PHOTO_SCHEMA

    merged: dict = {}
    for path in (DEFAULT_FILE, *map(Path, overrides)):
        section = read_toml(path).get("photo", {})
        validate(section, PHOTO_SCHEMA, str(path), "photo.")
        deep_merge(merged, section)
    return PhotoSettings.from_config(merged)
