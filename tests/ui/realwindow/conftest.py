"""The kiosk in a real X window, clicked through as a citizen would: Xvfb, xdotool, `python main.py`.

Unlike the other UI tests (one process, SDL's offscreen driver, touches sent to the widgets),
these start the whole kiosk as a child process on an X server of their own (Xvfb, a portrait
1080 x 1920 screen) and touch it only from outside, through the X server: `xdotool` moves the
pointer to a widget's centre and clicks. Where the widgets are, the kiosk itself says: the
test-only setting `[ui] touch_map_file` makes it write what can be touched on the glass, with
window positions, to a JSON file four times a second (kiosk/ui/touch_map.py). Cards and payment
go through the kiosk's own simulation panel (the top bar's Simulate button), clicked the same way.

Needs the Debian packages xvfb and xdotool (`./kiosk.sh test` installs both): without them the
tests FAIL, saying what is missing; they never skip. Screenshots of the real X screen (Pillow's
ImageGrab over XCB) of every step are kept in $KIOSK_ARTIFACTS_DIR/realwindow, by default
var/test-artifacts/realwindow in the repository (ignored by git), with the kiosk's own log.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from terminal.scratch import write_scratch_file

REPO = Path(__file__).resolve().parents[3]
TOOLS = ("Xvfb", "xdotool")
SCREEN = "1080x1920x24"
# A loaded 2-core machine: the first start renders the camera scenes and starts the back end.
START_SECONDS = 120.0
STEP_SECONDS = 60.0
POLL_SECONDS = 0.1
# A widget is touched only once it has stood at the same place this long (a tile that moves
# between the button going down and up takes no tap).
STILL_SECONDS = 0.5
STILL_MAPS = 3
# A click goes by a map at most this old (the kiosk writes one every 0.25 s when it keeps up).
FRESH_SECONDS = 0.6
# Turning the wheel to a control outside its scroll view: Kivy scrolls 20 px a click; a turn
# is at most WHEEL_CLICKS, and the next comes once the map has stood still this long.
WHEEL_CLICK_PIXELS = 20
WHEEL_CLICKS = 50
WHEEL_SETTLE_SECONDS = 0.6
KIOSK_SETTINGS = {
    "terminal": {"window_scale": 1.0, "fullscreen": False, "orientation": "portrait"},
    # No idle countdown while the test works; the payment is paid only when the test pays it.
    "session": {"idle_seconds": 900, "warning_seconds": 30},
    "ui": {"simulation_button": True, "voice": False, "default_language": "zh_CN"},
    "backend": {"reference_auto_pay_seconds": 0.0},
    # The simulated reader answers from a thread of this loaded machine, not from a module's own
    # chip: a 50 ms stall mid-frame (the shipped margin) cut its 1288-byte answer short under load.
    "devices": {"idcard": {"answer_timeout_s": 2.0, "frame_margin_s": 1.0}},
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "realwindow: the kiosk in a real X window (needs Xvfb and xdotool; "
                                       "fails without them)")


def artifacts_folder() -> Path:
    base = os.environ.get("KIOSK_ARTIFACTS_DIR")
    return (Path(base) if base else REPO / "var" / "test-artifacts") / "realwindow"


@pytest.fixture(scope="session")
def artifacts(request: pytest.FixtureRequest) -> Path:
    folder = artifacts_folder()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"real-window screenshots and kiosk log: {folder}")
    return folder


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if artifacts_folder().exists() and any(artifacts_folder().iterdir()):
        terminalreporter.write_line(f"real-window screenshots and kiosk log: {artifacts_folder()}")


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    """An X server of our own (Xvfb picks a free display number and tells it through a pipe)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"the real-window test needs {', '.join(missing)} (Debian packages xvfb, xdotool; "
                    "./kiosk.sh setup installs them)", pytrace=False)
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", SCREEN,
                               "-nolisten", "tcp", "-noreset"],
                              pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()  # written once the server accepts connections
        if not number:
            server.kill()
            pytest.fail(f"Xvfb did not start: {server.stderr.read().decode(errors='replace')[-500:]}")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


class GlassTimeout(AssertionError):
    pass


