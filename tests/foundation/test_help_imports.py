"""`main.py --help` is built from argparse alone (issue 23).

Each command module registers its options at import time, so a module that imports a heavy
library at its top makes every `--help` (and every command) pay for it. A child process runs
main.py's command line with `--help` and reports which modules ended up in sys.modules: neither
Kivy, zeep, spyne, OpenCV, pyserial nor the configuration (its loader, its TOML parser) may be
among them. The same for a command's own `--help`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.config import PROJECT_ROOT

RUNNER = r"""
import contextlib, io, json, runpy, sys
sys.argv = ["main.py", *sys.argv[1:]]
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        runpy.run_path("main.py", run_name="__main__")
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "help": out.getvalue(), "modules": sorted(sys.modules)}))
"""

# Top-level packages (or exact modules) that have no business in `--help`.
FORBIDDEN = ("kivy", "zeep", "spyne", "cv2", "serial", "escpos", "lxml", "requests", "tomllib",
             "core.config", "terminal.config", "backend.messages", "kiosk.app", "kiosk.launcher")


def help_modules(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def forbidden_in(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]


@pytest.mark.parametrize("args", [["--help"], ["devices", "--help"], ["selftest", "--help"],
                                  ["screenshots", "--help"], ["backend", "--help"],
                                  ["devices", "udev-rules", "--help"]])
def test_help_imports_no_heavy_module_nor_the_configuration(args):
    answer = help_modules(*args)

    assert answer["code"] == 0
    assert "usage: main.py" in answer["help"]  # the help was printed: the runner did run the command line
    assert forbidden_in(answer["modules"]) == []


def test_the_runner_would_see_a_heavy_import():
    """The check can fail: a real command (not --help) loads the configuration."""
    answer = help_modules("config", "check")

    assert "core.config" in forbidden_in(answer["modules"])


def test_the_udev_group_written_out_for_help_is_the_rules_default():
    from devices.common_cli import DEFAULT_GROUP
    from devices.udev_rules import DEFAULT_GROUP as RULES_GROUP

    assert DEFAULT_GROUP == RULES_GROUP
