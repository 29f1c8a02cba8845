"""A configuration pushed by the hall's tooling, taken at the next idle moment without a restart.

The watcher looks at the modification time and size of every configuration file the kiosk
was started with (default, hall, terminal). When one changed and the kiosk is idle (home
screen, nobody served), the files are loaded and validated again once they have stayed the same
for one check (a file being written now is not read half-way):

- a file that does not load or validate is REFUSED: logged once with the file, key and
  problem (a file that is not UTF-8, or cut short while it was written, with the byte offset),
  and the kiosk keeps running on the configuration it has; it is tried again when the file
  changes again. Until a good file is taken, the hall dashboard shows the terminal needing
  attention with the file's name and key (`refusal_detail`, sent as a terminal alert);
- what can change live is applied at once: [ui], [session], the hall names and counter hints
  of [terminal], [logging] level, [hall] config_reload / config_check_seconds;
- what the runtime was built from ([devices], [backend], [photo], [flows], [terminal] id,
  [hall] report_catch_up_days) is applied by rebuilding the runtime at that idle moment
  (terminal/backstage.py BackgroundRuntime.restart): services read "starting" for a few seconds;
- what only a new process can change (the window: [terminal] orientation, fullscreen,
  window_scale; the data folder; where and how logs are written) is NOT applied: it is logged
  at WARNING as needing a restart, and the running value is kept until the kiosk restarts
  (systemd restarts it at boot, or a technician does).
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from core.config import Config
from core.schema import ConfigError
from terminal.config import load_config

log = logging.getLogger(__name__)

LIVE_SECTIONS = ("ui", "session")
LIVE_KEYS = frozenset({
    "terminal.hall_name_zh", "terminal.hall_name_en", "terminal.counter_hint_zh", "terminal.counter_hint_en",
    "logging.level", "hall.config_reload", "hall.config_check_seconds",
})
RESTART_KEYS = frozenset({
    "terminal.orientation", "terminal.fullscreen", "terminal.window_scale", "terminal.data_dir",
    "logging.folder", "logging.max_bytes", "logging.backup_count", "logging.max_age_days",
})
Stamp = tuple[int, int] | None  # (mtime in ns, size); None = the file is missing


@dataclass(frozen=True)
class ConfigChange:
    """A new valid configuration and how each changed key is taken."""

    config: Config  # what to run on now: the new values, except the restart keys kept as they were
    live: frozenset[str]
    runtime: frozenset[str]
    needs_restart: frozenset[str]


def leaf_values(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted key -> value of every leaf ("devices.printer.driver" -> "simulator")."""
    found: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            found.update(leaf_values(value, f"{prefix}{key}."))
        else:
            found[f"{prefix}{key}"] = value
    return found


def classify(key: str) -> str:
    """"live", "runtime" or "restart" for a dotted key."""
    if key in RESTART_KEYS:
        return "restart"
    if key in LIVE_KEYS or key.split(".", 1)[0] in LIVE_SECTIONS:
        return "live"
    return "runtime"


def compare(running: Config, loaded: Config) -> ConfigChange | None:
    """None when nothing differs; else the change, the restart keys left at their running values."""
    old, new = leaf_values(running.data), leaf_values(loaded.data)
    changed = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
    if not changed:
        return None
    kinds: dict[str, set[str]] = {"live": set(), "runtime": set(), "restart": set()}
    for key in changed:
        kinds[classify(key)].add(key)
    data = copy.deepcopy(dict(loaded.data))
    for key in kinds["restart"]:
        section, leaf = key.split(".", 1)
        data[section][leaf] = running.data[section][leaf]
    effective = dataclasses.replace(loaded, data=data)
    return ConfigChange(effective, frozenset(kinds["live"]), frozenset(kinds["runtime"]),
                        frozenset(kinds["restart"]))


class ConfigWatcher:
    """Notices a changed configuration file and loads it; knows nothing of the app."""

    def __init__(self, config: Config, loader: Callable[..., Config] = load_config) -> None:
        self.config = config
        self._loader = loader
        self._files = tuple(config.sources)
        self._stamps = self._read_stamps()
        self._refused: tuple[Stamp, ...] | None = None  # the stamps of files already refused
        self._seen = self._stamps  # the stamps at the last look: a change is read once they hold
        self.refusal: ConfigError | None = None  # why the files on disk are not the running ones

    def _read_stamps(self) -> tuple[Stamp, ...]:
        return tuple(_stamp(path) for path in self._files)

    def changed(self) -> bool:
        stamps = self._read_stamps()
        return stamps != self._stamps and stamps != self._refused

    def poll(self) -> ConfigChange | None:
        """Load the files again if one changed; the change to apply, or None (nothing new,
        nothing different, or refused)."""
        if not self.changed():
            return None
        stamps = self._read_stamps()
        if stamps != self._seen:
            self._seen = stamps
            log.info("configuration file changed; taken when it has stayed the same until the next check")
            return None
        default, *overrides = self._files
        try:
            loaded = self._loader(overrides, default_file=default)
        except ConfigError as exc:
            self._refused, self.refusal = stamps, exc
            log.error("configuration change refused, the kiosk keeps running on the previous one: %s", exc)
            return None
        self._stamps, self._refused, self.refusal = stamps, None, None
        change = compare(self.config, loaded)
        if change is None:
            log.info("configuration files touched; nothing changed")
            return None
        self.config = change.config
        return change


def refusal_detail(error: ConfigError) -> str:
    """One line for the hall dashboard: the file's name, the key and, for a file that is not UTF-8
    or not TOML, the problem and its byte offset. A value's problem is left out: it may quote
    the value, and a value may be a secret."""
    name = Path(error.source).name
    if error.key in ("(encoding)", "(syntax)", "(file)"):
        return f"{name} refused: {error.problem}; running on the previous configuration"
    return f"{name} refused: {error.key} is not allowed; running on the previous configuration"


def _stamp(path: Path) -> Stamp:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def log_change(change: ConfigChange) -> None:
    """Say once how each changed key is taken (the runtime is rebuilt by the caller)."""
    if change.runtime:
        log.warning("configuration changed (%s): rebuilding the runtime now, while nobody is served",
                    ", ".join(sorted(change.runtime)))
    if change.live:
        log.info("configuration applied live: %s", ", ".join(sorted(change.live)))
    if change.needs_restart:
        log.warning("configuration changed but needs a restart of the kiosk to take effect (kept as running "
                    "until then): %s", ", ".join(sorted(change.needs_restart)))
