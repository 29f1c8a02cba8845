"""The contract's typed faults as plain Python exceptions.

Rules and handlers raise these; backend/soap.py turns them into SOAP faults whose detail
element is named in the WSDL (NotFound, NotEligible, InvalidInput, PaymentExpired,
InternalError), so the kiosk can tell the citizen exactly what happened.
"""

from __future__ import annotations

import datetime as dt


class ContractFault(Exception):
    """A fault the contract declares. `code` becomes the SOAP faultcode, `detail()` the detail."""

    code = "Server"
    element = ""
    # A final answer for its request id, replayed as-is when the request is repeated.
    # InternalError is not: repeating the request may well succeed.
    replayable = True

    def detail(self) -> dict[str, str]:
        """Children of the detail element, in schema order."""
        raise NotImplementedError


class NotFound(ContractFault):
    code = "Client.NotFound"
    element = "NotFound"

    def __init__(self, entity: str, message: str) -> None:
        super().__init__(f"{entity}: {message}")
        self.entity = entity
        self.message = message

    def detail(self) -> dict[str, str]:
        return {"entity": self.entity, "message": self.message}


class NotEligible(ContractFault):
    """Well-formed, but a business rule refuses it; `reason` is one of NotEligibleReason."""

    code = "Client.NotEligible"
    element = "NotEligible"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message

    def detail(self) -> dict[str, str]:
        return {"reasonCode": self.reason, "message": self.message}


class InvalidInput(ContractFault):
    """A field is missing or wrong; `field` is its dotted path below the request element."""

    code = "Client.InvalidInput"
    element = "InvalidInput"

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field} {problem}")
        self.field = field
        self.problem = problem

    def detail(self) -> dict[str, str]:
        return {"field": self.field, "problem": self.problem}


class PaymentExpired(ContractFault):
    code = "Client.PaymentExpired"
    element = "PaymentExpired"

    def __init__(self, payment_id: str, expired_at: dt.datetime) -> None:
        super().__init__(f"payment {payment_id} expired at {expired_at.isoformat()}")
        self.payment_id = payment_id
        self.expired_at = expired_at

    def detail(self) -> dict[str, str]:
        return {"paymentId": self.payment_id, "expiredAt": self.expired_at.isoformat()}


class InternalError(ContractFault):
    """Something broke on the back end; the incident id ties the kiosk's log to the server's."""

    code = "Server.Internal"
    element = "InternalError"
    replayable = False

    def __init__(self, incident_id: str, message: str = "internal error") -> None:
        super().__init__(f"incident {incident_id}: {message}")
        self.incident_id = incident_id
        self.message = message

    def detail(self) -> dict[str, str]:
        return {"incidentId": self.incident_id, "message": self.message}


class ReplayedFault(ContractFault):
    """A fault stored with a request id, raised again when the same request comes back."""

    def __init__(self, code: str, element: str, detail: dict[str, str], text: str) -> None:
        super().__init__(text)
        self.code = code
        self.element = element
        self._detail = dict(detail)

    def detail(self) -> dict[str, str]:
        return dict(self._detail)
