"""`python main.py devices read-permit` as a technician runs it: exit codes, masking, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.devices.permit.conftest import card_file_with_card_inserted

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """Keeps the command's data (simulated cards) and log out of the project folder."""
    card_file_with_card_inserted(tmp_path / "var" / "simulators" / "permit-cards.json")
    path = tmp_path / "terminal.toml"
    path.write_text(f'[terminal]\ndata_dir = "{tmp_path / "var"}"\n\n'
                    f'[logging]\nfolder = "{tmp_path / "log"}"\n', encoding="utf-8")
    return path


def read_permit(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "-c", str(config_file), "devices",
                           "read-permit", *args], capture_output=True, text=True, timeout=30, cwd=ROOT)


def assert_one_line_failure(run: subprocess.CompletedProcess[str], key: str) -> None:
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("read-permit: ")
    assert f"[{key}]" in run.stderr
    assert run.stdout == ""


def test_configured_simulator_card_is_printed_masked(config_file: Path) -> None:
    run = read_permit(config_file)
    assert run.returncode == 0, run.stderr
    assert "C******78" in run.stdout and "欧阳**" in run.stdout and "1956-**-**" in run.stdout
    assert "#1001 HK type G trips 1" in run.stdout
    for secret in ("C12345678", "欧阳秀英", "OUYANG XIUYING", "1956-11-02"):
        assert secret not in run.stdout
    log_text = (config_file.parent / "log" / "kiosk.log").read_text(encoding="utf-8")
    assert "C12345678" not in log_text and "欧阳秀英" not in log_text


def test_json_with_pii(config_file: Path) -> None:
    run = read_permit(config_file, "--json", "--show-pii")
    assert run.returncode == 0, run.stderr
    card = json.loads(run.stdout)
    assert card["permit_number"] == "C12345678" and card["name_zh"] == "欧阳秀英"
    assert card["records_used"] == 2 and card["expired"] is False


def test_no_card_on_a_given_port(config_file: Path, simulator) -> None:
    simulator.remove_card()
    assert_one_line_failure(read_permit(config_file, "--port", simulator.port), "permit.no_card")


def test_port_missing(config_file: Path, tmp_path: Path) -> None:
    run = read_permit(config_file, "--port", str(tmp_path / "ttyUSB9"))
    assert_one_line_failure(run, "permit.disconnected")
    assert "No such file or directory" in run.stderr


def test_garbled_answers(config_file: Path, simulator) -> None:
    simulator.corrupt_next_answers(2)
    assert_one_line_failure(read_permit(config_file, "--port", simulator.port), "permit.bad_frame")
