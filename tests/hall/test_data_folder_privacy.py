"""After a full `python main.py selftest` (every service, played by the demo people of
backend/seed.py), the terminal's data folder and its logs hold none of their ID numbers or names
and no JPEG: every photo, card record and form went with its session.

Left out of the text scan, on purpose: `simulators/` (the simulated world: the chips of the
permit cards in citizens' pockets, the camera's scene videos; a hall terminal has no such
folder) and the virtual printer's receipts (the paper the citizen takes away). Both are still
checked for JPEG files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend.seed import PEOPLE
from core.config import PROJECT_ROOT
from terminal.scratch import write_scratch_file

# Every self-test row, three acceptances among them (two fingerprint images each, at 115200 baud).
SELFTEST_SECONDS = 300
SIMULATED_WORLD = ("simulators", "printer/receipts")
JPEG_MAGIC = b"\xff\xd8\xff"
# How the demo people's data could sit in a file: as text, as the printer's and card's encodings.
ENCODINGS = ("utf-8", "gb18030", "utf-16-le")


def personal_needles() -> dict[bytes, str]:
    needles: dict[bytes, str] = {}
    for person in PEOPLE:
        values = {"ID number": person.id_number, "name": person.name, "travel document": person.travel_document_number}
        for what, value in values.items():
            if value:
                for encoding in ENCODINGS:
                    needles[value.encode(encoding)] = f"{person.key}'s {what}"
    return needles


def in_simulated_world(path: Path, data: Path) -> bool:
    relative = path.relative_to(data).as_posix()
    return any(f"/{part}/" in f"/{relative}" for part in SIMULATED_WORLD)


@pytest.mark.timeout(SELFTEST_SECONDS + 60)
def test_after_a_full_selftest_no_id_number_name_or_jpeg_is_left(tmp_path):
    data = tmp_path / "data"
    override = write_scratch_file(data, logging={"level": "DEBUG"})
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    done = subprocess.run([sys.executable, "main.py", "-c", str(override), "selftest"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, timeout=SELFTEST_SECONDS, check=False)
    assert done.returncode == 0, done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")

    files = [p for p in data.rglob("*") if p.is_file()]
    logs = [p for p in files if p.relative_to(data).parts[0] == "log"]
    assert logs and sum(p.stat().st_size for p in logs) > 10_000, "the self-test must have written its log"
    assert any(p.name == "journal.sqlite3" for p in files) and any(p.name == "outbox.sqlite3" for p in files)

    jpegs = [str(p) for p in files if p.read_bytes()[:3] == JPEG_MAGIC]
    assert not jpegs, f"JPEG files left after the sessions ended: {jpegs}"
    sessions = data / "selftest" / "sessions"
    assert not sessions.exists() or not any(sessions.iterdir()), "a session folder outlived its session"

    needles = personal_needles()
    cards = (data / "selftest" / "simulators" / "permit-cards.json").read_bytes()
    assert any(needle in cards for needle in needles), "the scan must recognise the demo people where they are"
    found = []
    for path in files:
        if in_simulated_world(path, data):
            continue
        content = path.read_bytes()
        found += [f"{what} in {path.relative_to(data)}" for needle, what in needles.items() if needle in content]
    output = done.stdout + done.stderr
    found += [f"{what} in the command's output" for needle, what in needles.items() if needle in output]
    assert not found, "personal data left behind:\n" + "\n".join(sorted(set(found)))
