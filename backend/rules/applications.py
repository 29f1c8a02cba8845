"""The application form (中国公民出入境证件申请表): what a complete, consistent form is.

From ../shared/DOMAIN.md section 7. The form object is anything with the contract's field
names (the reference back end passes the request's ApplicationForm as received).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.faults import InvalidInput, NotEligible
from backend.rules import id_numbers

ADULT_AGE = 16
# "7-10 working days": the receipt promises the later end.
PROCESSING_WORKING_DAYS = 10

REASONS_BY_KIND = {
    "FIRST_ISSUE": frozenset(),
    "RENEWAL": frozenset({"EXPIRED", "EXPIRING", "PAGES_FULL", "APPEARANCE_CHANGED"}),
    "REPLACEMENT": frozenset({"LOST", "STOLEN", "DAMAGED"}),
    "AMENDMENT": frozenset({"NAME_CHANGED", "FORMER_NAME"}),
}


def check_form(form: Any, registered_state_employee: bool, today: dt.date) -> None:
    """Raise InvalidInput naming the first wrong field, or NotEligible for the applicant."""
    check_identity_fields(form)
    if registered_state_employee:
        raise NotEligible("REGISTERED_STATE_EMPLOYEE",
                          "registered state employees need their unit's written approval at the counter")
    if id_numbers.is_residence_permit(form.idNumber):
        raise NotEligible("NOT_MAINLAND_RESIDENT",
                          "residence-permit holders apply for their own region's documents")
    check_guardian(form, today)
    check_documents(form.document)
    check_delivery(form.delivery)


def check_identity_fields(form: Any) -> None:
    if not id_numbers.is_valid(form.idNumber):
        raise InvalidInput("form.idNumber", "is not a valid ID number")
    if form.birthDate != id_numbers.birth_date(form.idNumber):
        raise InvalidInput("form.birthDate", "does not match the ID number")
    if (form.sex == "MALE") != id_numbers.is_male(form.idNumber):
        raise InvalidInput("form.sex", "does not match the ID number")


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check_guardian(form: Any, today: dt.date) -> None:
    if age_on(form.birthDate, today) >= ADULT_AGE:
        return
    guardian = form.guardian
    if guardian is None:
        raise InvalidInput("form.guardian", f"is required for applicants under {ADULT_AGE}")
    if not id_numbers.is_valid(guardian.idNumber):
        raise InvalidInput("form.guardian.idNumber", "is not a valid ID number")
    guardian_birth = id_numbers.birth_date(guardian.idNumber)
    if guardian_birth is None or age_on(guardian_birth, today) < 18:
        raise InvalidInput("form.guardian.idNumber", "must be an adult's")


def check_documents(documents: list[Any]) -> None:
    seen: set[str] = set()
    for document in documents:
        if document.documentType in seen:
            raise InvalidInput("form.document", "asks for the same document twice")
        seen.add(document.documentType)
        allowed = REASONS_BY_KIND[document.applicationKind]
        if allowed and document.reason not in allowed:
            raise InvalidInput("form.document.reason",
                               f"must be one of {', '.join(sorted(allowed))} for {document.applicationKind}")
        if document.applicationKind == "REPLACEMENT" and not document.statement:
            raise InvalidInput("form.document.statement", "is required for a replacement")
        if document.applicationKind == "AMENDMENT" and not document.formerName:
            raise InvalidInput("form.document.formerName", "is required for an amendment")
        if document.endorsement and document.documentType != "HK_MACAU_PERMIT":
            raise InvalidInput("form.document.endorsement", "is only for the HK/Macau permit")


def check_delivery(delivery: Any) -> None:
    if delivery.method != "POST":
        return
    for field in ("postalAddress", "postalRecipient", "postalPhone"):
        if not getattr(delivery, field):
            raise InvalidInput(f"form.delivery.{field}", "is required when the document is posted")


def expected_ready_on(submitted: dt.date) -> dt.date:
    """The submission day plus the processing time in working days (Monday to Friday)."""
    day, remaining = submitted, PROCESSING_WORKING_DAYS
    while remaining:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day
