"""Self-service collection (issue 13): a person's finished documents ready in this terminal's
dispenser, and the record of each one handed out (or not).

Confinement (issue 18): a document belongs to the terminal it was loaded in, so another
terminal finds nothing, exactly as for a number that does not exist. ListReadyDocuments is a
personal look-up and needs CompareFace's match token (proofs.py) on a back end that
authenticates terminals; without the proof the answer is the one for a person who does not
exist. ConfirmCollection is the terminal's report on its own document and names no person
(the kiosk's journal keeps no ID number, and recovery repeats the report after a crash).

A document is COLLECTED only on the kiosk's word that the tray sensor saw it taken; NOT_COLLECTED
(retracted to the reject bin, or never out of its slot) leaves it READY and counts the attempt,
so staff see which documents citizens left behind.

The staff side (ListStock, LoadDocument, UnloadDocument): a finished document arrives at the
hall as MADE (no terminal, slot 0); staff scan it at a terminal's loader and LoadDocument makes it
READY in that terminal's slot, naming its application; UnloadDocument takes a READY one out for
a counter (UNLOADED: listed nowhere, loadable again). A number that awaits no loading here (never
made, collected, or ready in another terminal) is NotFound(DOCUMENT), as for an unknown one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from backend import messages as m
from backend.faults import InvalidInput, NotFound
from backend.handlers import proofs
from backend.handlers.common import CallEnv, require_valid_id_number
from backend.timeutil import iso, parse, parse_day
from core.privacy import mask_permit_number

# How long a finished document may wait in a dispenser before staff unload it to a counter
# (the hall's rule; the unloading itself is staff work on the maintenance screen).
UNCOLLECTED_DAYS = 30
# Slots a dispenser may have (docs/protocols/dispenser.md: a slot is one byte, 1..250).
MAX_SLOT = 250
# Applications that no longer wait for anything to be handed out.
DONE_STATUSES = ("COLLECTED", "REJECTED")


def list_ready_documents(env: CallEnv, req: Any) -> m.ReadyDocuments:
    _require_person(env, req.terminalId, req.idNumber, req.matchToken)
    rows = env.db.execute("SELECT * FROM ready_documents WHERE id_number = ? AND terminal_id = ? "
                          "AND status = 'READY' ORDER BY slot", (req.idNumber, req.terminalId)).fetchall()
    here = {row["application_number"] for row in rows}
    applications = env.db.execute(
        f"SELECT * FROM applications WHERE id_number = ? AND status NOT IN ({','.join('?' * len(DONE_STATUSES))}) "
        "ORDER BY submitted_at DESC", (req.idNumber, *DONE_STATUSES)).fetchall()
    return m.ReadyDocuments(
        document=[_ready_message(row, env.now) for row in rows],
        pending=[m.PendingApplication(applicationNumber=a["application_number"], status=a["status"],
                                      expectedReadyOn=parse_day(a["expected_ready_on"]),
                                      trackingNumber=a["tracking_number"], collectionPlace=a["collection_place"])
                 for a in applications if a["application_number"] not in here])


def confirm_collection(env: CallEnv, req: Any) -> m.CollectionRecord:
    """The terminal's report on one of its own documents: it names no person and its answer
    carries nothing the terminal did not send."""
    row = env.db.execute("SELECT * FROM ready_documents WHERE document_number = ? AND terminal_id = ?",
                         (req.documentNumber, req.terminalId)).fetchone()
    if row is None:
        raise NotFound("DOCUMENT", "no document with this number in this terminal")
    if row["status"] == "READY" and req.outcome == "COLLECTED":
        env.db.execute("UPDATE ready_documents SET status = 'COLLECTED', collected_at = ?, updated_at = ? "
                       "WHERE document_number = ?", (iso(env.now), iso(env.now), req.documentNumber))
        _application_collected(env, row["application_number"])
    elif row["status"] == "READY":
        env.db.execute("UPDATE ready_documents SET not_collected_count = not_collected_count + 1, "
                       "last_not_collected_reason = ?, updated_at = ? WHERE document_number = ?",
                       (req.reason or "not taken", iso(env.now), req.documentNumber))
    # A document already COLLECTED stays so: a later NOT_COLLECTED cannot undo the tray's evidence.
    row = env.db.execute("SELECT * FROM ready_documents WHERE document_number = ?", (req.documentNumber,)).fetchone()
    return m.CollectionRecord(documentNumber=row["document_number"], status=row["status"], recordedAt=env.now,
                              collectedAt=parse(row["collected_at"]), notCollectedCount=row["not_collected_count"])


def list_stock(env: CallEnv, req: Any) -> m.Stock:
    rows = env.db.execute("SELECT * FROM ready_documents WHERE terminal_id = ? AND status = 'READY' ORDER BY slot",
                          (req.terminalId,)).fetchall()
    return m.Stock(document=[_ready_message(row, env.now) for row in rows])


def load_document(env: CallEnv, req: Any) -> m.StockRecord:
    """A finished document into a slot of this terminal's dispenser. Scanning it again into the
    same terminal (the module refused the first slot) moves it to the new slot."""
    if not 1 <= req.slot <= MAX_SLOT:
        raise InvalidInput("slot", f"must be 1 to {MAX_SLOT}")
    row = env.db.execute("SELECT * FROM ready_documents WHERE document_number = ?", (req.documentNumber,)).fetchone()
    loadable = row is not None and (row["status"] in ("MADE", "UNLOADED")
                                    or (row["status"] == "READY" and row["terminal_id"] == req.terminalId))
    if not loadable:
        raise NotFound("DOCUMENT", "no finished document awaits loading under this number")
    taken = env.db.execute("SELECT 1 FROM ready_documents WHERE terminal_id = ? AND slot = ? AND status = 'READY' "
                           "AND document_number <> ?", (req.terminalId, req.slot, req.documentNumber)).fetchone()
    if taken is not None:
        raise InvalidInput("slot", "holds another ready document")
    loaded_at = row["loaded_at"] if row["status"] == "READY" else iso(env.now)
    env.db.execute("UPDATE ready_documents SET terminal_id = ?, slot = ?, status = 'READY', loaded_at = ?, "
                   "updated_at = ? WHERE document_number = ?",
                   (req.terminalId, req.slot, loaded_at, iso(env.now), req.documentNumber))
    return _stock_record(env, req.documentNumber)


def unload_document(env: CallEnv, req: Any) -> m.StockRecord:
    row = env.db.execute("SELECT * FROM ready_documents WHERE document_number = ? AND terminal_id = ? "
                         "AND status = 'READY'", (req.documentNumber, req.terminalId)).fetchone()
    if row is None:
        raise NotFound("DOCUMENT", "no ready document with this number in this terminal")
    env.db.execute("UPDATE ready_documents SET status = 'UNLOADED', slot = 0, last_not_collected_reason = ?, "
                   "updated_at = ? WHERE document_number = ?",
                   (req.reason or "unloaded by staff", iso(env.now), req.documentNumber))
    return _stock_record(env, req.documentNumber)


def _stock_record(env: CallEnv, document_number: str) -> m.StockRecord:
    row = env.db.execute("SELECT * FROM ready_documents WHERE document_number = ?", (document_number,)).fetchone()
    return m.StockRecord(documentNumber=row["document_number"], maskedNumber=mask_permit_number(row["document_number"]),
                         kind=row["kind"], applicationNumber=row["application_number"], status=row["status"],
                         slot=row["slot"] or None, recordedAt=env.now)


def _require_person(env: CallEnv, terminal_id: str, id_number: str, token: str | None) -> None:
    require_valid_id_number(id_number)
    known = env.db.execute("SELECT 1 FROM persons WHERE id_number = ?", (id_number,)).fetchone()
    if known is None or not proofs.proven(env, terminal_id, id_number, token):
        raise NotFound("PERSON", "no person with this ID number")


def _application_collected(env: CallEnv, application_number: str) -> None:
    """The application is collected once none of its documents waits in any dispenser (an
    application filed before this back end's records is not on file: nothing to update)."""
    on_file = env.db.execute("SELECT 1 FROM applications WHERE application_number = ?",
                             (application_number,)).fetchone()
    waiting = env.db.execute("SELECT 1 FROM ready_documents WHERE application_number = ? AND status = 'READY'",
                             (application_number,)).fetchone()
    if on_file is not None and waiting is None:
        env.db.execute("UPDATE applications SET status = 'COLLECTED' WHERE application_number = ?",
                       (application_number,))
        env.db.execute("INSERT INTO application_steps VALUES (?, 'COLLECTED', ?)", (application_number, iso(env.now)))


def _ready_message(row: sqlite3.Row, now: dt.datetime) -> m.ReadyDocument:
    loaded_at = parse(row["loaded_at"])
    assert loaded_at is not None
    return m.ReadyDocument(documentNumber=row["document_number"], maskedNumber=mask_permit_number(row["document_number"]),
                           kind=row["kind"], slot=row["slot"], applicationNumber=row["application_number"],
                           loadedAt=loaded_at, overdue=now - loaded_at > dt.timedelta(days=UNCOLLECTED_DAYS))
