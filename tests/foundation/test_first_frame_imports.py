"""Nothing heavy is imported before the kiosk's first frame (issue 23).

The app imports every screen, presenter and flow module before it draws (kiosk.app), so a
module-level import of a heavy library anywhere among them delays the first frame: zeep (through
backend_client's package or its client), pypinyin (its phrase dictionary), OpenCV and numpy,
spyne. Those belong to the runtime's thread or to the step that uses them. A child process
builds the app as `python main.py` does, up to the point where Kivy would draw, and reports
sys.modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from core.config import PROJECT_ROOT

RUNNER = r"""
import json, os, sys
sys.path.insert(0, os.getcwd())
from terminal.config import load_config
from kiosk.launcher import build_app, prepare
config = load_config([sys.argv[1]])
prepare(config)
app = build_app(config)
app.build()
print(json.dumps({"modules": sorted(sys.modules), "screens": len(app.screens.screen_names)}))
"""

HEAVY = ("zeep", "pypinyin", "cv2", "numpy", "spyne", "lxml", "requests", "escpos", "backend_client.client")


def test_building_the_app_imports_no_heavy_library(tmp_path):
    from terminal.scratch import write_scratch_file

    config = write_scratch_file(tmp_path / "data")
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1")
    result = subprocess.run([sys.executable, "-c", RUNNER, str(config)], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])

    assert answer["screens"] > 5  # the app was built with its screens: the check saw what the kiosk imports
    assert "kivy" in answer["modules"] and "flows.identity" in answer["modules"]
    heavy = [m for m in answer["modules"] if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert heavy == []


DEVICES_RUNNER = r"""
import json, os, sys
sys.path.insert(0, os.getcwd())
from terminal.config import load_config
from devices.factory import DeviceContext, build_device
import terminal.runtime  # what the runtime's thread imports before the devices
config = load_config([sys.argv[1]])
context = DeviceContext(config.data_dir)
built = []
for kind, settings in config["devices"].items():
    device = build_device(kind, settings, context)
    built.append(kind)
modules = sorted(sys.modules)
context.close_all()
print(json.dumps({"modules": modules, "built": built}))
"""

# Before the services are offered (issue 23): OpenCV and numpy load on the camera's capture
# thread, zeep and spyne on the back-end link's, after the tiles take touches.
NOT_BEFORE_SERVICES = ("zeep", "cv2", "numpy", "spyne", "lxml", "requests", "backend_client.client")


def test_building_the_simulated_devices_imports_neither_opencv_nor_zeep(tmp_path):
    from terminal.scratch import write_scratch_file

    config = write_scratch_file(tmp_path / "data")
    runs = []
    for _ in range(2):  # the first renders the camera scenes, as the kiosk's first start did
        run = subprocess.run([sys.executable, "-c", DEVICES_RUNNER, str(config)], capture_output=True, text=True,
                             cwd=PROJECT_ROOT, timeout=600, check=False)
        assert run.returncode == 0, run.stderr[-3000:]
        runs.append(run)
    result = runs[-1]
    answer = json.loads(result.stdout.strip().splitlines()[-1])

    assert {"camera", "printer", "idcard"} <= set(answer["built"])
    assert "devices.camera.driver" in answer["modules"] and "devices.printer.simulator" in answer["modules"]
    heavy = [m for m in answer["modules"] if any(m == h or m.startswith(h + ".") for h in NOT_BEFORE_SERVICES)]
    assert heavy == []
