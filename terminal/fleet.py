"""The terminal as the hall's fleet sees it: registration, heartbeats and transaction reports.

- Registration: at first start (and again when the terminal id, the software version or the
  back end changes) the terminal calls RegisterTerminal and remembers the answer in
  `<data_dir>/backend/registration.json`. While the back end cannot be reached it tries again
  every REGISTRATION_RETRY_SECONDS; nothing waits for it.
- Heartbeats: every interval (the back end's answer at registration, else [backend]
  heartbeat_interval_seconds) one heartbeat with device states, paper low, software and
  config version, last transaction time and outbox length is put in the outbox. The terminal's
  own alerts (terminal/alerts.py: a refused configuration file, the maintenance PIN locked) ride
  along as device entries with status ERROR and a detail line, and a change of them is sent at once.
- Reports: each transaction the journal closes as finished (completed, refunded, cancelled)
  becomes one TransactionReport in the outbox. A ledger (`<data_dir>/backend/reported.sqlite3`)
  remembers what was queued, so a report lost to a crash between the journal's commit and the
  outbox's is queued at the next start (catch-up over [hall] report_catch_up_days); the back
  end records a transaction id once, so a rare double is harmless.

Heartbeats and reports go through the outbox (backend_client/outbox.py): durable, in
order, delivered when the back end is back. Nothing here carries personal data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import queue
import sqlite3
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping

from backend_client import models as mo
from backend_client.client import BackendClient, new_request_id
from backend_client.errors import BackendError
from backend_client.outbox import Outbox
from core import __version__
from core.config import Config
from devices.base import DeviceStatus
from flows.journal import Journal, Phase, Transaction, TxnStatus
from terminal.alerts import TerminalAlerts

log = logging.getLogger(__name__)

REGISTRATION_FILE = "backend/registration.json"
LEDGER_FILE = "backend/reported.sqlite3"
# The fleet thread's stop waits this long for a tick in progress (a registration call may be
# waiting on the back end's connect timeout).
STOP_JOIN_SECONDS = 15.0
# A registration the back end did not answer (down, or its answer lost) is tried again this
# soon rather than a whole heartbeat interval later, so the hall sees the terminal quickly.
REGISTRATION_RETRY_SECONDS = 5.0
# Journal flow name -> the contract's service.
SERVICE_OF_FLOW = {
    "application_form": mo.ServiceKind.APPLICATION_FORM,
    "id_photo": mo.ServiceKind.ID_PHOTO,
    "endorsement": mo.ServiceKind.ENDORSEMENT,
    "fines": mo.ServiceKind.TRAFFIC_FINES,
    "traffic_fines": mo.ServiceKind.TRAFFIC_FINES,
    "fine_appeal": mo.ServiceKind.TRAFFIC_FINES,  # issue 20: an appeal is reported among the fines
    "progress": mo.ServiceKind.PROGRESS,
    "appointment": mo.ServiceKind.APPOINTMENT,
    # Issue 20: booking, walk-in tickets and urgent requests are reported with the appointments
    # (the counter queues' column of the hall dashboard), as an appeal is among the fines.
    "appointment_booking": mo.ServiceKind.APPOINTMENT,
    "queue_ticket": mo.ServiceKind.APPOINTMENT,
    "urgent": mo.ServiceKind.APPOINTMENT,
}
# Journal step detail key -> the kind of back-end reference it holds.
REFERENCE_OF_DETAIL = {
    "application_number": mo.ReferenceKind.APPLICATION,
    "receipt_number": mo.ReferenceKind.PHOTO_RECEIPT,
    "decision_number": mo.ReferenceKind.DECISION,
    "ticket": mo.ReferenceKind.QUEUE_TICKET,
}
FINISHED = (TxnStatus.COMPLETED, TxnStatus.REFUNDED, TxnStatus.CANCELLED)
PAID_STEP = "paid"  # flows/payment.py PAID_STEP: the money was taken
COLLECTION_FLOW = "collection"  # flows/collection_rules.py FLOW_NAME: its end changes the dispenser's stock
MAX_REFERENCES = 10  # the contract's maxOccurs
# What the contract accepts as a reference and as a failure key (kiosk-v1.xsd Reference, MessageKey).
_REFERENCE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


def config_version(config: Config) -> str:
    """A short hash of the merged configuration with every secret value left out: two terminals
    with the same value run the same settings, and the hall sees when a pushed file took effect."""
    redacted = config.redacted()
    text = json.dumps(redacted, sort_keys=True, ensure_ascii=False, default=str)
    return "cfg-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# ----- registration -----

@dataclass(frozen=True)
class Registration:
    terminal_id: str
    software_version: str
    endpoint: str
    registered_at: str
    heartbeat_interval_seconds: int

    def matches(self, terminal_id: str, software_version: str, endpoint: str) -> bool:
        return (self.terminal_id, self.software_version, self.endpoint) == (terminal_id, software_version, endpoint)


def load_registration(path: Path) -> Registration | None:
    try:
        return Registration(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def save_registration(path: Path, registration: Registration) -> None:
    """Written to a temporary file and renamed: a power cut leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(registration.__dict__, indent=2), encoding="utf-8")
    scratch.replace(path)


