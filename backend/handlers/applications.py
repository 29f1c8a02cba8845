"""Application form: submit (returns the application number) and progress."""

from __future__ import annotations

from typing import Any

from lxml import etree
from spyne.util.xml import get_object_as_xml

from backend import messages as m
from backend.faults import InvalidInput, NotEligible, NotFound
from backend.handlers.common import CallEnv, find_person, same_name
from backend.handlers.endorsements import applicant_of
from backend.rules import endorsements as endorsement_rules
from backend.rules.applications import check_form, check_identity_fields, expected_ready_on
from backend.timeutil import iso, parse, parse_day

# An application stops blocking a new one for the same document once it reaches these.
FINISHED_STATUSES = ("POSTED", "COLLECTED", "REJECTED")


def submit_application(env: CallEnv, req: Any) -> m.ApplicationReceipt:
    form = req.form
    check_identity_fields(form)
    person = find_person(env.db, form.idNumber)
    if not same_name(person["name"], form.name):
        raise NotEligible("IDENTITY_MISMATCH", "the name does not match the ID number")
    check_form(form, bool(person["registered_state_employee"]), env.today)
    _refuse_endorsements_not_offered(env, person, form.document)
    if form.photoReceiptNumber:
        _require_photo_receipt(env, form.photoReceiptNumber, form.idNumber)
    document_types = [d.documentType for d in form.document]
    _refuse_if_in_progress(env, form.idNumber, document_types)
    number = env.new_reference("AP")
    ready_on = expected_ready_on(env.today)
    form_xml = etree.tostring(get_object_as_xml(form, m.ApplicationForm), encoding="unicode")
    env.db.execute("INSERT INTO applications VALUES (?, ?, ?, ?, ?, 'ACCEPTED', ?, ?, NULL, NULL)",
                   (number, form.idNumber, req.terminalId, ",".join(document_types), form_xml,
                    iso(env.now), ready_on.isoformat()))
    env.db.execute("INSERT INTO application_steps VALUES (?, 'ACCEPTED', ?)", (number, iso(env.now)))
    return m.ApplicationReceipt(applicationNumber=number, status="ACCEPTED", submittedAt=env.now,
                                expectedReadyOn=ready_on)


def _refuse_endorsements_not_offered(env: CallEnv, person: Any, documents: list[Any]) -> None:
    """Endorsements asked with a new permit must be among those CheckEndorsementEligibility
    offers without a permit number: the same rules as at the endorsement service (issue 22)."""
    wished = [c for d in documents if d.documentType == "HK_MACAU_PERMIT" for c in (d.endorsement or ())]
    if not wished:
        return
    offered = endorsement_rules.eligible_options(applicant_of(person), None, env.settings.hall_region_code,
                                                 env.today)
    try:
        endorsement_rules.select(offered, [endorsement_rules.Choice(c.destination, c.type, c.trips,
                                                                    c.validityMonths) for c in wished])
    except InvalidInput as error:
        raise InvalidInput("form.document.endorsement", error.problem) from None


def _require_photo_receipt(env: CallEnv, receipt_number: str, id_number: str) -> None:
    row = env.db.execute("SELECT 1 FROM photos WHERE receipt_number = ? AND id_number = ?",
                         (receipt_number, id_number)).fetchone()
    if row is None:
        raise NotFound("PHOTO_RECEIPT", "no photo with this receipt number for this person")


def _refuse_if_in_progress(env: CallEnv, id_number: str, document_types: list[str],
                           except_number: str | None = None) -> None:
    """`except_number`: the form-service application an acceptance completes (drafts.py)."""
    rows = env.db.execute(
        f"SELECT document_types FROM applications WHERE id_number = ? AND application_number != ? AND status "
        f"NOT IN ({','.join('?' * len(FINISHED_STATUSES))})",
        (id_number, except_number or "", *FINISHED_STATUSES)).fetchall()
    pending = {t for row in rows for t in row["document_types"].split(",")}
    if pending & set(document_types):
        raise NotEligible("APPLICATION_IN_PROGRESS", "an application for this document is in progress")


def get_application_progress(env: CallEnv, req: Any) -> m.ApplicationProgress:
    row = env.db.execute("SELECT * FROM applications WHERE application_number = ? AND id_number = ?",
                         (req.applicationNumber, req.idNumber)).fetchone()
    if row is None:
        raise NotFound("APPLICATION", "no application with this number for this person")
    steps = env.db.execute("SELECT status, at FROM application_steps WHERE application_number = ? "
                           "ORDER BY at", (req.applicationNumber,)).fetchall()
    return m.ApplicationProgress(
        applicationNumber=row["application_number"], status=row["status"],
        submittedAt=parse(row["submitted_at"]), documentType=row["document_types"].split(","),
        expectedReadyOn=parse_day(row["expected_ready_on"]),
        step=[m.ProgressStep(status=s["status"], at=parse(s["at"])) for s in steps],
        trackingNumber=row["tracking_number"], collectionPlace=row["collection_place"])
