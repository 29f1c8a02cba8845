"""`python main.py screenshots`: every screen of every flow, in each language and size, as PNGs.

Each flow's self-test scenario (terminal/scenarios.py) drives it on the simulators; every new
view the flow shows is drawn by the real screens and captured inside `on_flip`. One child
process per window size and language (Kivy fixes the window size at start, and each
language's scenarios start from a freshly seeded embedded back end). These pictures are the user
guide's and the reviewers' view of the UI.

With `--audit`, every screen drawn is also read by the layout audit (kiosk/ui/audit.py) in each
display mode (normal, large text, large text in high contrast; `--modes` chooses): each
view is drawn once per mode and pictured in `<lang>-<mode>/` beside the normal `<lang>/`.
The findings of every size and language go to DIR/audit.json and the command exits 1 on any.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


log = logging.getLogger(__name__)

DEFAULT_LANGUAGES = ("zh_CN", "en")
DEFAULT_SIZES = ("1080x1920", "1920x1080")
# A scenario that stops making progress (no new view this long) is abandoned (its pictures so far
# stay), and the run waits as long again for its thread to end before the next service starts.
SCENARIO_LIMIT_SECONDS = 60.0
# Display modes: (large text, high contrast). The kiosk's one button cycles through them in this order.
MODES = {"normal": (False, False), "large": (True, False), "contrast": (True, True)}
AUDIT_MODES = "normal,large,contrast"
AUDIT_FILE = "audit.json"
# Slack on the simulated ID card line, as the flow tests and benches have (tests/flows/conftest.py,
# bench/flows_speed.py): the simulator answers from a thread of this process, which also draws,
# saves and audits each screen; a pause of more than the driver's 50 ms frame margin inside its
# answer was read as a cut frame, so a run stopped at the ID step (idcard.bad_frame, or
# card_removed once the chip was read and halted) and its set of pictures was short.
# Only timeouts: the pace on the line is the same.
SIMULATED_ID_CARD_SLACK = {"frame_margin_s": 1.0, "answer_timeout_s": 2.0}
# The same for the simulated permit module: its answers came later than the driver's 0.5 s status
# and 2 s read/eject timeouts on a loaded machine ("card_stuck", "writer_down", the card "not given
# back"), and the scenario stopped.
SIMULATED_PERMIT_SLACK = {"status_timeout_s": 3.0, "read_timeout_s": 6.0, "write_timeout_s": 15.0}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("screenshots", help="write a PNG of every screen of every flow (offscreen)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    parser.add_argument("--lang", default=",".join(DEFAULT_LANGUAGES), help="languages, e.g. zh_CN,en")
    parser.add_argument("--size", default=",".join(DEFAULT_SIZES), help="window sizes, e.g. 1080x1920,1920x1080")
    parser.add_argument("--scale", type=float, default=1.0, help="draw at this fraction of each size")
    parser.add_argument("--only-flow", default="",
                        help="only these service ids, comma-separated, and the home screen ('home': that alone); "
                             "a service brings its variants (endorsement: endorsement_card), or name one alone")
    parser.add_argument("--audit", action="store_true",
                        help=f"check every screen's layout; findings in DIR/{AUDIT_FILE}, exit 1 on any")
    parser.add_argument("--modes", default="",
                        help=f"display modes of {', '.join(MODES)} (default: normal; {AUDIT_MODES} with --audit)")
    parser.add_argument("--one-size", default="", help=argparse.SUPPRESS)  # the child process's size
    parser.set_defaults(func=run)


def modes_of(args: argparse.Namespace) -> list[str]:
    chosen = [m.strip() for m in (args.modes or (AUDIT_MODES if args.audit else "normal")).split(",") if m.strip()]
    unknown = [m for m in chosen if m not in MODES]
    if unknown:
        raise SystemExit(f"screenshots: unknown mode {unknown[0]!r}; modes: {', '.join(MODES)}")
    return chosen


def run(args: argparse.Namespace, config: Config) -> int:
    modes_of(args)  # a wrong mode stops before any window opens
    if args.one_size:
        return capture_one_size(args, config)
    status = 0
    parts: list[Path] = []
    for size in args.size.split(","):
        for lang in args.lang.split(","):
            command = [sys.executable, str(Path(__file__).resolve().parent.parent / "main.py"),
                       *sum((["-c", str(c)] for c in (args.config or [])), []),
                       "screenshots", "-o", str(args.output), "--lang", lang.strip(), "--scale", str(args.scale),
                       "--only-flow", args.only_flow, "--one-size", size.strip(),
                       *(["--modes", args.modes] if args.modes else []), *(["--audit"] if args.audit else [])]
            env = dict(os.environ, SDL_VIDEODRIVER=os.environ.get("SDL_VIDEODRIVER", "offscreen"))
            result = subprocess.run(command, env=env)
            status = status or result.returncode
            parts.append(part_path(args.output, size.strip(), lang.strip()))
    if args.audit:
        return status or write_audit(args.output, parts)
    return status


def part_path(output: Path, size: str, lang: str) -> Path:
    """Where one child process leaves its findings for the parent to gather."""
    return output / size / f"audit-{lang}.json"


def write_audit(output: Path, parts: list[Path]) -> int:
    """Gather the children's findings into DIR/audit.json; 1 when there is any."""
    findings: list[dict] = []
    missing = [str(p) for p in parts if not p.exists()]
    for part in parts:
        if part.exists():
            findings += json.loads(part.read_text(encoding="utf-8"))["findings"]
    (output / AUDIT_FILE).write_text(json.dumps({"findings": findings, "missing": missing},
                                                ensure_ascii=False, indent=1), encoding="utf-8")
    counts: dict[str, int] = {}
    for item in findings:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    summary = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "none"
    print(f"screenshots: audit: {len(findings)} findings ({summary}) in {output / AUDIT_FILE}")
    return 1 if findings or missing else 0