# ----- transaction reports -----

def report_for(txn: Transaction) -> mo.TransactionReport | None:
    """The report of a finished journal transaction; None while it is not finished."""
    if txn.status not in FINISHED:
        return None
    service = SERVICE_OF_FLOW.get(txn.flow)
    if service is None:
        log.warning("transaction %s: flow %r has no service in the contract; not reported", txn.id, txn.flow)
        return None
    paid = txn.done(PAID_STEP)
    return mo.TransactionReport(
        transaction_id=txn.id, service=service, outcome=outcome_of(txn),
        started_at=_utc(txn.created), finished_at=_utc(max(txn.updated, txn.created)),
        amount=yuan(txn.amount_fen) if paid and txn.amount_fen else None,
        payment_id=txn.payment_id if paid else None,
        references=references_of(txn), failure_key=failure_key_of(txn))


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def outcome_of(txn: Transaction) -> mo.TransactionOutcome:
    if txn.status is TxnStatus.COMPLETED:
        return mo.TransactionOutcome.COMPLETED
    if txn.status is TxnStatus.REFUNDED or any(s.phase is Phase.FAILED for s in txn.steps):
        return mo.TransactionOutcome.FAILED
    if "idle" in txn.note or "timeout" in txn.note:
        return mo.TransactionOutcome.TIMED_OUT
    return mo.TransactionOutcome.CANCELLED


def references_of(txn: Transaction) -> tuple[mo.TransactionReference, ...]:
    """The back end's own ids the transaction produced (order, application, receipt, ...)."""
    found = [(mo.ReferenceKind.ORDER, txn.order_id)]
    found += [(kind, step.detail.get(key)) for step in txn.steps for key, kind in REFERENCE_OF_DETAIL.items()]
    valid = [mo.TransactionReference(kind, value) for kind, value in found
             if isinstance(value, str) and _is_reference(value)]
    return tuple(dict.fromkeys(valid))[:MAX_REFERENCES]


def failure_key_of(txn: Transaction) -> str | None:
    """The message key of the last step that failed, when it is one (never free text)."""
    for step in reversed(txn.steps):
        if step.phase is Phase.FAILED:
            key = step.detail.get("reason") or step.detail.get("error")
            if isinstance(key, str) and _is_message_key(key):
                return key
    return None


def _is_reference(value: str) -> bool:
    return 1 <= len(value) <= 40 and set(value) <= _REFERENCE_CHARS


def _is_message_key(value: str) -> bool:
    parts = value.split(".")
    return len(value) <= 100 and all(p and set(p) <= set("abcdefghijklmnopqrstuvwxyz0123456789_") for p in parts)


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