class Glass:
    """The kiosk's window as a citizen meets it: read what is on it, touch it, photograph it."""

    def __init__(self, process: subprocess.Popen, display: str, touch_map: Path, folder: Path) -> None:
        self.process = process
        self.display = display
        self.touch_map = touch_map
        self.folder = folder
        self.origin = (0, 0)  # the window's top left corner on the X screen
        self.shots = 0
        self.touches = 0

    # ----- reading -----
    def read(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.touch_map.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"the kiosk exited with {self.process.returncode}; see {self.folder / 'kiosk.log'}")

    def wait(self, condition: Callable[[dict[str, Any]], Any], what: str,
             seconds: float = STEP_SECONDS, after: float | None = None) -> Any:
        """Poll the touch map until `condition(map)` is truthy (a map written after `after`, a
        monotonic time, when given); the failure says what the glass showed and keeps a picture."""
        deadline = time.monotonic() + seconds
        last = None
        while time.monotonic() < deadline:
            self.alive()
            current = self.read()
            if current is not None and (after is None or current["checked_at"] > after):
                last = current
                found = condition(current)
                if found:
                    return found
            time.sleep(POLL_SECONDS)
        self.screenshot(f"timeout-{what}")
        raise GlassTimeout(f"waited {seconds:.0f} s for {what}; the glass showed: {describe(last)}")

    def fresh(self) -> dict[str, Any]:
        """A map written after now."""
        return self.wait(lambda m: m, "a fresh touch map", after=time.monotonic())

    # ----- finding -----
    @staticmethod
    def matches(widget: dict[str, Any], text: str | None = None, **names: Any) -> bool:
        if text is not None and text not in widget["text"]:
            return False
        return all(widget.get(key) == value for key, value in names.items())

    def find(self, current: dict[str, Any], text: str | None = None, **names: Any) -> list[dict[str, Any]]:
        return [w for w in current["touchables"] if self.matches(w, text, **names)]

    # ----- touching -----
    def touch(self, what: str, text: str | None = None, seconds: float = STEP_SECONDS, **names: Any) -> None:
        """Click the centre of the one widget matching `text` (a part of its text) and `names`
        (id, service, action, value, class), once it is visible and has stood still; one
        scrolled out of its scroll view is first scrolled in with the mouse wheel."""
        still: dict[str, Any] = {}
        scrolling: dict[str, Any] = {}

        def ready(current: dict[str, Any]) -> dict[str, Any] | None:
            found = self.find(current, text, **names)
            if len(found) > 1:
                shown = [w for w in found if w["visible"]]
                found = shown[:1] if len(shown) == 1 else found
            if len(found) != 1:
                return None
            widget = found[0]
            if not widget["visible"]:
                if widget["scroller"] and widget["width"] > 0:
                    self._scroll_towards(current, widget, scrolling)
                return None
            place = (widget["x"], widget["y"], widget["width"], widget["height"])
            if still.get("place") != place:
                still.update(place=place, since=current["checked_at"], maps={current["checked_at"]})
                return None
            # Still for a while and over several maps the kiosk wrote: a kiosk the loaded machine
            # has frozen for a moment writes none, and proves nothing about what moves.
            still["maps"].add(current["checked_at"])
            steady = current["checked_at"] - still["since"] >= STILL_SECONDS and len(still["maps"]) >= STILL_MAPS
            return widget if steady else None

        deadline = time.monotonic() + seconds
        while True:
            widget = self.wait(ready, f"{what} to be touchable", max(1.0, deadline - time.monotonic()))
            current = self.read() or {"touchables": [], "checked_at": 0.0}
            # A map the kiosk wrote just now still shows it there (a screen that changed by itself,
            # a countdown run out, must not take a touch meant for the one before).
            fresh = time.monotonic() - current["checked_at"] < FRESH_SECONDS
            if fresh and any(w == widget for w in self.find(current, text, **names)):
                break
            if not fresh:
                time.sleep(POLL_SECONDS)
            else:
                still.clear()
        self.click(widget["x"] + widget["width"] / 2, widget["y"] + widget["height"] / 2, current)
        self.touches += 1

    def click(self, x: float, y: float, current: dict[str, Any]) -> None:
        left, top = self.screen_point(x, y, current)
        self.xdotool("mousemove", "--sync", str(left), str(top), "click", "1")

    def screen_point(self, x: float, y: float, current: dict[str, Any]) -> tuple[int, int]:
        """Kivy's window point (origin bottom left) as X screen pixels (origin top left)."""
        window = current["window"]
        scale_x = window["system_width"] / window["width"]
        scale_y = window["system_height"] / window["height"]
        return (round(self.origin[0] + x * scale_x),
                round(self.origin[1] + (window["height"] - y) * scale_y))

    def _scroll_towards(self, current: dict[str, Any], widget: dict[str, Any], scrolling: dict[str, Any]) -> None:
        """Turn the mouse wheel over the widget's scroll view towards it, by about the distance to
        the view's middle, each turn once the map has stood still after the last (wheel clicks
        still queued in a loaded kiosk would otherwise carry it past the widget)."""
        turned_at = scrolling.get("at", 0.0)
        if current["checked_at"] - max(current["changed_at"], turned_at) < WHEEL_SETTLE_SECONDS:
            return
        box = current["scrollers"][widget["scroller"]]
        offset = (box["y"] + box["height"] / 2) - (widget["y"] + widget["height"] / 2)
        clicks = max(1, min(WHEEL_CLICKS, round(abs(offset) / WHEEL_CLICK_PIXELS)))
        # X button 5 (the wheel turned towards the citizen) shows what lies further down.
        left, top = self.screen_point(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, current)
        self.xdotool("mousemove", "--sync", str(left), str(top),
                     "click", "--repeat", str(clicks), "--delay", "10", "5" if offset > 0 else "4")
        scrolling["at"] = time.monotonic()

    def xdotool(self, *arguments: str) -> str:
        done = subprocess.run(["xdotool", *arguments], check=False, env={**os.environ, "DISPLAY": self.display},
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, f"xdotool {' '.join(arguments)}: {done.stderr.strip()}"
        return done.stdout

    def find_window(self, current: dict[str, Any]) -> None:
        """The kiosk's X window (by its process), and where it sits on the screen."""
        window = current["window"]
        size = (window["system_width"], window["system_height"])
        found = self.xdotool("search", "--sync", "--pid", str(self.process.pid)).split()
        for window_id in found:
            geometry = dict(line.split("=", 1) for line in
                            self.xdotool("getwindowgeometry", "--shell", window_id).split())
            if (int(geometry["WIDTH"]), int(geometry["HEIGHT"])) == size:
                self.origin = (int(geometry["X"]), int(geometry["Y"]))
                return
        raise AssertionError(f"no X window of {size} for the kiosk (process {self.process.pid}): {found}")

    # ----- evidence -----
    def screenshot(self, name: str) -> Path:
        """The real X screen, cut to the kiosk's window, as a PNG in the artifacts folder."""
        from PIL import ImageGrab

        self.shots += 1
        path = self.folder / f"{self.shots:02d}-{safe(name)}.png"
        try:
            image = ImageGrab.grab(xdisplay=self.display)
            current = self.read()
            if current is not None:
                window = current["window"]
                image = image.crop((self.origin[0], self.origin[1], self.origin[0] + window["system_width"],
                                    self.origin[1] + window["system_height"]))
            image.save(path)
        except OSError as exc:  # evidence only: a failed picture must not hide the real failure
            path.with_suffix(".txt").write_text(f"no screenshot: {exc}\n", encoding="utf-8")
        return path

    # ----- the simulation panel -----
    def simulate(self, *labels: str) -> None:
        """Open the top bar's simulation panel, click each control whose label holds one of
        `labels` and see it done, then close the panel."""
        self.touch("the Simulate button", id="simulate_button")
        self.wait(lambda m: m["layer"] == "SimPanelView", "the simulation panel")
        for label in labels:
            self.touch(f"the simulation control {label!r}", text=label, **{"class": "KioskButton"})
            done = self.wait(lambda m, label=label: next((t for t in m["texts"] if label in t), None),
                             f"the panel to report {label!r}")
            assert done == f"✓ {label}" or done.startswith("✓"), f"the simulation control {label!r} failed: {done}"
        self.touch("the panel's Close button", id="close")
        self.wait(lambda m: m["layer"] == "screen", "the panel to close")


def safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:80]