def size_overrides(size: str, scale: float) -> dict:
    """The [terminal] keys that give the window `size` drawn at `scale`."""
    width, height = (int(v) for v in size.lower().split("x"))
    orientation = "portrait" if height >= width else "landscape"
    return {"orientation": orientation, "fullscreen": False, "window_scale": scale}


def capture_one_size(args: argparse.Namespace, config: Config) -> int:
    from kiosk.headless import HarnessTimeout, HeadlessKiosk
    from terminal.scratch import scratch_settings, with_overrides
    from terminal.selftest_cli import SELFTEST_DEVICE_SETTINGS

    with tempfile.TemporaryDirectory(prefix="kiosk-screens-") as scratch:
        # The scenarios pay explicitly: no demo auto-payment racing a card sale (see selftest_config).
        config = with_overrides(config, scratch_settings(Path(scratch),
                                                         terminal=size_overrides(args.one_size, args.scale),
                                                         backend={"reference_auto_pay_seconds": 0.0},
                                                         # the fingerprint module at the self-test's rate
                                                         devices={**SELFTEST_DEVICE_SETTINGS,
                                                                  "idcard": SIMULATED_ID_CARD_SLACK,
                                                                  "permit": SIMULATED_PERMIT_SLACK}))
        try:
            kiosk = HeadlessKiosk(config).open(start_runtime=True)
        except HarnessTimeout as exc:
            print(f"screenshots: {exc}", file=sys.stderr)
            return 1
        shooter = Shooter(kiosk, args.output / args.one_size, modes=modes_of(args),
                          audit_context={"size": args.one_size} if args.audit else None)
        try:
            for lang in args.lang.split(","):
                shooter.capture_language(lang.strip(), args.only_flow)
        finally:
            kiosk.close()
    print(f"screenshots: {shooter.count} pictures in {args.output / args.one_size}")
    if args.audit:
        for lang in args.lang.split(","):
            path = part_path(args.output, args.one_size, lang.strip())
            path.parent.mkdir(parents=True, exist_ok=True)
            mine = [f for f in shooter.findings if f["lang"] == lang.strip()]
            path.write_text(json.dumps({"findings": mine}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if shooter.count else 1


class Shooter:
    """Draws views on the real screens of a headless kiosk and saves each one."""

    def __init__(self, kiosk: Any, folder: Path, modes: list[str] | None = None,
                 audit_context: dict | None = None) -> None:
        self.kiosk = kiosk
        self.app = kiosk.app
        # screenshot mode: pictograms and spinners at a fixed frame, the same pictures every run
        self.app.still = True
        self.folder = folder
        self.count = 0
        self.modes = modes or ["normal"]
        self.audit_context = audit_context  # None: no audit
        self.findings: list[dict] = []
        self.drawing_failures = 0
        self._requests: list[tuple[Callable[[], None], threading.Event]] = []
        self._lock = threading.Lock()

    def save(self, name: str) -> None:
        if self.kiosk.save_frame(self.folder / name) is not None:
            self.count += 1
        else:
            log.warning("screenshot %s: no frame drawn", name)

    def set_mode(self, mode: str) -> None:
        self.app.large_text, self.app.high_contrast = MODES[mode]

    def shoot(self, lang: str, name: str, show: Callable[[], None], **about: Any) -> None:
        """Draw the screen `show` puts up in each mode; save it and, when auditing, audit it."""
        for mode in self.modes:
            self.present()
            self.set_mode(mode)
            show()
            folder = lang if mode == "normal" else f"{lang}-{mode}"
            self.save(f"{folder}/{name}.png")
            if self.audit_context is not None:
                self.audit(lang, mode, name, about)
        self.set_mode("normal")

    def present(self) -> None:
        """The simulated citizen is at the kiosk: its idle rule must not act. A scenario touches
        its flow, not the screen, so on a loaded machine a service taking more than the idle
        warning's time had the "need more time?" box drawn over some pictures, and past
        [session] idle_seconds its session was wiped under it ("compare_face before the card
        was verified"): the set and the pictures differed from run to run."""
        self.app.idle.touch()

    def audit(self, lang: str, mode: str, name: str, about: dict) -> None:
        from kiosk.ui.audit import MIN_CONTRAST, MIN_CONTRAST_HIGH, audit_tree

        screen = self.app.screens.current_screen
        minimum = MIN_CONTRAST_HIGH if self.app.high_contrast else MIN_CONTRAST
        for item in audit_tree(screen, self.app.u, minimum):
            self.findings.append({"screen": name, **about, "lang": lang, "mode": mode,
                                  **(self.audit_context or {}), **item})

    def capture_language(self, lang: str, only_flow: str) -> None:
        from flows.registry import FLOWS
        from terminal.selftest import VARIANTS

        wanted = {s.strip() for s in only_flow.split(",") if s.strip()}
        self.app.lang = lang
        self.app.end_session("screenshots")
        self.app.lang = lang

        def home() -> None:
            self.app.screens.current = "home"
        self.shoot(lang, "00-home", home, service="home", state="home")

        def attract() -> None:
            self.app.screens.current = "attract"
        self.shoot(lang, "00-attract", attract, service="attract", state="attract")
        self.app.screens.current = "home"
        for entry in FLOWS:
            # a service's variants (issue 21: paid by bank card) come with it, or alone by their id
            variants = [dataclasses.replace(entry, service_id=v) for v in VARIANTS.get(entry.service_id, ())]
            if not wanted or entry.service_id in wanted:
                self.capture_preparation(lang, entry.service_id)  # issue 14: before the flow, once
            for service in (entry, *variants):
                if not wanted or service.service_id in wanted or entry.service_id in wanted:
                    self.capture_flow(lang, service)
                    self.app.end_session("screenshots")
                    self.app.lang = lang

    def capture_preparation(self, lang: str, service_id: str) -> None:
        """What to bring and how long (kiosk/ui/prepare.py): the screen a service's tile opens
        before its flow starts, one picture per service (its variants share it)."""
        screen = self.app.screens.get_screen("prepare")

        def show() -> None:
            screen.show(service_id)
            self.app.screens.current = "prepare"
        self.shoot(lang, f"{service_id}-00-prepare", show, service=service_id, state="prepare")
        self.app.screens.current = "home"

    def capture_flow(self, lang: str, entry: Any) -> None:
        """Run the flow's scenario on a thread; draw and save each new view on this thread."""
        from flows.pump import FlowPump
        from terminal.selftest import end_on_evaluation, scenario_for

        runtime = self.app.backstage.runtime
        runtime.session.wipe("screenshots")
        pump = FlowPump(runtime.flow_context())
        # the step bar names the service's steps in its accent (a variant's are its base's)
        from flows.registry import FLOWS
        self.app.flow_host.service_id = next((e.service_id for e in FLOWS if e.flow == entry.flow), entry.service_id)
        seen: list[tuple[str, str | None, Any]] = []

        def on_view(view: Any) -> None:
            # the QR and the card payment screens; each step of the fingerprint guide (issue 12)
            key = (view.state, view.error_key, view.data.get("method"), view.data.get("phase"))
            if key in seen:
                return
            seen.append(key)
            done = threading.Event()
            name = f"{entry.service_id}-{len(seen):02d}-{view.state}"

            # The scenario runs on a virtual clock; the screen counts down on the real one.
            left = None if view.deadline is None else view.deadline - pump.clock()

            def draw() -> None:
                model = self.app.flow_host.presented(view)  # a service's end counts down to home
                if left is not None:
                    model = dataclasses.replace(model, deadline=time.monotonic() + left)
                self.shoot(lang, name, lambda: self.app.flow_host.display(model, speak=False),
                           service=entry.service_id, state=view.state, error=view.error_key)
            with self._lock:
                self._requests.append((draw, done))
            done.wait(SCENARIO_LIMIT_SECONDS)

        pump.listen(on_view)
        failure: list[BaseException] = []

        def scenario() -> None:
            try:
                scenario_for(entry.service_id)(pump)
                end_on_evaluation(pump)  # every finished service ends on the evaluation step (issue 20)
            except BaseException as exc:  # reported, the pictures so far are kept
                failure.append(exc)

        worker = threading.Thread(target=scenario, name=f"screens-{entry.service_id}", daemon=True)
        worker.start()
        # The limit is on progress, not on the whole scenario: an acceptance (two fingerprint
        # images on the wire, each view drawn and audited in three modes) took more than a minute
        # on a loaded machine and was cut off at its signature, its thread still running into
        # the next service's (so that one failed too, and each run's set of pictures differed).
        progress = time.monotonic()
        abandoned: float | None = None  # when it was given up
        while worker.is_alive() or self._requests:
            with self._lock:
                pending, self._requests = self._requests, []
            for draw, done in pending:
                if abandoned is not None:
                    done.set()  # no more pictures of it: let its thread run to its end
                    continue
                progress = time.monotonic()
                try:
                    draw()
                except Exception as exc:  # one screen that cannot be drawn does not hide the others
                    log.exception("screenshots: %s: a screen could not be drawn", entry.service_id)
                    # the scratch folder with the log goes at the end: where it failed is printed here
                    print(f"screenshots: {entry.service_id}: a screen could not be drawn: {exc!r}\n"
                          f"{traceback.format_exc(limit=-8)}", file=sys.stderr)
                    self.drawing_failures += 1
                    if self.audit_context is not None:
                        self.findings.append({"screen": entry.service_id, "service": entry.service_id, "lang": lang,
                                              "mode": "", **self.audit_context, "kind": "draw_failed",
                                              "widget": "", "text": "", "numbers": {}, "error": repr(exc)[:200]})
                finally:
                    done.set()
                    progress = time.monotonic()
            now = time.monotonic()
            if abandoned is None and now - progress > SCENARIO_LIMIT_SECONDS:
                abandoned = now
                failure.append(TimeoutError(f"no new view for {SCENARIO_LIMIT_SECONDS:g} s"))
            if abandoned is not None and now - abandoned > SCENARIO_LIMIT_SECONDS:
                print(f"screenshots: {entry.service_id}: its scenario still runs after being abandoned",
                      file=sys.stderr)
                break
            self.present()
            self.kiosk.frames(1)
        if failure:
            log.warning("screenshots: scenario %s failed: %s", entry.service_id, failure[0])
            print(f"screenshots: {entry.service_id}: scenario stopped early: {failure[0]}", file=sys.stderr)
            if self.audit_context is not None:  # a short set of pictures is a finding too
                self.findings.append({"screen": entry.service_id, "service": entry.service_id, "lang": lang,
                                      "mode": "", **self.audit_context, "kind": "scenario_stopped",
                                      "widget": "", "text": "", "numbers": {}, "error": str(failure[0])[:200]})
