"""`python main.py devices read-id` as a technician runs it, against a simulated reader on a pty."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from devices.idcard.protocol import Command
from devices.idcard.simulator import Fault, sample_foreign_2023_card, sample_residence_permit, sample_resident_card

ROOT = Path(__file__).resolve().parents[3]


def read_id(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "devices", "read-id", *args],
                          capture_output=True, text=True, timeout=30, cwd=ROOT)


def assert_one_line_failure(run: subprocess.CompletedProcess[str], code: int, reason: str) -> None:
    assert run.returncode == code
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("read-id: ")
    assert reason in run.stderr
    assert run.stdout == ""


def test_success_prints_the_card_masked(simulator) -> None:
    simulator.insert_card(sample_resident_card())
    run = read_id("--port", simulator.path)
    assert run.returncode == 0, run.stderr
    assert "110105**********2X" in run.stdout and "王**" in run.stdout
    for secret in ("11010519491231002X", "王小梅", "示例胡同", "1949-12-31"):
        assert secret not in run.stdout


def test_show_pii_and_json(simulator) -> None:
    simulator.insert_card(sample_residence_permit())
    run = read_id("--port", simulator.path, "--baud", "115200", "--json", "--show-pii")
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert record["kind"] == "J" and record["name"] == "陈大文" and record["permit_number"] == "H12345678"


def test_a_2023_foreign_resident_card_end_to_end(simulator) -> None:
    """GIVEN a type "Y" card on the simulated module WHEN the technician reads it THEN it is shown
    like a type "I" card: masked by default, every field with --show-pii."""
    simulator.insert_card(sample_foreign_2023_card())
    masked = read_id("--port", simulator.path)
    assert masked.returncode == 0, masked.stderr
    assert "931752**********28" in masked.stdout
    for secret in ("931752198503150028", "林安娜", "ANNA MARIA", "1985-03-15"):
        assert secret not in masked.stdout
    simulator.insert_card(sample_foreign_2023_card())  # put down again: a read card stays halted
    shown = json.loads(read_id("--port", simulator.path, "--json", "--show-pii").stdout)
    assert (shown["kind"], shown["chinese_name"], shown["english_name"], shown["card_number"]) == (
        "Y", "林安娜", "LINDQVIST, ANNA MARIA", "931752198503150028")
    assert (shown["nationality"], shown["birth_date"], shown["valid_to"]) == ("752", "1985-03-15", "2034-01-10")


def test_no_card(simulator) -> None:
    assert_one_line_failure(read_id("--port", simulator.path), 3, "no card on the reader")


def test_port_missing(tmp_path: Path) -> None:
    port = tmp_path / "ttyUSB0"
    assert_one_line_failure(read_id("--port", str(port)), 1,
                            f"reader not reachable: cannot open {port}: No such file or directory")


@pytest.mark.parametrize(("fault", "reason"), [
    (Fault.BAD_CHECKSUM, "garbled answer from the reader: checksum"),
    (Fault.SILENCE, "no answer from the reader"),
])
def test_reader_faults(simulator, fault: Fault, reason: str) -> None:
    simulator.insert_card(sample_resident_card())
    simulator.inject_fault(fault, command=Command.FIND_CARD)
    assert_one_line_failure(read_id("--port", simulator.path), 1, reason)