def describe(current: dict[str, Any] | None) -> str:
    if current is None:
        return "no touch map"
    touchables = [f"{w['class']}:{w['text'][:30]!r}{'' if w['visible'] else ' (hidden)'}"
                  for w in current["touchables"]]
    return (f"screen {current['screen']!r}, layer {current['layer']!r}, flow {current['flow']}, "
            f"texts {[t[:40] for t in current['texts'][:12]]}, touchables {touchables[:20]}")


@pytest.fixture(scope="module")
def glass(x_display: str, artifacts: Path, simulator_cache: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Glass]:
    """`python main.py` on the Xvfb screen with a scratch data folder, on its home screen."""
    data = tmp_path_factory.mktemp("realwindow-kiosk")
    (data / "simulators").symlink_to(simulator_cache, target_is_directory=True)
    touch_map = data / "touch-map.json"
    settings = {name: dict(table) for name, table in KIOSK_SETTINGS.items()}
    settings["ui"]["touch_map_file"] = str(touch_map)
    config = write_scratch_file(data, **settings)
    env = {**os.environ, "DISPLAY": x_display}
    for name in ("SDL_VIDEODRIVER", "KIOSK_CONFIG", "WAYLAND_DISPLAY"):
        env.pop(name, None)  # the suite runs offscreen; this kiosk must open a real X window
    log = (artifacts / "kiosk.log").open("ab")
    process = subprocess.Popen([sys.executable, str(REPO / "main.py"), "-c", str(config)], cwd=REPO, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    glass = Glass(process, x_display, touch_map, artifacts)
    try:
        current = glass.wait(lambda m: m if m["screen"] in ("home", "attract") else None,
                             "the kiosk's first screen", START_SECONDS)
        glass.find_window(current)
        yield glass
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        log.close()
        for kiosk_log in (data / "log").glob("*.log*"):  # the kiosk's own log, beside the pictures
            shutil.copy(kiosk_log, artifacts / f"kiosk-{kiosk_log.name}")
