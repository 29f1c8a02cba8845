"""No log line ever holds a bank card number (issue 21): a kiosk process with its logs at DEBUG
(every frame on the card terminal's line, every SOAP call) pays an endorsement and a fine by card
(the self-test scenarios), is declined by a card without funds, voids, settles and refunds; then
every log file it wrote is scanned for the demo cards' numbers, in clear, spaced or as hex bytes.

The kiosk runs in a child process so its logging set-up (root handlers, level) stays out of
the test session's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.config import PROJECT_ROOT
from devices.card_terminal.simulator import DEMO_CARDS

CHILD_TIMEOUT_SECONDS = 300

CHILD = r"""
import logging, sys
from pathlib import Path
from core.logs import setup_logging
from terminal.runtime import start_runtime
from terminal.scratch import scratch_config
from terminal.selftest import run_scenario

folder = Path(sys.argv[1])
config = scratch_config(folder, logging={"level": "DEBUG"})
setup_logging(config["logging"], config.path(config["logging"]["folder"]))
runtime = start_runtime(config)
try:
    for service in ("endorsement_card", "traffic_fines_card"):
        result = run_scenario(runtime, service)
        assert result.passed, result
    terminal, simulator = runtime.devices.get("card_terminal"), runtime.simulators["card_terminal"]
    simulator.present_card("poor")
    assert not terminal.sale(900000, "LOG-POOR").approved
    simulator.present_card("funds")
    assert terminal.sale(1250, "LOG-VOID").approved and terminal.void("LOG-VOID").approved
    simulator.present_card("funds")
    assert terminal.sale(1300, "LOG-REFUND").approved
    terminal.settle()
    assert terminal.refund("LOG-REFUND", 1300).approved
    print("paid", flush=True)
finally:
    runtime.close()
"""


def forms_of(pan: str) -> list[str]:
    """A card number as a log line could carry it: plain, grouped in fours, as hex bytes."""
    grouped = " ".join(pan[i:i + 4] for i in range(0, len(pan), 4))
    hex_spaced = pan.encode("ascii").hex(" ")
    return [pan, grouped, hex_spaced, hex_spaced.replace(" ", "")]


def test_no_log_file_holds_a_card_number(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], check=False, cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=CHILD_TIMEOUT_SECONDS)
    assert done.returncode == 0 and "paid" in done.stdout, done.stdout[-2000:] + done.stderr[-4000:]
    logs = [p for p in (tmp_path / "log").rglob("*") if p.is_file()]
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)
    assert "card sale" in text and "622202*********0128" in text, "the card payments were logged (masked)"
    assert "card_terminal >>" in text, "the line was logged frame by frame"
    for card in DEMO_CARDS.values():
        for form in forms_of(card.pan):
            assert form not in text, f"a log holds card {card.pan[:6]}... as {form!r}"
