"""`doctor` checks the card terminal like every device: the default simulator passes, a missing
serial terminal fails with a fix naming its port."""

from __future__ import annotations

from pathlib import Path

from core.config import Config
from terminal.config import load_config
from terminal.doctor import check_devices


def _config(tmp_path: Path, extra: str = "") -> Config:
    override = tmp_path / "terminal.toml"
    override.write_text(f'[terminal]\ndata_dir = "{tmp_path / "data"}"\n[logging]\nfolder = "{tmp_path / "log"}"\n'
                        + extra, encoding="utf-8")
    return load_config([override])


def _check(config: Config) -> tuple[bool, str, str]:
    [check] = [c for c in check_devices(config) if c.name == "device card_terminal"]
    return check.ok, check.detail, check.fix


def test_the_simulated_terminal_passes_by_default(tmp_path: Path) -> None:
    ok, detail, _ = _check(_config(tmp_path))
    assert ok and detail == "ready (simulator)"


def test_a_missing_terminal_fails_with_its_port_in_the_fix(tmp_path: Path) -> None:
    config = _config(tmp_path, '[devices.card_terminal]\ndriver = "serial"\nport = "/dev/kiosk-no-such-pos"\n')
    ok, detail, fix = _check(config)
    assert not ok and detail.startswith("disconnected")
    assert "/dev/kiosk-no-such-pos" in fix and "card_terminal" in fix
