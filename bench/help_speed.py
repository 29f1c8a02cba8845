"""`python main.py --help` beside argparse alone (issue 23: `--help` built from argparse alone).

    .venv/bin/python bench/help_speed.py [--runs 20]

Each run is a fresh process timed from spawn to exit (wall clock). The anchor, run alternately
with the project in the same run, is a Python process that imports argparse, builds a parser
with subcommands and prints its help: what any argparse program pays. The project's extra is
the command modules themselves (about 30 of them register their options), with no library and
no configuration imported (tests/foundation/test_help_imports.py checks the latter).

Both run with their bytecode cached (in a scratch PYTHONPYCACHEPREFIX, warmed by a first run),
as an installed kiosk has its __pycache__: with PYTHONDONTWRITEBYTECODE set (as in some shells
here) every start would compile each project module again while the libraries' bytecode,
written by pip, is used: a cost the kiosk does not pay.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ANCHOR = r'''
import argparse
parser = argparse.ArgumentParser(prog="anchor")
commands = parser.add_subparsers(dest="command")
for name in ("run", "config", "devices", "selftest", "backend"):
    commands.add_parser(name, help=f"the {name} command")
parser.parse_args(["--help"])
'''


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    project_cmds = {"main.py --help": [sys.executable, "main.py", "--help"],
                    "main.py devices --help": [sys.executable, "main.py", "devices", "--help"]}
    anchor_cmd = [sys.executable, "-c", ANCHOR]
    figures: dict[str, list[float]] = {name: [] for name in project_cmds}
    anchors = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-pyc-") as pycache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = pycache
        timed(anchor_cmd, env)  # warm the file cache and the bytecode for both
        for command in project_cmds.values():
            timed(command, env)
        for _ in range(args.runs):  # alternately, so both see the same load
            for name, command in project_cmds.items():
                figures[name].append(timed(command, env))
                anchors.append(timed(anchor_cmd, env))
    anchor = statistics.median(anchors)
    print(f"--help, {args.runs} runs each, alternately; load average {os.getloadavg()[0]:.1f}")
    print(f"{'anchor: argparse alone':28} median {anchor * 1000:6.1f} ms")
    for name, values in figures.items():
        value = statistics.median(values)
        print(f"{name:28} median {value * 1000:6.1f} ms   ratio {value / anchor:.2f}")


if __name__ == "__main__":
    main()
