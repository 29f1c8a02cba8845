"""`python main.py devices dispenser ...` as a technician runs it: the configured simulator's
stock persists between commands, numbers are masked, a failure is one line and exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """Keeps the command's data (the simulated stock) and log out of the project folder."""
    path = tmp_path / "terminal.toml"
    path.write_text(f'[terminal]\ndata_dir = "{tmp_path / "var"}"\n\n'
                    f'[logging]\nfolder = "{tmp_path / "log"}"\n', encoding="utf-8")
    return path


def dispenser(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "-c", str(config_file), "devices",
                           "dispenser", *args], check=False, capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_slots_are_listed_masked(config_file: Path) -> None:
    run = dispenser(config_file, "slots", "--json")
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["slots"]["1"] == "E******01" and answer["slots"]["6"] is None
    assert (answer["loaded"], answer["free"]) == (5, 7)
    assert "E61234501" not in run.stdout


def test_load_dispense_retract_and_where_across_commands(config_file: Path) -> None:
    assert dispenser(config_file, "load", "9", "E70000009").returncode == 0
    run = dispenser(config_file, "dispense", "9", "E70000009", "--show-pii", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"in_tray": "E70000009", "slot": 9, "read": "E70000009 (optical)"}
    status = json.loads(dispenser(config_file, "status", "--json").stdout)
    assert status["tray_occupied"] and status["usable"]
    assert json.loads(dispenser(config_file, "retract", "--json", "--show-pii").stdout) == {"retracted": "E70000009"}
    # the two steps one by one: held in the picker (not in the tray), then presented
    assert dispenser(config_file, "load", "10", "E70000010").returncode == 0
    staged = dispenser(config_file, "stage", "10", "E70000010", "--show-pii", "--json")
    assert staged.returncode == 0, staged.stderr
    assert json.loads(staged.stdout) == {"held": "E70000010", "slot": 10, "read": "E70000010 (optical)",
                                         "check": "match"}
    status = json.loads(dispenser(config_file, "status", "--json").stdout)
    assert status["picker_occupied"] and not status["tray_occupied"]
    where = json.loads(dispenser(config_file, "where", "E70000010", "--json").stdout)
    assert where["location"] == "picker"
    presented = dispenser(config_file, "present", "E70000010", "--json")
    assert presented.returncode == 0, presented.stderr
    assert json.loads(presented.stdout) == {"in_tray": "E******10"}
    assert json.loads(dispenser(config_file, "status", "--json").stdout)["tray_occupied"]
    assert json.loads(dispenser(config_file, "retract", "--json", "--show-pii").stdout) == {"retracted": "E70000010"}
    where = json.loads(dispenser(config_file, "where", "E70000009", "--json").stdout)
    assert where == {"document": "E******09", "location": "reject_bin", "slot": None}


def test_a_refusal_is_one_line_with_its_fault(config_file: Path) -> None:
    run = dispenser(config_file, "dispense", "4", "E61234504")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("dispenser dispense: ")
    assert "[dispenser.wrong_document, wrong_document]" in run.stderr
    assert "E61234505" not in run.stderr  # the number read is masked


def test_a_malformed_document_id_is_refused_cleanly(config_file: Path) -> None:
    run = dispenser(config_file, "load", "9", "not a number")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "bad_parameter" in run.stderr


def test_a_missing_port_is_one_line(config_file: Path, tmp_path: Path) -> None:
    run = dispenser(config_file, "status", "--port", str(tmp_path / "no-such-port"))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "[dispenser.disconnected, disconnected]" in run.stderr