class ReportLedger:
    """Which journal transactions were queued as reports, and when the last one finished."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS reported (txn_id TEXT PRIMARY KEY, request_id TEXT NOT NULL,"
                         " finished_at REAL NOT NULL, queued_at REAL NOT NULL)")
        self._lock = threading.Lock()

    def has(self, txn_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM reported WHERE txn_id = ?", (txn_id,)).fetchone() is not None

    def add(self, txn_id: str, request_id: str, finished_at: float) -> None:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO reported VALUES (?, ?, ?, ?)",
                             (txn_id, request_id, finished_at, time.time()))

    def last_finished_at(self) -> float | None:
        with self._lock:
            return self._db.execute("SELECT MAX(finished_at) FROM reported").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


# ----- the link -----

class FleetLink:
    """Registers the terminal, sends heartbeats and reports finished transactions, on one thread."""

    def __init__(self, config: Config, client: BackendClient, outbox: Outbox, journal: Journal,
                 device_states: Callable[[], Mapping[str, DeviceStatus]],
                 interval_seconds: float | None = None) -> None:
        self.config = config  # replaced by the config watcher when a reload is applied live
        self.client = client
        self.outbox = outbox
        self.journal = journal
        self._device_states = device_states
        data_dir = config.data_dir
        self.registration_path = data_dir / REGISTRATION_FILE
        self.ledger = ReportLedger(data_dir / LEDGER_FILE)
        self.registration = load_registration(self.registration_path)
        self._fixed_interval = interval_seconds
        self._finished: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._beat_requested = threading.Event()
        self._thread: threading.Thread | None = None
        self.alerts: TerminalAlerts | None = None
        # More device entries for each heartbeat, with a detail line (terminal/dispenser_watch.py:
        # the dispenser's stock, documents retracted and not collected); set by start_runtime.
        self.extra_entries: Callable[[], list[mo.DeviceState]] | None = None
        journal.add_close_observer(self._on_close)

    def use_alerts(self, alerts: TerminalAlerts) -> None:
        """Send `alerts` with every heartbeat, and a heartbeat as soon as they change (the hall
        sees a refused file or a locked PIN within seconds, not at the next interval)."""
        self.alerts = alerts
        alerts.subscribe(self.beat_soon)
        self.beat_soon()

    def beat_soon(self) -> None:
        """Ask the fleet thread for a heartbeat now (called from any thread)."""
        self._beat_requested.set()
        self._wake.set()

    # ---- what the thread does ----

    @property
    def interval(self) -> float:
        if self._fixed_interval is not None:
            return self._fixed_interval
        if self.registration is not None and self.registration.endpoint == self.client.settings.endpoint:
            return float(self.registration.heartbeat_interval_seconds)
        return float(self.config["backend"]["heartbeat_interval_seconds"])

    def register_if_needed(self) -> bool:
        """Register unless this terminal, version and back end are already on record. False when
        the back end could not be reached (tried again at the next tick)."""
        terminal_id, endpoint = self.client.settings.terminal_id, self.client.settings.endpoint
        if self.registration is not None and self.registration.matches(terminal_id, __version__, endpoint):
            return True
        try:
            answer = self.client.register_terminal(__version__, new_request_id())
        except BackendError as error:
            log.info("registration with the back end postponed (%s)", error.message_key)
            return False
        self.registration = Registration(terminal_id, __version__, endpoint, answer.registered_at.isoformat(),
                                         answer.heartbeat_interval_seconds)
        save_registration(self.registration_path, self.registration)
        log.info("terminal %s registered with the back end; heartbeat every %d s",
                 terminal_id, answer.heartbeat_interval_seconds)
        return True

    def heartbeat(self) -> mo.Heartbeat:
        states = dict(self._device_states())
        last = self.ledger.last_finished_at()
        printer = states.get("printer")
        alerts = self.alerts.current() if self.alerts is not None else {}
        extra = tuple(self.extra_entries()) if self.extra_entries is not None else ()
        return mo.Heartbeat(
            sent_at=dt.datetime.now(dt.timezone.utc),
            devices=tuple(mo.DeviceState(kind, mo.DeviceStatus[status.name])
                          for kind, status in sorted(states.items()))
            + tuple(mo.DeviceState(name, mo.DeviceStatus.ERROR, detail) for name, detail in alerts.items())
            + extra,
            paper_low=None if printer is None else printer in (DeviceStatus.PAPER_LOW, DeviceStatus.NO_PAPER),
            software_version=__version__, config_version=config_version(self.config),
            last_transaction_at=_utc(last) if last is not None else None,
            outbox_length=self.outbox.pending())

    def beat_now(self) -> str:
        """Queue one heartbeat now; returns its request id."""
        return self.outbox.put_heartbeat(self.heartbeat())

    def report(self, txn_id: str) -> bool:
        """Queue the report of a finished transaction once; True when one was queued."""
        if self.ledger.has(txn_id):
            return False
        try:
            txn = self.journal.get(txn_id)
        except KeyError:
            return False
        report = report_for(txn)
        if report is None:
            return False
        request_id = self.outbox.put_report(report)
        self.ledger.add(txn_id, request_id, max(txn.updated, txn.created))
        log.info("transaction %s (%s, %s) queued for the back end", txn_id, report.service.value,
                 report.outcome.value)
        return True

    def catch_up(self) -> int:
        """Queue the finished transactions of the last days that were never reported."""
        since = time.time() - self.config["hall"]["report_catch_up_days"] * 86400
        queued = sum(self.report(txn.id) for txn in self.journal.transactions(since=since)
                     if txn.status in FINISHED)
        if queued:
            log.info("%d finished transaction(s) not reported before were queued", queued)
        return queued

    def report_pending(self) -> int:
        """Report what the journal closed since the last call (close observer -> this thread)."""
        queued = 0
        while True:
            try:
                txn_id = self._finished.get_nowait()
            except queue.Empty:
                return queued
            queued += self.report(txn_id)

    def _on_close(self, txn_id: str, status: TxnStatus) -> None:
        """Called on the flow's thread: only hand the id over, never block a citizen's flow."""
        if status in FINISHED:
            self._finished.put(txn_id)
            self._wake.set()
        if self.extra_entries is not None and self.journal.get(txn_id).flow == COLLECTION_FLOW:
            self.beat_soon()  # a document retracted, not collected: the hall hears it now

    # ---- thread ----

    def start(self) -> FleetLink:
        self._thread = threading.Thread(target=self._run, name="fleet-link", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        self._guarded(self.catch_up)
        next_beat = next_registration = 0.0
        while not self._stop.is_set():
            self._guarded(self.report_pending)
            now = time.monotonic()
            if now >= next_registration:
                registered = self._guarded(self.register_if_needed)
                next_registration = now + (self.interval if registered else REGISTRATION_RETRY_SECONDS)
            if now >= next_beat or self._beat_requested.is_set():
                self._beat_requested.clear()
                self._guarded(self.beat_now)
                next_beat = now + self.interval
            self._wake.wait(max(0.0, min(next_beat, next_registration) - time.monotonic()))
            self._wake.clear()

    def _guarded(self, action: Callable[[], Any]) -> Any:
        """A bug or a full disk must not end heartbeats for the rest of the day."""
        try:
            return action()
        except Exception:  # noqa: BLE001 - logged with its traceback; the next tick tries again
            log.exception("fleet link: %s failed", getattr(action, "__name__", action))
            return None

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(STOP_JOIN_SECONDS)
            self._thread = None
        self.journal.remove_close_observer(self._on_close)
        if self.alerts is not None:
            self.alerts.unsubscribe(self.beat_soon)
        self.ledger.close()
