"""`python main.py selftest [--config FILE] [--json]`: every service end to end, on simulators.

A technician runs it after installing a terminal. It starts the back end connection the
configuration names (the embedded reference back end by default) with EVERY device
simulated, whatever the configuration says, runs each built service's scenario
(flows/registry.py) and prints a pass/fail table with each service's machine time. Exit
code 0 only when every service passed; 1 when any failed or the run could not start.

It keeps out of the terminal's own records: the journal, the simulators' files and the
printed receipts go to a `selftest` folder inside the data folder. The scenarios play the
reference back end's demo people (backend/seed.py); against a hall's back end without them
the identity steps fail, and the table says so.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config
    from terminal.selftest import SelftestResult

EXIT_ALL_PASSED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
SELFTEST_FOLDER = "selftest"
SIMULATOR_DRIVER = "simulator"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "selftest", help="run every service end to end on simulated devices and print a pass/fail table",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", dest="selftest_config", action="append", type=Path, default=[],
                        metavar="FILE", help="override file, read after the global --config files; may be repeated")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    parser.add_argument("--service", dest="services", action="append", default=[], metavar="ID",
                        help="run only this service's scenario (e.g. progress); may be repeated")
    parser.set_defaults(func=run, extra_config="selftest_config")


# The simulated fingerprint module at its fastest rate: at the factory 57600 baud the two images of each
# of the three acceptance rows spend about 40 s on the wire, the same driver code at 115200 half that.
SELFTEST_DEVICE_SETTINGS = {"fingerprint": {"baud": 115200}}


def selftest_config(config: Config) -> Config:
    """The configuration with every device simulated and every file under data_dir/selftest
    (the journal named too: a hall may have pointed [flows] journal at the terminal's own)."""
    from terminal.scratch import with_overrides  # not at import: `main.py --help` stays light

    folder = config.data_dir / SELFTEST_FOLDER
    return with_overrides(config, {
        "terminal": {"data_dir": str(folder)},
        "flows": {"journal": str(folder / "journal.sqlite3")},
        "devices": {kind: {"driver": SIMULATOR_DRIVER, **SELFTEST_DEVICE_SETTINGS.get(kind, {})}
                    for kind in config["devices"]},
        # Every scenario pays explicitly (code or card): a demo back end paying a shown code by itself
        # could win over a card sale on a slow machine, and the card row would find no card payment.
        "backend": {"reference_auto_pay_seconds": 0.0},
    })


def run(args: argparse.Namespace, config: Config) -> int:
    from backend_client.errors import BackendError
    from devices.base import DeviceError
    from terminal.runtime import start_runtime
    from terminal.selftest import SCENARIOS, all_passed, format_table, run_all

    unknown = [s for s in args.services if s not in SCENARIOS]
    if unknown:
        print(f"selftest: no scenario for {', '.join(unknown)}; services: {', '.join(SCENARIOS)}", file=sys.stderr)
        return EXIT_USAGE
    config = selftest_config(config)
    _log_to_the_terminals_log(config)
    _forget_earlier_journal(config)
    try:
        runtime = start_runtime(config)
    except (DeviceError, BackendError, OSError) as exc:
        print(f"selftest: cannot start the kiosk's runtime: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        results = run_all(runtime, {s: SCENARIOS[s] for s in args.services} if args.services else None)
    finally:
        runtime.close()
    if args.json:
        print(json.dumps({"passed": all_passed(results), "services": [r.to_dict() for r in results]}, indent=2))
    else:
        print(format_table(results))
        print(_summary(config, results))
    return EXIT_ALL_PASSED if all_passed(results) else EXIT_FAILED


def _summary(config: Config, results: list[SelftestResult]) -> str:
    """The verdict in the terminal's language, for the technician's eyes."""
    from core.i18n import N_, translator

    failed = sum(not r.passed for r in results)
    key = N_("selftest.some_failed") if failed or not results else N_("selftest.all_passed")
    return translator().translate(key, config["ui"]["default_language"], failed=failed, total=len(results))


def _log_to_the_terminals_log(config: Config) -> None:
    """The run leaves its trace in the terminal's own log (masked like the kiosk's), unless the
    caller already set up logging (a test running the command in its own process)."""
    import logging

    from core.logs import setup_logging

    if not logging.getLogger().handlers:
        setup_logging(config["logging"], config.path(config["logging"]["folder"]))


def _forget_earlier_journal(config: Config) -> None:
    """Each self-test starts from an empty journal: its transactions are nobody's business."""
    journal = config.journal_path
    for suffix in ("", "-wal", "-shm"):
        Path(f"{journal}{suffix}").unlink(missing_ok=True)
