"""`python main.py doctor`: is this terminal ready to serve? Every check says how to fix a failure.

Run by the technician after installing a terminal and whenever something looks wrong. It
changes nothing: it opens each device and asks its status, calls the back end, and looks at
disk, clock and fonts.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from core.config import Config
from core.schema import ConfigError

if TYPE_CHECKING:
    from backend_client.client import BackendClient
    from devices.usb_ports import PortLister

# Below this much free space the journal, logs and receipts may fail to write.
MIN_FREE_DISK_MB = 500
# The back end rejects requests signed too far off its clock (and receipts show the time).
MAX_CLOCK_SKEW_SECONDS = 120
# Device states in which a terminal may serve.
USABLE = ("ready", "busy", "no_card", "paper_low")


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_fonts() -> CheckResult:
    from terminal.fonts import FontMissing, find_cjk_font
    try:
        return CheckResult("font", True, str(find_cjk_font()))
    except FontMissing as exc:
        return CheckResult("font", False, str(exc), "apt-get install fonts-wqy-microhei")


def check_voice() -> CheckResult:
    found = shutil.which("espeak-ng")
    if found:
        return CheckResult("voice", True, found)
    return CheckResult("voice", False, "espeak-ng not found: prompts are shown but not spoken",
                       "apt-get install espeak-ng")


def check_disk(config: Config) -> CheckResult:
    folder = config.data_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".doctor-write-test"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return CheckResult("disk", False, f"{folder} is not writable: {exc.strerror}",
                           f"create {folder} and give the kiosk user write access (terminal.data_dir)")
    free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    if free_mb < MIN_FREE_DISK_MB:
        return CheckResult("disk", False, f"{free_mb} MB free in {folder}",
                           f"free at least {MIN_FREE_DISK_MB} MB (old logs: logging.max_age_days)")
    return CheckResult("disk", True, f"{free_mb} MB free in {folder}")


def check_backend(config: Config) -> Iterator[CheckResult]:
    from terminal.backend_link import open_backend_link

    try:
        link = open_backend_link(config)
    except ConfigError as exc:  # the terminal's secret file (backend.wsse_secret_file)
        yield CheckResult("credentials", False, str(exc), CREDENTIALS_FIX)
        return
    with link:
        yield from _check_reachable_backend(link.client, link.url)


CREDENTIALS_FIX = ("check backend.wsse_secret_file and terminal.id against `python main.py backend terminals list` "
                   "on the back end (rotate gives a new secret file), and the terminal's clock (docs/hall.md)")


def _check_reachable_backend(client: BackendClient, url: str) -> Iterator[CheckResult]:
    """Reachable, TLS valid, credentials accepted, clock in step with the back end."""
    from backend_client import errors

    try:
        info = client.ping()
    except errors.BackendTlsError as exc:
        yield CheckResult("backend", False, f"TLS failed for {url}: {exc.detail}",
                          "check backend.ca_bundle, backend.client_cert/client_key and the clock")
        return
    except errors.NotAuthorizedError as exc:
        yield CheckResult("backend", True, f"{url} answers")
        yield CheckResult("credentials", False, f"refused: {exc.detail}", CREDENTIALS_FIX)
        return
    except errors.BackendError as exc:
        yield CheckResult("backend", False, f"{url}: {exc.message_key} {exc.detail}".strip(),
                          "check backend.url, the network cable and the hall's firewall")
        return
    yield CheckResult("backend", True, f"{url} answers (contract {info.contract_version})")
    try:
        client.list_transaction_records(dt.date.today())
        yield CheckResult("credentials", True, "accepted")
    except errors.NotAuthorizedError as exc:
        yield CheckResult("credentials", False, f"refused: {exc.detail}", CREDENTIALS_FIX)
    except errors.BackendError as exc:
        yield CheckResult("credentials", False, f"{exc.message_key} {exc.detail}".strip(),
                          "check the terminal id (terminal.id) is registered with the back end")
    skew = abs((info.server_time - dt.datetime.now(dt.timezone.utc)).total_seconds())
    if skew > MAX_CLOCK_SKEW_SECONDS:
        yield CheckResult("clock", False, f"{skew:.0f} s off the back end's clock",
                          "enable time synchronisation: timedatectl set-ntp true")
    else:
        yield CheckResult("clock", True, f"{skew:.1f} s off the back end's clock")


def check_devices(config: Config) -> Iterator[CheckResult]:
    from devices.manager import DeviceManager
    from devices.transport import describe_transport

    manager = DeviceManager.from_config(config)
    try:
        manager.start(poll_in_background=False)
        for kind in config["devices"]:
            state = manager.state(kind)
            settings = config["devices"][kind]
            where = (settings.get("port") or settings.get("input_device") or settings.get("source")
                     or settings.get("host") or settings["driver"])
            transport = describe_transport(settings, manager.get(kind))  # "serial /dev/ttyUSB0 (usb:...)"
            if state.status.value in USABLE:
                yield CheckResult(f"device {kind}", True, f"{state.status.value} ({transport})")
            else:
                yield CheckResult(f"device {kind}", False,
                                  f"{state.status.value}: {state.reason or 'no answer'} ({transport})",
                                  device_fix(kind, state.status.value, str(where)))
    finally:
        manager.close()


def check_usb_ports(config: Config, comports: PortLister | None = None) -> Iterator[CheckResult]:
    """Each port configured by USB identity names exactly one plugged-in device: none means the
    device is unplugged or the ids are wrong, several that the kiosk cannot tell which is which
    (and opens neither); either way the technician is told what to write. `comports` is
    pyserial's listing unless a test passes its own."""
    from devices.usb_ports import SeveralUsbMatches, UsbPortError, configured_usb_ports, matching_port
    from devices.usb_ports import usb_serial_ports as plugged_in

    ports = plugged_in() if comports is None else plugged_in(comports)
    for configured, spec in configured_usb_ports(config["devices"]):
        try:
            found = matching_port(spec, ports)
        except UsbPortError as exc:
            yield CheckResult(f"usb {configured.kind}", False, f"{configured.setting} = {configured.spec}: {exc}",
                              _usb_fix(configured.setting, several=isinstance(exc, SeveralUsbMatches)))
            continue
        yield CheckResult(f"usb {configured.kind}", True, f"{configured.spec} is {found.device}")


