"""Drafts (issues 12 and 20): an application filled in before the visit, loaded at the kiosk by
its number (typed, or scanned from its QR code) so nothing is asked twice.

Two sources answer the same operation:
- ONLINE: a pre-application filled in on the police website (table `drafts`; the demo data,
  backend/seed.py DRAFTS, holds two). SubmitAcceptance marks it used.
- FORM_SERVICE: an application filled in at the kiosk's form service (自助填表): its number is
  the application number printed on the summary. The acceptance service completes it under
  that number (fingerprints, signature, fees), so it does not count as "an application in
  progress" for that acceptance.

Only the person a draft was filled for may load it: anyone else hears DRAFT_OF_ANOTHER_PERSON
(the number is on paper the citizen carries, not a secret; the form it holds is). Like the
acceptance operations, loading wants the person's face match when the back end authenticates
terminals (issue 18, proofs.py).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from lxml import etree
from spyne.util.xml import get_xml_as_object

from backend import messages as m
from backend.faults import NotEligible, NotFound
from backend.handlers import proofs
from backend.handlers.common import CallEnv, find_person, require_valid_id_number
from backend.timeutil import parse

ONLINE = "ONLINE"
FORM_SERVICE = "FORM_SERVICE"
COUNTER = "COUNTER"  # applications filed at a counter carry no form the kiosk could load


def get_draft_application(env: CallEnv, req: Any) -> m.ApplicationDraft:
    require_valid_id_number(req.idNumber)
    find_person(env.db, req.idNumber)
    if not proofs.proven(env, req.terminalId, req.idNumber, req.matchToken):
        raise NotFound("PERSON", "no person with this ID number")
    number = req.draftNumber.strip().upper()
    online = env.db.execute("SELECT * FROM drafts WHERE draft_number = ?", (number,)).fetchone()
    if online is not None:
        _refuse_another_persons(online["id_number"], req.idNumber)
        if online["used_by"]:
            raise NotFound("DRAFT", f"this draft was already accepted as application {online['used_by']}")
        return m.ApplicationDraft(draftNumber=number, source=ONLINE, createdAt=parse(online["created_at"]),
                                  form=form_from_xml(online["form_xml"]))
    application = form_service_application(env.db, number)
    if application is None:
        raise NotFound("DRAFT", "no draft with this number")
    _refuse_another_persons(application["id_number"], req.idNumber)
    return m.ApplicationDraft(draftNumber=number, source=FORM_SERVICE,
                              createdAt=parse(application["submitted_at"]),
                              form=form_from_xml(application["form_xml"]))


def _refuse_another_persons(owner: str, id_number: str) -> None:
    if owner != id_number:
        raise NotEligible("DRAFT_OF_ANOTHER_PERSON", "this draft was filled in for another person")


def form_service_application(db: sqlite3.Connection, number: str) -> sqlite3.Row | None:
    """An application the kiosk's form service filed (it holds the form) and no acceptance has
    completed yet; None for any other number."""
    return db.execute("SELECT * FROM applications WHERE application_number = ? AND terminal_id != ? "
                      "AND form_xml != '' AND application_number NOT IN "
                      "(SELECT application_number FROM acceptances)", (number, COUNTER)).fetchone()


def completed_draft(db: sqlite3.Connection, draft_number: str | None, id_number: str) -> sqlite3.Row | None:
    """The form-service application an acceptance completes (named by its draftNumber, this
    person's), else None: an online draft or no draft leaves the acceptance a new application."""
    if not draft_number:
        return None
    application = form_service_application(db, draft_number.strip().upper())
    if application is None or application["id_number"] != id_number:
        return None
    return application


def mark_online_draft_used(db: sqlite3.Connection, draft_number: str | None, id_number: str,
                           application_number: str) -> None:
    if draft_number:
        db.execute("UPDATE drafts SET used_by = ? WHERE draft_number = ? AND id_number = ? AND used_by IS NULL",
                   (application_number, draft_number.strip().upper(), id_number))


def form_from_xml(text: str) -> Any:
    return get_xml_as_object(etree.fromstring(text), m.ApplicationForm)
