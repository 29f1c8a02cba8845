"""`python main.py photo ...` run as a real subprocess: outputs, text, --json and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

from core.config import PROJECT_ROOT
from photo import samples


def run_photo(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    return subprocess.run([sys.executable, str(PROJECT_ROOT / "main.py"), "photo", *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=PROJECT_ROOT)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, good_capture):
    folder = tmp_path_factory.mktemp("inputs")
    good = folder / "citizen.png"
    cv2.imwrite(str(good), good_capture)
    small = folder / "far_away.jpg"
    cv2.imwrite(str(small), samples.capture(head_fraction=0.25))
    broken = folder / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 this is not really a JPEG")
    return {"good": good, "small": small, "broken": broken}


def test_all_passing_exits_0_and_writes_the_photo(inputs, tmp_path):
    done = run_photo(str(inputs["good"]), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "ACCEPTED" in done.stdout and "head_ratio" in done.stdout
    written = tmp_path / "out" / "citizen.jpg"
    image = cv2.imdecode(np.frombuffer(written.read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (472, 354, 3)
    assert 20480 <= written.stat().st_size <= 80000


def test_a_refused_input_exits_3_with_its_reason(inputs, tmp_path):
    done = run_photo(str(inputs["good"]), str(inputs["small"]), "-o", str(tmp_path))
    assert done.returncode == 3
    assert "REFUSED" in done.stdout and "FaceTooSmall" in done.stdout and "photo.come_closer" in done.stdout
    assert (tmp_path / "citizen.jpg").exists() and not (tmp_path / "far_away.jpg").exists()


def test_an_unreadable_input_exits_2_with_one_line(inputs, tmp_path):
    done = run_photo(str(inputs["broken"]), str(inputs["good"]), "-o", str(tmp_path))
    assert done.returncode == 2
    assert "broken.jpg: unreadable" in done.stderr and "Traceback" not in done.stderr
    missing = run_photo(str(tmp_path / "nope.png"), "-o", str(tmp_path))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_json_output_carries_every_check_with_values(inputs, tmp_path):
    done = run_photo(str(inputs["small"]), str(inputs["good"]), "-o", str(tmp_path), "--json",
                     "--spec", "resident-id")
    assert done.returncode == 3
    report = json.loads(done.stdout)
    assert report["spec"] == "resident-id"
    small, good = report["results"]
    assert small["ok"] is False and small["message_key"] == "photo.come_closer"
    size = next(c for c in small["checks"] if c["check"] == "face_size")
    assert size["status"] == "failed" and size["value"] < 221 and "FaceTooSmall" in size["problem"]
    assert good["ok"] is True and good["output"].endswith("citizen.jpg")
    statuses = {c["check"]: c["status"] for c in good["checks"]}
    assert statuses.pop("mouth_closed") == "not_run"  # the resident-id spec does not ask for it
    assert set(statuses.values()) == {"passed"}


def test_an_unknown_spec_is_a_usage_error(inputs, tmp_path):
    done = run_photo(str(inputs["good"]), "-o", str(tmp_path), "--spec", "passport")
    assert done.returncode == 2 and "exit-entry" in done.stderr


def test_a_transparent_cut_out_is_laid_on_white(tmp_path, good_capture):
    # The compliant capture with its near-white backdrop turned transparent (and black
    # underneath, which an alpha-blind reader would show).
    near_white = (good_capture.min(axis=2) >= 245)[:, :, None]
    colour = np.where(near_white, 0, good_capture).astype(np.uint8)
    alpha = np.where(near_white[:, :, 0], 0, 255).astype(np.uint8)
    cut_out = tmp_path / "cut_out.png"
    cv2.imwrite(str(cut_out), np.dstack([colour, alpha]))
    done = run_photo(str(cut_out), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout


def test_two_inputs_with_one_name_get_two_outputs(inputs, tmp_path):
    other = tmp_path / "second"
    other.mkdir()
    twin = other / "citizen.png"
    twin.write_bytes(inputs["good"].read_bytes())
    done = run_photo(str(inputs["good"]), str(twin), "-o", str(tmp_path / "out"))
    assert done.returncode == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["citizen-2.jpg", "citizen.jpg"]


FACES = PROJECT_ROOT / "assets" / "faces"


@pytest.mark.parametrize(("live", "on_file", "same"), [
    ("obama.jpg", "obama3.jpg", True),
    ("obama.jpg", "biden_id.jpg", False),
])
def test_compare_answers_match_distance_and_threshold(live, on_file, same):
    done = run_photo("compare", str(FACES / live), str(FACES / on_file), "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["match"] is same and answer["threshold"] == 0.6
    assert (answer["distance"] <= 0.6) is same


def test_compare_says_in_one_line_when_an_image_has_no_face_or_cannot_be_read(tmp_path):
    blank = tmp_path / "wall.jpg"
    cv2.imwrite(str(blank), np.full((300, 300, 3), 240, np.uint8))
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    for path, reason in ((blank, "no face found"), (text, "unreadable"), (tmp_path / "missing.jpg", "unreadable")):
        done = run_photo("compare", str(path), str(FACES / "obama.jpg"))
        assert done.returncode == 2
        assert done.stderr.strip().count("\n") == 0 and reason in done.stderr and "Traceback" not in done.stderr
