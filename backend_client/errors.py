"""Everything that can go wrong talking to the back end, as one family of typed errors.

Each carries a `message_key` the screen translates (backend.*) and a `detail` for the
technician's log (never personal data). Two flags steer what happens next:

- `retryable`: no answer came back (timeout, refused connection, HTTP 5xx): the client repeats
  the call at once, with backoff, when the call is safe to repeat.
- `final`: the back end answered and will answer the same again (not found, not eligible,
  invalid input, payment expired): the outbox gives such a message up instead of retrying.
"""

from __future__ import annotations

import datetime as dt

from backend_client.models import NotEligibleReason, NotFoundEntity
from core.i18n import N_

NOT_FOUND_KEYS: dict[NotFoundEntity, str] = {
    NotFoundEntity.PERSON: N_("backend.not_found.person"),
    NotFoundEntity.PERMIT: N_("backend.not_found.permit"),
    NotFoundEntity.APPLICATION: N_("backend.not_found.application"),
    NotFoundEntity.PHOTO_RECEIPT: N_("backend.not_found.photo_receipt"),
    NotFoundEntity.ORDER: N_("backend.not_found.order"),
    NotFoundEntity.PAYMENT: N_("backend.not_found.payment"),
    NotFoundEntity.DRIVER: N_("backend.not_found.driver"),
    NotFoundEntity.VIOLATION: N_("backend.not_found.violation"),
    NotFoundEntity.APPOINTMENT: N_("backend.not_found.appointment"),
    NotFoundEntity.DOCUMENT: N_("backend.not_found.document"),
    NotFoundEntity.DRAFT: N_("backend.not_found.draft"),
}

NOT_ELIGIBLE_KEYS: dict[NotEligibleReason, str] = {
    NotEligibleReason.IDENTITY_MISMATCH: N_("backend.not_eligible.identity_mismatch"),
    NotEligibleReason.REGISTERED_STATE_EMPLOYEE: N_("backend.not_eligible.registered_state_employee"),
    NotEligibleReason.NOT_MAINLAND_RESIDENT: N_("backend.not_eligible.not_mainland_resident"),
    NotEligibleReason.PERMIT_EXPIRED: N_("backend.not_eligible.permit_expired"),
    NotEligibleReason.PERMIT_VALIDITY_TOO_SHORT: N_("backend.not_eligible.permit_validity_too_short"),
    NotEligibleReason.OPTION_NOT_OFFERED: N_("backend.not_eligible.option_not_offered"),
    NotEligibleReason.APPLICATION_IN_PROGRESS: N_("backend.not_eligible.application_in_progress"),
    NotEligibleReason.ON_SITE_CASE: N_("backend.not_eligible.on_site_case"),
    NotEligibleReason.FINE_OVER_LIMIT: N_("backend.not_eligible.fine_over_limit"),
    NotEligibleReason.WOULD_REACH_12_POINTS: N_("backend.not_eligible.would_reach_12_points"),
    NotEligibleReason.ALREADY_DECIDED: N_("backend.not_eligible.already_decided"),
    NotEligibleReason.ALREADY_PAID: N_("backend.not_eligible.already_paid"),
    NotEligibleReason.ORDER_ALREADY_PAID: N_("backend.not_eligible.order_already_paid"),
    NotEligibleReason.ORDER_NOT_PAID: N_("backend.not_eligible.order_not_paid"),
    NotEligibleReason.ORDER_CLOSED: N_("backend.not_eligible.order_closed"),
    NotEligibleReason.NOT_REFUNDABLE: N_("backend.not_eligible.not_refundable"),
    NotEligibleReason.AMOUNT_MISMATCH: N_("backend.not_eligible.amount_mismatch"),
    NotEligibleReason.APPOINTMENT_NOT_TODAY: N_("backend.not_eligible.appointment_not_today"),
    NotEligibleReason.DRAFT_OF_ANOTHER_PERSON: N_("backend.not_eligible.draft_of_another_person"),
    NotEligibleReason.CASE_UNDER_APPEAL: N_("backend.not_eligible.case_under_appeal"),
    NotEligibleReason.ALREADY_APPEALED: N_("backend.not_eligible.already_appealed"),
    NotEligibleReason.SLOT_FULL: N_("backend.not_eligible.slot_full"),
    NotEligibleReason.ALREADY_BOOKED: N_("backend.not_eligible.already_booked"),
    NotEligibleReason.ALREADY_CHECKED_IN: N_("backend.not_eligible.already_checked_in"),
    NotEligibleReason.NOT_ELDERLY: N_("backend.not_eligible.not_elderly"),
}


