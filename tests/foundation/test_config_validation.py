"""Each kind of bad configuration stops the program with one message naming file, key and what is allowed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from core.schema import ConfigError
from terminal.config import load_config


def override(tmp_path: Path, text: str, name: str = "hall.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config([override(tmp_path, text)])
    return caught.value


def test_shipped_default_is_complete_and_valid():
    config = load_config()
    assert config["backend"]["mode"] == "embedded"
    assert config["session"]["idle_seconds"] > 0


def test_unknown_key_names_file_key_and_allowed_keys(tmp_path):
    error = error_for(tmp_path, "[session]\nidle_secs = 30\n")
    assert error.source.endswith("hall.toml")
    assert error.key == "session.idle_secs"
    assert "unknown key" in str(error) and "idle_seconds" in str(error)


def test_unknown_section_is_refused(tmp_path):
    error = error_for(tmp_path, "[sesion]\nidle_seconds = 30\n")
    assert error.key == "sesion"


def test_wrong_type_says_what_is_expected(tmp_path):
    error = error_for(tmp_path, '[session]\nidle_seconds = "ninety"\n')
    assert error.key == "session.idle_seconds"
    assert "an integer from 10 to 3600" in str(error) and "'ninety'" in str(error)


def test_boolean_is_not_accepted_as_a_number(tmp_path):
    error = error_for(tmp_path, "[session]\nidle_seconds = true\n")
    assert error.key == "session.idle_seconds"


def test_out_of_range_value_names_the_range(tmp_path):
    error = error_for(tmp_path, "[session]\nwarning_seconds = 1\n")
    assert "from 3 to 300" in str(error) and "got 1" in str(error)


def test_value_outside_choices_lists_the_choices(tmp_path):
    error = error_for(tmp_path, '[terminal]\norientation = "diagonal"\n')
    assert "'portrait', 'landscape'" in str(error)


def test_section_given_as_a_value_is_refused(tmp_path):
    error = error_for(tmp_path, 'session = 5\n')
    assert error.key == "session" and "table" in str(error)


def test_toml_syntax_error_names_the_file(tmp_path):
    error = error_for(tmp_path, "[session\nidle_seconds = 30\n")
    assert error.key == "(syntax)" and error.source.endswith("hall.toml")


def test_missing_override_file_is_reported(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config([tmp_path / "nowhere.toml"])
    assert "file not found" in str(caught.value)


def test_remote_back_end_needs_an_http_url(tmp_path):
    error = error_for(tmp_path, '[backend]\nmode = "remote"\nurl = "ftp://x"\n')
    assert error.key == "backend.url"


def test_later_file_overrides_earlier_and_error_names_the_file_holding_the_bad_value(tmp_path):
    hall = override(tmp_path, "[session]\nidle_seconds = 120\n", "hall.toml")
    terminal = override(tmp_path, '[terminal]\nid = "T-07"\n', "terminal.toml")
    config = load_config([hall, terminal])
    assert config["session"]["idle_seconds"] == 120 and config["terminal"]["id"] == "T-07"
    bad_terminal = override(tmp_path, "[session]\nidle_seconds = 5\n", "terminal.toml")
    with pytest.raises(ConfigError) as caught:
        load_config([hall, bad_terminal])
    assert caught.value.source.endswith("terminal.toml")


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PROJECT_ROOT / "main.py"), *args], capture_output=True,
                          text=True, cwd=PROJECT_ROOT, env=env, timeout=60)


def test_config_check_prints_merged_config_with_secrets_hidden(tmp_path):
    hall = override(tmp_path, '[ui]\nmaintenance_pin_hash = "scrypt$abc$def"\n')
    result = run_cli("config", "check", str(hall))
    assert result.returncode == 0, result.stderr
    assert "scrypt$abc$def" not in result.stdout
    assert 'maintenance_pin_hash = "********"' in result.stdout
    assert "[session]" in result.stdout


def test_config_check_of_a_bad_file_is_one_line_and_exit_2(tmp_path):
    hall = override(tmp_path, "[session]\nidle_seconds = 1\n")
    result = run_cli("config", "check", str(hall))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "hall.toml: session.idle_seconds" in result.stderr


def test_help_lists_every_subcommand_with_one_line():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("run", "config", "devices"):
        assert f"    {command} " in result.stdout
