"""The configuration as every layer reads it: the `Config` value, TOML reading and merging.

Loading and validating the layered files against the whole schema is the terminal's job
(terminal/config.py: it knows every layer's keys); this module knows none of them, so any
layer may take a `Config` without importing the layers above it.
"""

from __future__ import annotations

import copy
import os
import re
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
    """The tables of one TOML file; ConfigError naming the file (and, for a file that is not
    UTF-8 or not TOML, the byte offset of the problem) for anything else, never a traceback."""
    if not path.is_file():
        raise ConfigError(str(path), "(file)", "file not found")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), "(file)", f"cannot be read: {exc.strerror}") from None
    return parse_toml(data, str(path))


def parse_toml(data: bytes, source: str) -> dict[str, Any]:
    """Decode and parse a TOML file's bytes. TOML files are UTF-8: a hall file saved as GBK, a
    character cut in half by a copy, or a file cut short while it was written is refused with the
    byte offset where it goes wrong. A UTF-8 byte-order mark (Windows Notepad writes one) is
    accepted."""
    skipped = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    try:
        text = data[skipped:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(source, "(encoding)", _encoding_problem(data, exc, skipped)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        offset = _byte_offset(text, str(exc))
        where = f" at byte {offset + skipped}" if offset is not None else ""
        cut = " (the file ends too soon: cut short or half-written?)" if "end of document" in str(exc) else ""
        raise ConfigError(source, "(syntax)", f"not valid TOML{where}: {exc}{cut}") from None


UTF8_BOM = b"\xef\xbb\xbf"
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _encoding_problem(data: bytes, exc: UnicodeDecodeError, skipped: int) -> str:
    """Say where the bytes stop being UTF-8 and the likely cause, in words a technician can act on."""
    if exc.reason == "unexpected end of data":
        cause = "the file ends in the middle of a character: cut short or half-written?"
    else:
        try:
            data.decode("gb18030")
            cause = "it looks saved as GBK/GB18030: save it as UTF-8"
        except UnicodeDecodeError:
            cause = "a character cut in half or a binary file? save it as UTF-8"
    return f"not UTF-8 at byte {exc.start + skipped} ({cause})"


def _byte_offset(text: str, message: str) -> int | None:
    """The byte offset tomllib's "(at line L, column C)" or "(at end of document)" points to."""
    if "(at end of document)" in message:
        return len(text.encode("utf-8"))
    found = _TOML_POSITION.search(message)
    if found is None:
        return None
    line, column = int(found.group(1)), int(found.group(2))
    lines = text.split("\n")[:line]
    lines[-1] = lines[-1][:column - 1]
    return len("\n".join(lines).encode("utf-8"))


def deep_merge(target: dict[str, Any], update: Mapping[str, Any]) -> None:
    """Merge tables recursively; any other value in `update` replaces the one in `target`."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
