"""The reference back end as an object: its database, settings and face matcher, and how one call runs.

`BackendApp.call` is where every SOAP operation lands: it opens the right transaction, runs
the handler, applies the request-id rule for mutating operations, turns faults into SOAP
faults, and logs one line per call (operation, terminal, outcome, milliseconds; no personal data).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from pathlib import Path
from typing import Any

from lxml import etree
from spyne.util.xml import get_xml_as_object

from backend.face import FaceMatcher, shared_face_matcher
from backend.faults import ContractFault, InternalError, InvalidInput, ReplayedFault
from backend.handlers import Operation
from backend.handlers.common import CallEnv
from backend.seed import seed_database
from backend.settings import ServerSettings
from backend.soap import model_as_xml, to_soap_fault
from backend.store import Store
from backend.timeutil import iso, utc_now

log = logging.getLogger(__name__)
# The fleet's own reports: each touches its terminal's rows by key, and a repeat meets the first
# attempt on a unique key (request id, transaction id). On PostgreSQL they run READ COMMITTED
# (backend/storage/postgres.py Store.transaction keyed); the money operations stay serialisable.
KEYED_OPERATIONS = frozenset({"Heartbeat", "RegisterTerminal", "ReportTransaction"})


class BackendApp:
    def __init__(self, db_path: Path, settings: ServerSettings = ServerSettings(),
                 face_matcher: FaceMatcher | None = None, seed: bool = True, pool_size: int = 0,
                 shared_nonces: bool = False) -> None:
        self.settings = settings
        # WS-Security nonces in the database, for a back end served by several processes (backend/soap.py).
        self.shared_nonces = shared_nonces
        # db_path: a SQLite file, or a postgresql:// URL (pool_size connections; 0 = the default).
        self.store = Store(db_path, pool_size=pool_size)
        self.face = face_matcher or shared_face_matcher(settings.face_match_distance)
        if seed and self.store.is_empty():
            # Checked again inside the transaction: several served workers may start at once.
            self.store.transaction(lambda db: None if db.execute("SELECT 1 FROM persons LIMIT 1").fetchone()
                                   else seed_database(db, utc_now()))
            log.info("reference back end: demo data seeded into %s", db_path)

    def call(self, op: Operation, request: Any, ctx: Any) -> Any:
        """Run one operation for spyne; raise spyne Faults for the contract's faults."""
        started = time.perf_counter()
        terminal = getattr(request, "terminalId", "?")
        try:
            result = self._run(op, request, ctx)
        except ContractFault as fault:
            log.info("%s terminal=%s fault=%s %.1f ms", op.name, terminal, fault.code,
                     (time.perf_counter() - started) * 1000)
            raise to_soap_fault(fault) from None
        except Exception:
            incident = uuid.uuid4().hex[:12]
            log.exception("%s terminal=%s internal error, incident %s", op.name, terminal, incident)
            raise to_soap_fault(InternalError(incident)) from None
        log.info("%s terminal=%s ok %.1f ms", op.name, terminal, (time.perf_counter() - started) * 1000)
        return result

    def _run(self, op: Operation, request: Any, ctx: Any) -> Any:
        base_url = self.settings.public_url or _request_base_url(ctx)
        if op.takes_request_id:
            return self._run_once(op, request, ctx.in_body_doc, base_url)
        return self.store.transaction(lambda db: op.handler(self._env(db, base_url), request), write=op.writes)

    def _run_once(self, op: Operation, request: Any, body: etree._Element, base_url: str) -> Any:
        """One effect and one answer per (terminal, request id), in a single write transaction.

        A replayable fault is an answer too: the handler's writes are rolled back to a
        savepoint, the fault is stored, and it is raised again for every repeat.
        """
        digest = hashlib.sha256(etree.tostring(body, method="c14n", exclusive=True)).hexdigest()

        def once(db: Any) -> tuple[Any, ContractFault | None]:
            # Run again from the start if PostgreSQL cancels the transaction (backend/storage/postgres.py).
            row = db.execute("SELECT * FROM idempotency WHERE terminal_id = ? AND request_id = ?",
                             (request.terminalId, request.requestId)).fetchone()
            if row is not None:
                if (row["operation"], row["digest"]) != (op.name, digest):
                    raise InvalidInput("requestId", "was already used for a different request")
                return _replay(row, op), None
            env = self._env(db, base_url)
            db.execute("SAVEPOINT handler")
            fault: ContractFault | None = None
            result = None
            try:
                result = op.handler(env, request)
            except ContractFault as raised:
                if not raised.replayable:
                    raise
                db.execute("ROLLBACK TO handler")
                fault = raised
                stored_response, stored_fault = None, json.dumps(
                    {"code": raised.code, "element": raised.element, "detail": raised.detail(), "text": str(raised)})
            else:
                stored_response = etree.tostring(model_as_xml(result, op.response), encoding="unicode")
                stored_fault = None
            # No RELEASE: COMMIT ends the savepoint too, one statement fewer.
            db.execute("INSERT INTO idempotency VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (request.terminalId, request.requestId, op.name, digest, stored_response, stored_fault,
                        iso(env.now)))
            return result, fault

        result, fault = self.store.transaction(once, write=True, keyed=op.name in KEYED_OPERATIONS)
        if fault is not None:
            raise fault
        return result

    def _env(self, db: Any, base_url: str) -> CallEnv:
        return CallEnv(db=db, store=self.store, now=utc_now(), settings=self.settings, base_url=base_url,
                       face=self.face)

    def close(self) -> None:
        self.store.close()


def _replay(row: Any, op: Operation) -> Any:
    if row["fault"] is not None:
        stored = json.loads(row["fault"])
        raise ReplayedFault(stored["code"], stored["element"], stored["detail"], stored["text"])
    return get_xml_as_object(etree.fromstring(row["response"]), op.response)


def _request_base_url(ctx: Any) -> str:
    environ = ctx.transport.req_env
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"
