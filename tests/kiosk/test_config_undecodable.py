"""A configuration file that is not UTF-8 (a hall file saved as GBK, a character cut in half by a
copy) or that was cut short while written is a ConfigError naming the file and the byte offset:
`config check` says so in one line and exits 2, as for any other bad file, never a traceback
(issue 18). The rules files `config check` reads get the same treatment."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backend.rules import rules_config
from core.config import PROJECT_ROOT
from core.schema import ConfigError
from terminal.cli import EXIT_USAGE, main
from terminal.commands import EXIT_BAD_RULES
from terminal.config import load_config

HALL_TEXT = '[terminal]\nhall_name_zh = "北京市出入境自助服务大厅"\n[session]\nidle_seconds = 90\n'
# Where the hall name starts in the file: the first byte that differs between GBK and UTF-8.
NAME_OFFSET = len(b'[terminal]\nhall_name_zh = "')


def run_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PROJECT_ROOT / "main.py"), "config", "check", *args],
                          check=False, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60)


def test_a_gbk_hall_file_is_refused_by_config_check_with_file_and_offset(tmp_path):
    hall = tmp_path / "hall.toml"
    hall.write_bytes(HALL_TEXT.encode("gbk"))
    result = run_check(str(hall))
    assert result.returncode == EXIT_USAGE == 2
    assert "Traceback" not in result.stderr and "UnicodeDecodeError" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{hall}: (encoding): not UTF-8 at byte {NAME_OFFSET}" in lines[0]
    assert "GBK" in lines[0], "the likely cause is named"


def test_a_half_copied_character_is_refused_with_its_offset(tmp_path):
    data = HALL_TEXT.encode("utf-8")
    cut = data.index("大厅".encode()) + 1  # inside the three bytes of 大
    hall = tmp_path / "hall.toml"
    hall.write_bytes(data[:cut] + data[cut + 2:])
    with pytest.raises(ConfigError) as caught:
        load_config([hall])
    assert caught.value.source == str(hall) and caught.value.key == "(encoding)"
    assert f"at byte {cut - 1}" in caught.value.problem


@pytest.mark.parametrize("keep, key, offset", [
    (NAME_OFFSET + 7, "(encoding)", NAME_OFFSET + 6),  # one byte into the name's third character
    (NAME_OFFSET + 12, "(syntax)", NAME_OFFSET + 12),  # whole characters, no closing quote
    (len(b"[termin"), "(syntax)", len(b"[termin")),  # inside a table header
    (len(HALL_TEXT.encode("utf-8")) - 3, "(syntax)", len(HALL_TEXT.encode("utf-8")) - 3),  # "idle_seconds = "
])
def test_a_file_cut_short_is_refused_with_file_and_offset(tmp_path, keep, key, offset):
    hall = tmp_path / "hall.toml"
    hall.write_bytes(HALL_TEXT.encode("utf-8")[:keep])
    with pytest.raises(ConfigError) as caught:
        load_config([hall])
    assert (caught.value.source, caught.value.key) == (str(hall), key)
    assert f"at byte {offset}" in caught.value.problem
    assert "cut short or half-written" in caught.value.problem


def test_a_file_cut_after_a_whole_value_is_still_validated(tmp_path):
    """Cut after "idle_seconds = 9": valid TOML, so the schema judges it (and refuses 9 s)."""
    hall = tmp_path / "hall.toml"
    hall.write_bytes(HALL_TEXT.encode("utf-8")[:-2])
    with pytest.raises(ConfigError) as caught:
        load_config([hall])
    assert (caught.value.source, caught.value.key) == (str(hall), "session.idle_seconds")


def test_a_truncated_file_is_one_line_from_config_check(tmp_path):
    hall = tmp_path / "hall.toml"
    hall.write_bytes(HALL_TEXT.encode("utf-8")[:NAME_OFFSET + 12])
    result = run_check(str(hall))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert f"{hall}: (syntax): not valid TOML at byte {NAME_OFFSET + 12}" in result.stderr


def test_a_syntax_error_names_the_byte_offset_counting_multibyte_characters(tmp_path):
    hall = tmp_path / "hall.toml"
    hall.write_text('[terminal]\nhall_name_zh = "大厅"\n[session]\nidle_seconds = = 90\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config([hall])
    offset = int(caught.value.problem.split("at byte ")[1].split(":")[0])
    assert hall.read_bytes()[offset:].startswith(b"= 90"), "the offset points at the second '='"


def test_a_utf8_file_with_a_byte_order_mark_is_accepted(tmp_path):
    hall = tmp_path / "hall.toml"
    hall.write_bytes(b"\xef\xbb\xbf" + HALL_TEXT.encode("utf-8"))
    assert load_config([hall])["terminal"]["hall_name_zh"] == "北京市出入境自助服务大厅"


def test_a_gbk_rules_file_is_a_rules_error_in_config_check(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "rules"
    shutil.copytree(rules_config.RULES_DIR, folder)
    monkeypatch.setattr(rules_config, "RULES_DIR", folder)
    path = folder / "endorsements.toml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    assert main(["config", "check"]) == EXIT_BAD_RULES
    err = capsys.readouterr().err.strip().splitlines()
    assert any(line.startswith(f"rules error: {path}: (file): not UTF-8 at byte") for line in err), err


def test_the_shipped_files_still_load():
    assert load_config().sources == (Path(PROJECT_ROOT / "config" / "default.toml"),)
