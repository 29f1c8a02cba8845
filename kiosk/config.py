"""Loading the layered TOML configuration: shipped default, then hall file, then terminal file.

`config/default.toml` makes `python main.py` run the whole kiosk on simulators and the
embedded reference back end. A hall file and a terminal file override only what they name.
Every file is validated on its own, so an error names the file that holds the bad value.
"""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from kiosk.config_schema import ROOT_SCHEMA
from kiosk.schema import ConfigError, require_complete, secret_keys, validate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
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
        for dotted in secret_keys(ROOT_SCHEMA, copied):
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


def load_config(overrides: Iterable[Path | str] = (), default_file: Path = DEFAULT_FILE) -> Config:
    """Read the default file and each override in order; raise ConfigError on the first problem."""
    files = [Path(default_file), *(Path(p) for p in overrides)]
    merged: dict[str, Any] = {}
    for path in files:
        content = read_toml(path)
        validate(content, ROOT_SCHEMA, str(path))
        deep_merge(merged, content)
    require_complete(merged, ROOT_SCHEMA, str(files[0]))
    check_consistency(merged, str(files[-1]))
    return Config(merged, tuple(files))


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


def check_consistency(data: Mapping[str, Any], source: str) -> None:
    """Rules that span several keys, checked on the merged result."""
    backend = data["backend"]
    if backend["mode"] == "remote" and not backend["url"].startswith(("http://", "https://")):
        raise ConfigError(source, "backend.url", "must be an http:// or https:// URL when backend.mode is 'remote'")
