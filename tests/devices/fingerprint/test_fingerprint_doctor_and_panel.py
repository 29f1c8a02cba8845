"""`doctor` and the simulation panel cover the fingerprint scanner like every device."""

from __future__ import annotations

from pathlib import Path

from core.config import Config
from devices.factory import DeviceContext, build_device
from devices.fingerprint.contract import Quality
from terminal.config import load_config
from terminal.doctor import check_devices
from terminal.simulation_panel import SimulationPanel


def _config(tmp_path: Path, extra: str = "") -> Config:
    override = tmp_path / "terminal.toml"
    override.write_text(f'[terminal]\ndata_dir = "{tmp_path / "data"}"\n[logging]\nfolder = "{tmp_path / "log"}"\n'
                        + extra, encoding="utf-8")
    return load_config([override])


def _check(config: Config) -> tuple[bool, str, str]:
    [check] = [c for c in check_devices(config) if c.name == "device fingerprint"]
    return check.ok, check.detail, check.fix


def test_the_simulated_module_passes_by_default(tmp_path: Path) -> None:
    ok, detail, _ = _check(_config(tmp_path))
    assert ok and detail == "ready (simulator)"


def test_a_missing_module_fails_with_its_port_in_the_fix(tmp_path: Path) -> None:
    config = _config(tmp_path, '[devices.fingerprint]\ndriver = "serial"\nport = "/dev/kiosk-no-such-fp"\n')
    ok, detail, fix = _check(config)
    assert not ok and detail.startswith("disconnected")
    assert "/dev/kiosk-no-such-fp" in fix and "fingerprint" in fix


def test_the_panel_places_a_finger_the_real_driver_sees(tmp_path: Path) -> None:
    config = _config(tmp_path)
    context = DeviceContext(tmp_path)
    settings = dict(config["devices"]["fingerprint"], baud=115200)
    scanner = build_device("fingerprint", settings, context)
    try:
        panel = SimulationPanel(context.simulators, payment_qr=lambda: None)
        actions = {a.label: a for a in panel.actions() if a.group == "fingerprint"}
        assert scanner.take_image() is False
        assert panel.run(actions["手指有污渍 smudged finger"]) is None
        assert scanner.take_image() is True and scanner.judge_image() is Quality.TOO_MESSY
        panel.run(actions["按手指 place a finger"])
        assert scanner.take_image() is True and scanner.judge_image() is Quality.GOOD
        panel.run(actions["抬起手指 lift the finger"])
        assert scanner.take_image() is False
    finally:
        scanner.close()
        context.close_all()
