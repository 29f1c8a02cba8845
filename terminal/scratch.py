"""A configuration whose every file lands in one scratch folder: for tests, screenshots,
benchmarks and the self-test, so none of them writes into a terminal's real data or logs.

Everything the kiosk writes hangs off two keys ([terminal] data_dir: journal, outbox,
simulator state, sessions; [logging] folder), so a scratch configuration sets those two, turns
the voice off (espeak would speak every instruction) and takes whatever else the caller names,
section by section:

    config = scratch_config(tmp_path, backend={"mode": "remote", "url": url})
    path = write_scratch_file(tmp_path, ui={"voice": True})   # for a child process's -c
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any, Iterable, Mapping

import tomli_w

from core.config import Config, deep_merge
from terminal.config import load_config

SCRATCH_FILE = "scratch.toml"


def scratch_settings(folder: Path, **sections: Mapping[str, Any]) -> dict[str, Any]:
    """The override tables: data and logs under `folder`, no voice, then `sections` merged in."""
    folder = Path(folder)
    settings: dict[str, Any] = {
        "terminal": {"data_dir": str(folder)},
        "logging": {"folder": str(folder / "log")},
        "ui": {"voice": False},
    }
    deep_merge(settings, {name: dict(table) for name, table in sections.items()})
    return settings


def write_scratch_file(folder: Path, name: str = SCRATCH_FILE, **sections: Mapping[str, Any]) -> Path:
    """The scratch settings as a TOML override file in `folder` (for `-c` or a child process)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(tomli_w.dumps(scratch_settings(folder, **sections)), encoding="utf-8")
    return path


def scratch_config(folder: Path, base: Iterable[Path] = (), **sections: Mapping[str, Any]) -> Config:
    """The shipped defaults, then `base` override files, then the scratch settings; validated."""
    return load_config([*base, write_scratch_file(folder, **sections)])


def with_overrides(config: Config, overrides: Mapping[str, Any]) -> Config:
    """`config` with `overrides` merged in memory (values the caller chose, so not validated again)."""
    data = copy.deepcopy(dict(config.data))
    deep_merge(data, overrides)
    return dataclasses.replace(config, data=data)