class BackendError(Exception):
    """Base of every back-end error. Catch this in a flow to show `message_key`."""

    retryable = False
    final = False

    def __init__(self, message_key: str, detail: str = "", operation: str = "") -> None:
        self.message_key = message_key
        self.detail = detail
        self.operation = operation
        super().__init__(f"{operation or 'backend'}: {message_key}" + (f" ({detail})" if detail else ""))


# ---- no answer ----

class BackendUnavailableError(BackendError):
    """No answer came back; the back end may not even have seen the request."""

    retryable = True


class BackendUnreachableError(BackendUnavailableError):
    """Connection refused, reset, or the host is unknown or did not accept within the connect timeout."""

    def __init__(self, detail: str = "", operation: str = "") -> None:
        super().__init__(N_("backend.unreachable"), detail, operation)


class BackendTimeoutError(BackendUnavailableError):
    """Connected, but no answer within the operation timeout (the request may have been processed)."""

    def __init__(self, detail: str = "", operation: str = "") -> None:
        super().__init__(N_("backend.timeout"), detail, operation)


class BackendHttpError(BackendUnavailableError):
    """An HTTP error status without a SOAP fault (a proxy's 502, a crashed server's 500)."""

    def __init__(self, status: int, detail: str = "", operation: str = "") -> None:
        self.status = status
        super().__init__(N_("backend.server_error"), f"HTTP {status}" + (f": {detail}" if detail else ""), operation)
        self.retryable = status >= 500


# ---- an answer that cannot be used ----

class BackendTlsError(BackendError):
    """The TLS handshake failed: certificate not trusted, expired, wrong host, or client cert refused."""

    def __init__(self, detail: str = "", operation: str = "") -> None:
        super().__init__(N_("backend.tls_failed"), detail, operation)


class BackendMalformedResponseError(BackendError):
    """The answer is not well-formed XML, not a SOAP envelope, or not what the contract promises."""

    def __init__(self, detail: str = "", operation: str = "") -> None:
        super().__init__(N_("backend.bad_response"), detail, operation)


# ---- SOAP faults: the back end answered "no" ----

class BackendFaultError(BackendError):
    """A SOAP fault. `fault_code` and `fault_message` are the back end's words, for the log."""

    def __init__(self, message_key: str, fault_code: str, fault_message: str, operation: str = "") -> None:
        self.fault_code = fault_code
        self.fault_message = fault_message
        super().__init__(message_key, f"{fault_code}: {fault_message}", operation)


class NotFoundError(BackendFaultError):
    final = True

    def __init__(self, entity: NotFoundEntity, fault_code: str, fault_message: str, operation: str = "") -> None:
        self.entity = entity
        super().__init__(NOT_FOUND_KEYS[entity], fault_code, fault_message, operation)


class NotEligibleError(BackendFaultError):
    """A business rule refuses the request; `reason` says which (each has its own message key)."""

    final = True

    def __init__(self, reason: NotEligibleReason, fault_code: str, fault_message: str, operation: str = "") -> None:
        self.reason = reason
        super().__init__(NOT_ELIGIBLE_KEYS[reason], fault_code, fault_message, operation)


class InvalidInputError(BackendFaultError):
    """A field was missing or wrong; `field` is its dotted path, e.g. "form.delivery.postalAddress"."""

    final = True

    def __init__(self, field: str, problem: str, fault_code: str, operation: str = "") -> None:
        self.field = field
        self.problem = problem
        super().__init__(N_("backend.invalid_input"), fault_code, f"{field} {problem}", operation)


class PaymentExpiredError(BackendFaultError):
    """The payment's QR code expired before it was paid: start a new payment."""

    final = True

    def __init__(self, payment_id: str, expired_at: dt.datetime | None, fault_code: str, fault_message: str,
                 operation: str = "") -> None:
        self.payment_id = payment_id
        self.expired_at = expired_at
        super().__init__(N_("backend.payment_expired"), fault_code, fault_message, operation)


class BackendInternalError(BackendFaultError):
    """The back end failed inside; `incident_id` finds it in the back end's log."""

    def __init__(self, incident_id: str, fault_code: str, fault_message: str, operation: str = "") -> None:
        self.incident_id = incident_id
        super().__init__(N_("backend.internal"), fault_code, fault_message, operation)


class NotAuthorizedError(BackendFaultError):
    """The back end refused this terminal's WS-Security credentials."""

    def __init__(self, fault_code: str, fault_message: str, operation: str = "") -> None:
        super().__init__(N_("backend.not_authorized"), fault_code, fault_message, operation)


class UnknownFaultError(BackendFaultError):
    """A SOAP fault without a detail element this contract knows."""

    def __init__(self, fault_code: str, fault_message: str, operation: str = "") -> None:
        super().__init__(N_("backend.fault"), fault_code, fault_message, operation)
