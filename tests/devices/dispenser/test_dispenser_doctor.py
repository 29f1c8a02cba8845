"""`doctor` checks the dispenser like every device, and says how to fix what it finds."""

from __future__ import annotations

from pathlib import Path

from core.config import Config
from devices.dispenser.simulator import STATE_FILE
from devices.dispenser.stock import DispenserStock
from terminal.config import load_config
from terminal.doctor import check_devices


def _config(tmp_path: Path) -> Config:
    override = tmp_path / "terminal.toml"
    override.write_text(f'[terminal]\ndata_dir = "{tmp_path / "data"}"\n[logging]\nfolder = "{tmp_path / "log"}"\n',
                        encoding="utf-8")
    return load_config([override])


def _dispenser_check(config: Config) -> tuple[bool, str, str]:
    [check] = [c for c in check_devices(config) if c.name == "device dispenser"]
    return check.ok, check.detail, check.fix


def test_the_simulated_dispenser_passes(tmp_path: Path) -> None:
    ok, detail, _ = _dispenser_check(_config(tmp_path))
    assert ok and detail == "ready (simulator)"


def test_an_open_door_fails_with_its_fix(tmp_path: Path) -> None:
    config = _config(tmp_path)
    DispenserStock(config.data_dir / STATE_FILE).set_flag("door_open", True)
    ok, detail, fix = _dispenser_check(config)
    assert not ok and detail.startswith("cover_open: door open")
    assert fix == "close the document dispenser's service door"


def test_a_full_reject_bin_fails_with_its_fix(tmp_path: Path) -> None:
    config = _config(tmp_path)
    DispenserStock(config.data_dir / STATE_FILE).fill_reject_bin()
    ok, detail, fix = _dispenser_check(config)
    assert not ok and detail.startswith("error: reject bin full")
    assert "empty it" in fix
