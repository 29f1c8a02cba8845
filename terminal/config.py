"""Loading the layered TOML configuration: shipped default, then hall file, then terminal file.

`config/default.toml` makes `python main.py` run the whole kiosk on simulators and the
embedded reference back end. A hall file and a terminal file override only what they name.
Every file is validated on its own against the whole schema (terminal/config_schema.py), so
an error names the file that holds the bad value.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, Mapping

from backend.dashboard_auth import trusted_networks
from core.config import DEFAULT_FILE, Config, deep_merge, read_toml
from core.schema import ConfigError, require_complete, secret_keys, validate
from terminal.config_schema import ROOT_SCHEMA

# The urgent service's 24-hour green-channel number (issue 20): what a citizen can dial.
GREEN_CHANNEL_PHONE = re.compile(r"\+?[0-9][0-9\- ]{3,24}[0-9]")


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
    return Config(merged, tuple(files), tuple(sorted(secret_keys(ROOT_SCHEMA, merged))))


def check_consistency(data: Mapping[str, Any], source: str) -> None:
    """Rules that span several keys, checked on the merged result."""
    backend = data["backend"]
    if backend["mode"] == "remote" and not backend["url"].startswith(("http://", "https://")):
        raise ConfigError(source, "backend.url", "must be an http:// or https:// URL when backend.mode is 'remote'")
    phone = data["terminal"]["green_channel_phone"]
    if not GREEN_CHANNEL_PHONE.fullmatch(phone) or sum(ch.isdigit() for ch in phone) < 5:
        raise ConfigError(source, "terminal.green_channel_phone",
                          f"must be a phone number: digits, dashes or spaces, a leading + allowed (got {phone!r})")
    try:
        trusted_networks(backend["reference_dashboard_trusted_proxies"])
    except ValueError as exc:
        raise ConfigError(source, "backend.reference_dashboard_trusted_proxies", str(exc)) from None
