"""`python main.py selftest`: every registered service end to end on simulators, a pass/fail
table, exit 0 only when all pass."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from flows.registry import built_services
from terminal.cli import main
from terminal.selftest import SelftestResult, all_passed, format_table, run_all, selftest_services
from terminal.selftest_cli import SELFTEST_FOLDER

# The whole self-test: every row, three acceptances each sending two fingerprint images (the simulated
# module at 115200 baud in the self-test: about 7 s of wire each); a loaded CI machine needs the margin.
SUBPROCESS_TIMEOUT_SECONDS = 300


@pytest.fixture(scope="module")
def config_file(runtime_factory, simulator_cache: Path) -> Path:
    """A terminal's override file; the self-test keeps its files in data_dir/selftest."""
    path = runtime_factory.config_file("terminal")
    selftest_dir = path.parent / SELFTEST_FOLDER
    selftest_dir.mkdir()
    (selftest_dir / "simulators").symlink_to(simulator_cache, target_is_directory=True)
    return path


@pytest.mark.timeout(SUBPROCESS_TIMEOUT_SECONDS + 60)
def test_selftest_passes_every_service_and_prints_the_table(config_file: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    done = subprocess.run([sys.executable, "main.py", "selftest", "--config", str(config_file)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_SECONDS, env=env)

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["service", "result"]
    rows = {line.split()[0]: line.split() for line in lines[2:2 + len(selftest_services())]}
    assert set(rows) == set(selftest_services()) > set(built_services())
    for service, row in rows.items():
        assert row[1] == "pass", f"{service}: {' '.join(row)}"
        assert row[3] == "ms" and float(row[2]) > 0
    assert f"{len(selftest_services())}" in lines[-1]  # the verdict line
    journal = config_file.parent / SELFTEST_FOLDER / "journal.sqlite3"
    assert journal.exists() and not (config_file.parent / "journal.sqlite3").exists()


@pytest.mark.timeout(SUBPROCESS_TIMEOUT_SECONDS + 60)
def test_json_report(config_file: Path, capsys) -> None:
    code = main(["selftest", "--config", str(config_file), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["passed"] is True
    assert [s["service"] for s in report["services"]] == list(selftest_services())
    assert {"endorsement_card", "traffic_fines_card", "acceptance_card"} <= set(selftest_services())  # issue 21: paid by card
    assert all(s["machine_seconds"] > 0 and s["passed"] for s in report["services"])


def test_a_failing_scenario_is_a_failed_row_not_a_crash(runtime) -> None:
    results = run_all(runtime, {"appointment": "terminal.scenarios:no_such_scenario"})
    assert not all_passed(results)
    (result,) = results
    assert not result.passed and "no_such_scenario" in result.detail
    assert "FAIL" in format_table(results)
    assert not all_passed([])  # nothing run is no pass


def test_result_rows_report_touches_and_time() -> None:
    row = SelftestResult("progress", True, 0.1234, 2).to_dict()
    assert row == {"service": "progress", "passed": True, "machine_seconds": 0.123, "touches": 2, "detail": ""}