def _usb_fix(setting: str, several: bool) -> str:
    listing = "`python main.py devices list` shows each USB serial device's VID:PID, serial and location"
    if several:
        return f"add the serial number (usb:VID:PID:SERIAL) or use usb-path:LOCATION in {setting}; {listing}"
    return f"plug the device in (cable, power, hub) or correct {setting}; {listing}"


def device_fix(kind: str, status: str, where: str) -> str:
    if kind == "dispenser" and status == "cover_open":
        return "close the document dispenser's service door"
    if kind == "dispenser" and status == "error":  # jammed, reject bin full, document left in the picker
        return ("picker jammed: free it, then move its document to the reject bin (`python main.py devices "
                "dispenser retract`), as for a document left in the picker; reject bin full: empty it "
                "(docs/protocols/dispenser.md, Faults)")
    if status == "no_paper":
        return "load a new paper roll and close the cover"
    if status == "cover_open":
        return "close the printer cover"
    return (f"check the {kind} cable and power; is it at {where}? "
            f"(`python main.py devices list` shows what is connected; udev rule: deploy/99-kiosk-devices.rules)")


def check_rules(config: Config) -> CheckResult:
    """The endorsement rules files (config/rules/*.toml): a bad one stops the back end that
    reads them, so the technician hears of it here, with the file and the key."""
    from backend.rules.rules_config import RULES_DIR, check_folder

    problems = check_folder()
    if not problems:
        return CheckResult("rules", True, str(RULES_DIR))
    return CheckResult("rules", False, "; ".join(f"{p.path}: {p.key}: {p.problem}" for p in problems),
                       "correct the file (docs/rules.md describes every key; python main.py config check)")


CHECKS: tuple[Callable[[Config], Iterator[CheckResult] | CheckResult], ...] = (
    lambda config: check_fonts(),
    lambda config: check_voice(),
    check_disk,
    check_rules,
    check_backend,
    check_usb_ports,
    check_devices,
)


def run_checks(config: Config) -> list[CheckResult]:
    results: list[CheckResult] = [CheckResult("config", True, ", ".join(str(p) for p in config.sources))]
    for check in CHECKS:
        try:
            outcome = check(config)
            results.extend([outcome] if isinstance(outcome, CheckResult) else list(outcome))
        except Exception as exc:  # a check that breaks is a failure to report, not a crash
            results.append(CheckResult(getattr(check, "__name__", "check"), False, f"check failed: {exc!r}",
                                       "send this output and the log to the project"))
    return results


def as_table(results: list[CheckResult]) -> str:
    width = max(len(r.name) for r in results)
    lines = []
    for r in results:
        lines.append(f"{'OK ' if r.ok else 'FAIL'} {r.name:<{width}}  {r.detail}")
        if not r.ok and r.fix:
            lines.append(f"     {'':<{width}}  fix: {r.fix}")
    passed = sum(r.ok for r in results)
    lines.append(f"doctor: {passed} of {len(results)} checks passed")
    return "\n".join(lines)


def as_dicts(results: list[CheckResult]) -> list[dict]:
    return [asdict(r) for r in results]


def config_failure(source: Path | str, message: str) -> list[CheckResult]:
    return [CheckResult("config", False, message, f"correct {source} (python main.py config check)")]
