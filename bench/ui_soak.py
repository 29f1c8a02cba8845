"""Soak: many citizen sessions tapped through in one process; resident memory must stay flat
(target: growth under 10 % from session 20 to the last). Kivy leaks removed widgets, so the
screens are built once and reused; this checks that nothing else grows either.

    .venv/bin/python bench/ui_soak.py [--sessions 200]

Each session: touch a service tile (rotating through the built services), Start on its "what
to bring" screen, wait for its first screen, switch language, insert the demo ID card and wait
for the next screen where the service reads one, then Cancel -> Leave (which wipes the session) and back home.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")

WARM_UP_SESSIONS = 20
SCREEN_WAIT_SECONDS = 10.0


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=200)
    args = parser.parse_args()

    from flows.demo_cards import card_for
    from flows.registry import built_services
    from kiosk.headless import HarnessTimeout, HeadlessKiosk
    from terminal.scratch import scratch_config

    config = scratch_config(Path(tempfile.mkdtemp(prefix="kiosk-soak-")), terminal={"window_scale": 0.5})
    kiosk = HeadlessKiosk(config).open(start_runtime=True)
    app, frames, tap = kiosk.app, kiosk.frames, kiosk.tap
    simulators = app.backstage.runtime.simulators
    from kivy.core.window import Window

    def wait_for(condition, what: str) -> None:
        try:
            kiosk.wait_for(condition, what, SCREEN_WAIT_SECONDS)
        except HarnessTimeout as exc:
            raise SystemExit(str(exc)) from None

    services = [s for s in built_services()]
    home = app.screens.get_screen("home")
    wait_for(lambda: home.tile(services[0]).reason_key == "", "services to be offered")
    samples: list[tuple[int, float]] = []
    started = time.perf_counter()
    for session in range(1, args.sessions + 1):
        service = services[session % len(services)]
        wait_for(lambda: not app.flow_host.closing and home.tile(service).reason_key == "",
                 f"{service} to be offered again (reason {home.tile(service).reason_key!r})")
        tap(home.tile(service))
        # issue 14: what to bring and how long first, then Start (kiosk/ui/prepare.py)
        wait_for(lambda: app.screens.current == "prepare", f"what to bring for {service} (session {session})")
        tap(app.screens.get_screen("prepare").ids.start)
        wait_for(lambda: app.screens.current not in ("home", "prepare"), f"{service} to start (session {session})")
        first = app.screens.current
        tap(next(w for w in app.screens.current_screen.walk() if getattr(w, "text", "") in ("English", "中文")))
        simulators["idcard"].insert_card(card_for("local_adult"))
        deadline = time.monotonic() + 2
        while app.screens.current == first and time.monotonic() < deadline:
            frames()
            time.sleep(0.005)
        screen = app.screens.current_screen
        tap(screen.ids.cancel_button)
        from kiosk.ui.widgets import ConfirmLeave
        dialog = next((w for w in Window.children if isinstance(w, ConfirmLeave)), None)
        if dialog is None:
            raise SystemExit(f"session {session}: no leave dialog on {app.screens.current} "
                             f"(can_cancel={getattr(screen, 'can_cancel', None)}, "
                             f"model={app.flow_host.model})")
        tap(dialog.ids.leave)
        simulators["idcard"].remove_card()
        wait_for(lambda: app.screens.current == "home", "home")
        if session == WARM_UP_SESSIONS or session == args.sessions or session % 50 == 0:
            samples.append((session, rss_mb()))
    elapsed = time.perf_counter() - started
    kiosk.close()

    base = next(mb for s, mb in samples if s == WARM_UP_SESSIONS)
    last = samples[-1][1]
    for session, mb in samples:
        print(f"after session {session:4}: RSS {mb:7.1f} MB")
    print(f"growth from session {WARM_UP_SESSIONS} to {args.sessions}: {100 * (last - base) / base:+.1f} %  "
          f"({args.sessions} sessions in {elapsed:.1f} s, {elapsed / args.sessions * 1000:.0f} ms each)")


if __name__ == "__main__":
    main()
