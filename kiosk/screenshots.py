"""`python main.py screenshots`: every screen of every flow, in each language and size, as PNGs.

Each flow's self-test scenario (terminal/scenarios.py) drives it on the simulators; every new
view the flow shows is drawn by the real screens and captured inside `on_flip`. One child
process per window size and language (Kivy fixes the window size at start, and each
language's scenarios start from a freshly seeded embedded back end). These pictures are the user
guide's and the reviewers' view of the UI.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from core.config import Config

log = logging.getLogger(__name__)

DEFAULT_LANGUAGES = ("zh_CN", "en")
DEFAULT_SIZES = ("1080x1920", "1920x1080")
# A scenario that stops making progress is abandoned after this long (its pictures so far stay).
SCENARIO_LIMIT_SECONDS = 60.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("screenshots", help="write a PNG of every screen of every flow (offscreen)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    parser.add_argument("--lang", default=",".join(DEFAULT_LANGUAGES), help="languages, e.g. zh_CN,en")
    parser.add_argument("--size", default=",".join(DEFAULT_SIZES), help="window sizes, e.g. 1080x1920,1920x1080")
    parser.add_argument("--scale", type=float, default=1.0, help="draw at this fraction of each size")
    parser.add_argument("--only-flow", default="", help="only this service id (and the home screen)")
    parser.add_argument("--one-size", default="", help=argparse.SUPPRESS)  # the child process's size
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    if args.one_size:
        return capture_one_size(args, config)
    status = 0
    for size in args.size.split(","):
        for lang in args.lang.split(","):
            command = [sys.executable, str(Path(__file__).resolve().parent.parent / "main.py"),
                       *sum((["-c", str(c)] for c in (args.config or [])), []),
                       "screenshots", "-o", str(args.output), "--lang", lang.strip(), "--scale", str(args.scale),
                       "--only-flow", args.only_flow, "--one-size", size.strip()]
            env = dict(os.environ, SDL_VIDEODRIVER=os.environ.get("SDL_VIDEODRIVER", "offscreen"))
            result = subprocess.run(command, env=env)
            status = status or result.returncode
    return status


def size_overrides(size: str, scale: float) -> dict:
    """The [terminal] keys that give the window `size` drawn at `scale`."""
    width, height = (int(v) for v in size.lower().split("x"))
    orientation = "portrait" if height >= width else "landscape"
    return {"orientation": orientation, "fullscreen": False, "window_scale": scale}


def capture_one_size(args: argparse.Namespace, config: Config) -> int:
    from kiosk.headless import HarnessTimeout, HeadlessKiosk
    from terminal.scratch import scratch_settings, with_overrides

    with tempfile.TemporaryDirectory(prefix="kiosk-screens-") as scratch:
        config = with_overrides(config, scratch_settings(Path(scratch),
                                                         terminal=size_overrides(args.one_size, args.scale)))
        try:
            kiosk = HeadlessKiosk(config).open(start_runtime=True)
        except HarnessTimeout as exc:
            print(f"screenshots: {exc}", file=sys.stderr)
            return 1
        shooter = Shooter(kiosk, args.output / args.one_size)
        try:
            for lang in args.lang.split(","):
                shooter.capture_language(lang.strip(), args.only_flow)
        finally:
            kiosk.close()
    print(f"screenshots: {shooter.count} pictures in {args.output / args.one_size}")
    return 0 if shooter.count else 1


class Shooter:
    """Draws views on the real screens of a headless kiosk and saves each one."""

    def __init__(self, kiosk: Any, folder: Path) -> None:
        self.kiosk = kiosk
        self.app = kiosk.app
        self.folder = folder
        self.count = 0
        self._requests: list[tuple[Callable[[], None], threading.Event]] = []
        self._lock = threading.Lock()

    def save(self, name: str) -> None:
        if self.kiosk.save_frame(self.folder / name) is not None:
            self.count += 1
        else:
            log.warning("screenshot %s: no frame drawn", name)

    def capture_language(self, lang: str, only_flow: str) -> None:
        from flows.registry import FLOWS

        self.app.lang = lang
        self.app.end_session("screenshots")
        self.app.lang = lang
        self.app.screens.current = "home"
        self.save(f"{lang}/00-home.png")
        for entry in FLOWS:
            if not only_flow or entry.service_id == only_flow:
                self.capture_flow(lang, entry)
                self.app.end_session("screenshots")
                self.app.lang = lang

    def capture_flow(self, lang: str, entry: Any) -> None:
        """Run the flow's scenario on a thread; draw and save each new view on this thread."""
        from flows.pump import FlowPump
        from kiosk.ui.presenters import present
        from terminal.selftest import scenario_for

        runtime = self.app.backstage.runtime
        runtime.session.wipe("screenshots")
        pump = FlowPump(runtime.flow_context())
        seen: list[tuple[str, str | None]] = []

        def on_view(view: Any) -> None:
            key = (view.state, view.error_key)
            if key in seen:
                return
            seen.append(key)
            done = threading.Event()
            name = f"{lang}/{entry.service_id}-{len(seen):02d}-{view.state}.png"

            # The scenario runs on a virtual clock; the screen counts down on the real one.
            left = None if view.deadline is None else view.deadline - pump.clock()

            def draw() -> None:
                model = present(view)
                if left is not None:
                    model = dataclasses.replace(model, deadline=time.monotonic() + left)
                self.app.flow_host.display(model, speak=False)
                self.save(name)
            with self._lock:
                self._requests.append((draw, done))
            done.wait(SCENARIO_LIMIT_SECONDS)

        pump.listen(on_view)
        failure: list[BaseException] = []

        def scenario() -> None:
            try:
                scenario_for(entry.service_id)(pump)
            except BaseException as exc:  # reported, the pictures so far are kept
                failure.append(exc)

        worker = threading.Thread(target=scenario, name=f"screens-{entry.service_id}", daemon=True)
        worker.start()
        deadline = time.monotonic() + SCENARIO_LIMIT_SECONDS
        while (worker.is_alive() or self._requests) and time.monotonic() < deadline:
            with self._lock:
                pending, self._requests = self._requests, []
            for draw, done in pending:
                draw()
                done.set()
            self.kiosk.frames(1)
        if failure:
            log.warning("screenshots: scenario %s failed: %s", entry.service_id, failure[0])
            print(f"screenshots: {entry.service_id}: scenario stopped early: {failure[0]}", file=sys.stderr)
