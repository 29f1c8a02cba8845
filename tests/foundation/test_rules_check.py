"""`config check` and `doctor` validate the rules files (config/rules/*.toml, issue 22: rules in
configuration, `config check` validates them): a bad file is reported with its path and key,
before a restart of the back end that reads it would stop on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backend.rules import rules_config
from terminal.cli import main
from terminal.commands import EXIT_BAD_RULES
from terminal.config import load_config
from terminal.doctor import check_rules


@pytest.fixture
def rules_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped rules folder that the commands read instead of config/rules."""
    folder = tmp_path / "rules"
    shutil.copytree(rules_config.RULES_DIR, folder)
    monkeypatch.setattr(rules_config, "RULES_DIR", folder)
    return folder


def break_stay(folder: Path) -> Path:
    path = folder / "endorsements.toml"
    text = path.read_text(encoding="utf-8")
    assert "stay_days = 7" in text
    path.write_text(text.replace("stay_days = 7", 'stay_days = "seven"', 1), encoding="utf-8")
    return path


def test_the_shipped_rules_files_pass():
    assert rules_config.check_folder() == []
    assert check_rules(load_config()).ok


def test_config_check_names_the_bad_rules_file_and_key_and_exits_2(rules_folder, capsys):
    path = break_stay(rules_folder)
    assert main(["config", "check"]) == EXIT_BAD_RULES
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"rules error: {path}: types.")
    assert "stay_days" in err[0] and "must be a int" in err[0]


def test_config_check_reports_a_missing_and_an_unknown_file(rules_folder, capsys):
    (rules_folder / "individual_visit.toml").rename(rules_folder / "individual_vist.toml")
    assert main(["config", "check"]) == EXIT_BAD_RULES
    err = capsys.readouterr().err
    assert f"{rules_folder / 'individual_visit.toml'}: (file): cannot be read" in err
    assert f"{rules_folder / 'individual_vist.toml'}: (file): is not a rules file the kiosk reads" in err


def test_config_check_of_good_rules_prints_the_configuration(rules_folder, capsys):
    assert main(["config", "check"]) == 0
    assert f"# rules OK: {rules_folder}" in capsys.readouterr().out


def test_doctor_reports_a_bad_rules_file_with_file_key_and_fix(rules_folder):
    path = break_stay(rules_folder)
    result = check_rules(load_config())
    assert not result.ok
    assert str(path) in result.detail and "stay_days" in result.detail
    assert "docs/rules.md" in result.fix
