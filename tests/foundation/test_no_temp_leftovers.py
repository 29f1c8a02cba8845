"""No command leaves anything in the temporary folder (issue 23).

python-escpos made a new folder in /tmp at every import (its capabilities cache, never found
again): 152 of them after a day of runs. Each of the main commands runs here in its own process
with TMPDIR pointing at a fresh, empty folder, which must still be empty when it ends.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from core.config import PROJECT_ROOT
from terminal.scratch import write_scratch_file

# A self-test or a screenshots run starts the whole runtime or Kivy: slow on a loaded machine.
COMMAND_TIMEOUT_SECONDS = 600

COMMANDS = {
    "help": ["--help"],
    "config check": ["config", "check"],
    "selftest of one service": ["selftest", "--service", "progress"],
    "screenshots of one flow": ["screenshots", "-o", "{out}", "--only-flow", "progress", "--lang", "en",
                                "--size", "1080x1920", "--scale", "0.25"],
    "devices list": ["devices", "list"],
    "devices test-print": ["devices", "test-print", "--simulate"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_leaves_nothing_in_the_temporary_folder(name, tmp_path, simulator_cache):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    data = tmp_path / "data"
    config = write_scratch_file(data)
    (data / "selftest").mkdir()
    (data / "selftest" / "simulators").symlink_to(simulator_cache, target_is_directory=True)
    args = [arg.format(out=tmp_path / "out") for arg in COMMANDS[name]]
    env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_CONFIG", "ESCPOS_CAPABILITIES_PICKLE_DIR")}
    env.update(TMPDIR=str(temporary), SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1")

    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "main.py"), "-c", str(config), *args],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, env=env,
                            timeout=COMMAND_TIMEOUT_SECONDS, check=False)

    assert result.returncode == 0, f"{name} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    assert sorted(p.name for p in temporary.iterdir()) == [], f"{name} left these in TMPDIR"


def test_selftest_names_the_services_it_knows_when_asked_for_another(tmp_path):
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "main.py"), "-c", str(write_scratch_file(tmp_path)),
                             "selftest", "--service", "no_such_service"], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, timeout=COMMAND_TIMEOUT_SECONDS, check=False)
    assert result.returncode == 2
    assert "no scenario for no_such_service" in result.stderr and "progress" in result.stderr
