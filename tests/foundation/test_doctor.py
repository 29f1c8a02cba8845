"""`doctor` finds each kind of problem a technician meets and says how to fix it."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from core.config import PROJECT_ROOT, Config
from terminal.config import load_config
from terminal.doctor import check_usb_ports


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


# ---- ports configured by USB identity ---------------------------------------------------------

@dataclass
class _UsbPort:
    """The attributes of pyserial's ListPortInfo the check reads."""

    device: str
    serial_number: str | None
    location: str
    vid: int = 0x10C4
    pid: int = 0xEA60
    description: str = "CP2102 USB to UART Bridge Controller"


def _usb_config(tmp_path: Path, idcard_port: str) -> Config:
    override = tmp_path / "terminal.toml"
    override.write_text(f'[devices.idcard]\ndriver = "serial"\nport = "{idcard_port}"\n'
                        '[devices.permit]\ndriver = "serial"\nport = "/dev/kiosk-permit"\n', encoding="utf-8")
    return load_config([override])


TWO_READERS = [_UsbPort("/dev/ttyUSB0", "IDC-A", "1-1.2"), _UsbPort("/dev/ttyUSB1", "IDC-B", "1-1.4")]


def test_a_usb_identity_matching_one_device_passes(tmp_path):
    results = list(check_usb_ports(_usb_config(tmp_path, "usb:10c4:ea60:IDC-B"), lambda: TWO_READERS))
    assert [(r.name, r.ok, r.detail) for r in results] == [
        ("usb idcard", True, "usb:10c4:ea60:IDC-B is /dev/ttyUSB1")]  # a path port is not a USB check


def test_a_usb_identity_matching_nothing_fails_with_a_fix(tmp_path):
    [result] = check_usb_ports(_usb_config(tmp_path, "usb:10c4:ea60:IDC-C"), lambda: TWO_READERS)
    assert not result.ok
    assert result.detail == ("devices.idcard.port = usb:10c4:ea60:IDC-C: "
                             "no USB device 10c4:ea60:IDC-C is plugged in")
    assert result.fix.startswith("plug the device in (cable, power, hub) or correct devices.idcard.port")
    assert "devices list" in result.fix


def test_a_usb_identity_matching_two_devices_fails_with_a_fix(tmp_path):
    [result] = check_usb_ports(_usb_config(tmp_path, "usb:10c4:ea60"), lambda: TWO_READERS)
    assert not result.ok
    assert "2 USB devices match usb:10c4:ea60: /dev/ttyUSB0" in result.detail
    assert result.fix.startswith("add the serial number (usb:VID:PID:SERIAL) or use usb-path:LOCATION "
                                 "in devices.idcard.port")


def test_doctor_reports_an_unplugged_usb_reader(tmp_path):
    result = doctor(tmp_path, '[devices.idcard]\ndriver = "serial"\nport = "usb:ffff:fff0:KIOSK-TEST"\n')
    checks = by_name(result)
    assert result.returncode == 1
    assert not checks["usb idcard"]["ok"]
    assert "no USB device ffff:fff0:KIOSK-TEST is plugged in" in checks["usb idcard"]["detail"]
    assert "devices.idcard.port" in checks["usb idcard"]["fix"]
    assert not checks["device idcard"]["ok"]


def test_device_lines_name_the_transport(tmp_path):
    """A keyboard-mode scanner that is not plugged in: the line says evdev and which device."""
    result = doctor(tmp_path, '[devices.scanner]\ndriver = "evdev"\ninput_device = "usb:ffff:fff1"\n')
    checks = by_name(result)
    assert checks["device idcard"]["ok"] and checks["device idcard"]["detail"].endswith("(simulator)")
    scanner = checks["device scanner"]
    assert not scanner["ok"]
    assert scanner["detail"] == ("disconnected: cannot open input device usb:ffff:fff1: no input device "
                                 "usb:ffff:fff1 is plugged in (evdev usb:ffff:fff1)")
    assert "usb:ffff:fff1" in scanner["fix"]
