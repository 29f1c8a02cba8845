"""`python main.py devices camera-check` as a technician runs it: exit codes, one line, no traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def config_file(tmp_path: Path, camera_data_dir: Path) -> Path:
    """The session's pre-rendered scenes as the data folder; the log in a temporary folder."""
    path = tmp_path / "terminal.toml"
    path.write_text(f'[terminal]\ndata_dir = "{camera_data_dir}"\n\n'
                    f'[logging]\nfolder = "{tmp_path / "log"}"\n', encoding="utf-8")
    return path


def camera_check(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "-c", str(config_file), "devices",
                           "camera-check", "--seconds", "1", *args],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)


def assert_one_line_failure(run: subprocess.CompletedProcess[str], reason: str) -> None:
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("camera-check: ")
    assert reason in run.stderr
    assert run.stdout == ""


def test_simulated_camera_reports_rate_and_face(config_file: Path) -> None:
    run = camera_check(config_file)
    assert run.returncode == 0, run.stderr
    assert "640x480" in run.stdout and "face seen: yes (1 face at most" in run.stdout
    rate = float(re.search(r"([\d.]+) frames/s", run.stdout).group(1))
    assert 12 <= rate <= 16.5  # configured 15


def test_a_file_without_a_face(config_file: Path, scene_files) -> None:
    run = camera_check(config_file, "--source", str(scene_files["no_face"]))
    assert run.returncode == 0, run.stderr
    assert "face seen: no" in run.stdout


@pytest.mark.parametrize("source", ["/dev/video97", "97"])
def test_camera_that_cannot_open(config_file: Path, source: str) -> None:
    assert_one_line_failure(camera_check(config_file, "--source", source), "cannot open")


def test_missing_file(config_file: Path, tmp_path: Path) -> None:
    assert_one_line_failure(camera_check(config_file, "--source", str(tmp_path / "none.avi")),
                            f"video file {tmp_path / 'none.avi'}: cannot open [camera.unavailable]")
