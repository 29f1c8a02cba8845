"""`doctor` finds each kind of problem a technician meets and says how to fix it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.config import PROJECT_ROOT


def doctor(tmp_path: Path, extra: str = "") -> subprocess.CompletedProcess:
    config = tmp_path / "terminal.toml"
    config.write_text(f'[terminal]\ndata_dir = "{tmp_path}/data"\n[logging]\nfolder = "{tmp_path}/log"\n{extra}',
                      encoding="utf-8")
    return subprocess.run([sys.executable, str(PROJECT_ROOT / "main.py"), "-c", str(config), "doctor", "--json"],
                          capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)


def by_name(result: subprocess.CompletedProcess) -> dict[str, dict]:
    return {check["name"]: check for check in json.loads(result.stdout)}


def test_simulated_terminal_passes_every_check(tmp_path):
    result = doctor(tmp_path)
    checks = by_name(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(c["ok"] for c in checks.values())
    assert {"config", "font", "disk", "rules", "backend", "credentials", "clock", "device idcard",
            "device printer", "device camera"} <= set(checks)


def test_unreachable_back_end_and_missing_printer_port_fail_with_fixes(tmp_path):
    result = doctor(tmp_path, '[backend]\nmode = "remote"\nurl = "http://127.0.0.1:9/soap"\n'
                              '[devices.printer]\ndriver = "serial"\nport = "/dev/kiosk-no-such-printer"\n')
    checks = by_name(result)
    assert result.returncode == 1
    assert not checks["backend"]["ok"] and "backend.url" in checks["backend"]["fix"]
    assert not checks["device printer"]["ok"]
    assert "/dev/kiosk-no-such-printer" in checks["device printer"]["fix"]
    assert checks["device idcard"]["ok"], "one bad device must not fail the others"


def test_unwritable_data_folder_is_reported(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    config = tmp_path / "terminal.toml"
    config.write_text(f'[terminal]\ndata_dir = "{blocker}/data"\n[logging]\nfolder = "{tmp_path}/log"\n',
                      encoding="utf-8")
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "main.py"), "-c", str(config), "doctor", "--json"],
                            capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)
    checks = by_name(result)
    assert result.returncode == 1
    assert not checks["disk"]["ok"] and "terminal.data_dir" in checks["disk"]["fix"]


def test_bad_configuration_is_one_failed_check(tmp_path):
    result = doctor(tmp_path, "[session]\nidle_seconds = 2\n")
    checks = by_name(result)
    assert result.returncode == 1
    assert list(checks) == ["config"] and "session.idle_seconds" in checks["config"]["detail"]
