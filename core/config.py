"""The configuration as every layer reads it: the `Config` value, TOML reading and merging.

Loading and validating the layered files against the whole schema is the terminal's job
(terminal/config.py: it knows every layer's keys); this module knows none of them, so any
layer may take a `Config` without importing the layers above it.
"""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from core.schema import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The shipped defaults: simulated devices and the embedded reference back end.
DEFAULT_FILE = PROJECT_ROOT / "config" / "default.toml"
# Paths of override files, separated by os.pathsep, used when no --config is given.
ENV_VAR = "KIOSK_CONFIG"
SECRET_MASK = "********"
JOURNAL_FILE = "journal.sqlite3"


@dataclass(frozen=True)
class Config:
    """The merged, validated configuration. Read it like a dict: `config["session"]["idle_seconds"]`."""

    data: Mapping[str, Any]
    sources: tuple[Path, ...] = field(default=())
    # Dotted keys whose values are secrets (from the schema that validated the data).
    secret_keys: tuple[str, ...] = field(default=())

    def __getitem__(self, section: str) -> Any:
        return self.data[section]

    def path(self, value: str) -> Path:
        """Resolve a path setting: relative paths are relative to the project folder."""
        candidate = Path(os.path.expanduser(value))
        return candidate if candidate.is_absolute() else PROJECT_ROOT / candidate

    @property
    def data_dir(self) -> Path:
        return self.path(self.data["terminal"]["data_dir"])

    @property
    def journal_path(self) -> Path:
        """The journal of payments, card writes and submissions: [flows] journal, or
        journal.sqlite3 in the terminal's data folder (which a hall's service may write)."""
        value = self.data["flows"]["journal"]
        return self.path(value) if value else self.data_dir / JOURNAL_FILE

    def redacted(self) -> dict[str, Any]:
        """A deep copy with every secret value replaced, safe to print or send to the hall."""
        copied = copy.deepcopy(dict(self.data))
        for dotted in self.secret_keys:
            *parents, leaf = dotted.split(".")
            table = copied
            for part in parents:
                table = table[part]
            if table.get(leaf):
                table[leaf] = SECRET_MASK
        return copied


def override_files_from_env() -> list[Path]:
    raw = os.environ.get(ENV_VAR, "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(str(path), "(file)", "file not found")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "(syntax)", f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(str(path), "(file)", f"cannot be read: {exc.strerror}") from None


def deep_merge(target: dict[str, Any], update: Mapping[str, Any]) -> None:
    """Merge tables recursively; any other value in `update` replaces the one in `target`."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
