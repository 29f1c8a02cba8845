"""`python main.py devices capture-fingerprint` as a technician runs it: a PNG and its figures, a
poor image retried with a prompt, and every failure one line, no traceback, exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from devices.fingerprint.simulator import FAST_TIMING, Finger, FingerprintSimulator

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "terminal.toml"
    path.write_text(f'[terminal]\ndata_dir = "{tmp_path / "var"}"\n\n'
                    f'[logging]\nfolder = "{tmp_path / "log"}"\n', encoding="utf-8")
    return path


@pytest.fixture
def module() -> Iterator[FingerprintSimulator]:
    sim = FingerprintSimulator(57600, timing=FAST_TIMING, model_wire_time=False)
    sim.start()
    yield sim
    sim.stop()


def capture(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "-c", str(config_file), "devices",
                           "capture-fingerprint", *args], check=False, capture_output=True, text=True,
                          timeout=60, cwd=ROOT)


def _one_clean_line(run: subprocess.CompletedProcess[str], key: str, prompts: int = 0) -> None:
    """Exit code 1, no traceback, one failure line (after `prompts` retry prompts)."""
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == prompts + 1 and "Traceback" not in run.stderr
    assert all(line.startswith("capture-fingerprint: poor image") for line in lines[:-1])
    assert key in lines[-1]


def test_the_configured_simulator_gives_a_png_and_its_figures(config_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "finger.png"
    run = capture(config_file, "--baud", "115200", "-o", str(out), "--json")
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert (answer["width"], answer["height"], answer["quality"]) == (256, 288, "good")
    with Image.open(out) as picture:
        assert (picture.mode, picture.size) == ("L", (256, 288))


def test_a_poor_image_is_retried_with_a_prompt(config_file: Path, tmp_path: Path,
                                               module: FingerprintSimulator) -> None:
    module.poor_images_before_good(1, Finger.SMUDGED)
    run = capture(config_file, "--port", module.port, "-o", str(tmp_path / "f.png"))
    assert run.returncode == 0, run.stderr
    assert "poor image (too messy), try 1 of 3: lift the finger" in run.stderr
    assert "width 256  height 288  quality good  tries 2" in run.stdout


@pytest.mark.parametrize("fault, key", [
    ("silent", "fingerprint.timeout"),
    ("garbage", "fingerprint.bad_frame"),
    ("password", "fingerprint.wrong_password"),
    ("no finger", "fingerprint.no_finger"),
    ("smudged", "fingerprint.poor_image"),
])
def test_each_failure_is_one_line_and_exit_code_one(config_file: Path, tmp_path: Path,
                                                   module: FingerprintSimulator, fault: str, key: str) -> None:
    if fault == "silent":
        module.go_silent()
    elif fault == "garbage":
        module.answer_garbage(10)
    elif fault == "password":
        module.password = 0x1234
    elif fault == "smudged":
        module.place_finger(Finger.SMUDGED)
    out = tmp_path / "f.png"
    run = capture(config_file, "--port", module.port, "-o", str(out), "--timeout", "0.5")
    _one_clean_line(run, key, prompts=3 if fault == "smudged" else 0)
    assert not out.exists()


def test_a_missing_module_is_one_line(config_file: Path, tmp_path: Path) -> None:
    run = capture(config_file, "--port", "/dev/kiosk-no-such-fingerprint", "-o", str(tmp_path / "f.png"))
    _one_clean_line(run, "fingerprint.disconnected")
