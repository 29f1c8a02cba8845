"""`python main.py devices card-terminal ...` as a technician runs it: the simulator's batch persists
between commands, card numbers appear masked only, a failure is one line and exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "terminal.toml"
    path.write_text(f'[terminal]\ndata_dir = "{tmp_path / "var"}"\n\n'
                    f'[logging]\nfolder = "{tmp_path / "log"}"\n', encoding="utf-8")
    return path


def card_terminal(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "-c", str(config_file), "devices",
                           "card-terminal", *args], check=False, capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_sale_last_void_settle_across_commands(config_file: Path, tmp_path: Path) -> None:
    sale = card_terminal(config_file, "sale", "1250", "ORD-CLI", "--card", "funds", "--json")
    assert sale.returncode == 0, sale.stderr
    answer = json.loads(sale.stdout)
    assert (answer["outcome"], answer["card"], answer["batch"]) == ("approved", "622202*********0128", "000001")
    last = json.loads(card_terminal(config_file, "last", "--json").stdout)
    assert (last["reference"], last["auth_code"]) == ("ORD-CLI", answer["auth_code"])
    assert json.loads(card_terminal(config_file, "void", "ORD-CLI", "--json").stdout)["kind"] == "void"
    settled = json.loads(card_terminal(config_file, "settle", "--json").stdout)
    assert (settled["sales"], settled["voids"], settled["net_fen"]) == (1, 1, 0)
    logs = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "log").rglob("*") if p.is_file())
    assert "6222021234567890128" not in logs + sale.stdout + sale.stderr


def test_a_declined_card_is_shown_with_its_reason(config_file: Path) -> None:
    run = card_terminal(config_file, "sale", "1250", "ORD-POOR", "--card", "poor", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["reason"] == "insufficient_funds"


def test_a_failure_is_one_line_and_exit_code_one(config_file: Path) -> None:
    run = card_terminal(config_file, "status", "--port", "/dev/kiosk-no-such-pos")
    assert run.returncode == 1
    assert run.stderr.strip().count("\n") == 0 and "card_terminal.disconnected" in run.stderr


def test_refund_after_settle_across_commands(config_file: Path) -> None:
    assert card_terminal(config_file, "sale", "1250", "ORD-REF", "--card", "funds").returncode == 0
    assert card_terminal(config_file, "settle").returncode == 0
    too_late = card_terminal(config_file, "void", "ORD-REF")
    assert too_late.returncode == 1 and too_late.stderr.strip().count("\n") == 0
    refund = json.loads(card_terminal(config_file, "refund", "ORD-REF", "1250", "--json").stdout)
    assert (refund["kind"], refund["outcome"], refund["card"]) == ("refund", "approved", "622202*********0128")
    settled = json.loads(card_terminal(config_file, "settle", "--json").stdout)
    assert (settled["sales"], settled["refunds"], settled["refund_total_fen"], settled["net_fen"]) == (0, 1, 1250, -1250)
