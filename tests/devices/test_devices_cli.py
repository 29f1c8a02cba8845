"""`devices list` and `devices simulate` run as a technician runs them."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from devices.factory import DeviceContext
from devices.simulate import start_simulators
from terminal.config import load_config

ROOT = Path(__file__).resolve().parents[2]
MAIN = [sys.executable, str(ROOT / "main.py")]


def test_list_runs_and_names_every_section() -> None:
    run = subprocess.run([*MAIN, "devices", "list"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    for section in ("Serial ports:", "Cameras (OpenCV indexes 0-4):", "USB printers:"):
        assert section in run.stdout


def test_simulate_prints_ports_a_reader_can_use_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    override = tmp_path / "terminal.toml"
    override.write_text(f'[terminal]\ndata_dir = "{tmp_path / "var"}"\n')  # simulators keep state here
    process = subprocess.Popen([*MAIN, "-c", str(override), "devices", "simulate", "--id-card", "permit"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line or line.startswith("Simulators running"):
                break
            lines.append(line)
        idcard_line = next(line for line in lines if line.startswith("idcard"))
        assert "card on the reader: J" in idcard_line
        port = idcard_line.split(" on ", 1)[1].split(" ", 1)[0]
        run = subprocess.run([*MAIN, "devices", "read-id", "--port", port], capture_output=True, text=True,
                             timeout=30, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        assert "kind               J" in run.stdout
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    assert process.returncode == 0, process.stderr.read()


def test_a_kind_without_a_simulator_is_listed_as_unavailable(tmp_path: Path) -> None:
    context = DeviceContext(tmp_path)
    try:
        reports = start_simulators(load_config()["devices"], context, kinds=("idcard", "fax"))
    finally:
        context.close_all()
    assert [(r.kind, r.running) for r in reports] == [("idcard", True), ("fax", False)]
    assert reports[1].describe() == "unavailable: no simulator builder in devices/factory.py"
