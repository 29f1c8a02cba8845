"""Fault scenario: the back end answers with a SOAP fault. Each typed fault of the WSDL becomes its
own error with its own message key; faults are answers, so they are never retried."""

from __future__ import annotations

import datetime as dt

import pytest

from backend_client import errors as e
from backend_client import models as mo

from .conftest import Canned, client_for, fault_envelope


def fails_with(canned, body: bytes) -> e.BackendError:
    canned.answer = Canned(status=500, body=body)
    client = client_for(canned.url, retries=2)
    with pytest.raises(e.BackendError) as caught:
        client.ping()
    assert len(canned.requests) == 1  # a fault is an answer: not retried
    return caught.value


def test_not_found_names_the_entity(canned):
    error = fails_with(canned, fault_envelope("Client.NotFound", "no such order", (
        "<tns:NotFound><tns:entity>ORDER</tns:entity><tns:message>no such order</tns:message></tns:NotFound>")))
    assert isinstance(error, e.NotFoundError) and error.entity is mo.NotFoundEntity.ORDER
    assert error.message_key == "backend.not_found.order" and error.final


def test_not_eligible_carries_the_reason(canned):
    error = fails_with(canned, fault_envelope("Client.NotEligible", "over the limit", (
        "<tns:NotEligible><tns:reasonCode>FINE_OVER_LIMIT</tns:reasonCode>"
        "<tns:message>fines over 200 yuan are decided at a counter</tns:message></tns:NotEligible>")))
    assert isinstance(error, e.NotEligibleError) and error.reason is mo.NotEligibleReason.FINE_OVER_LIMIT
    assert error.message_key == "backend.not_eligible.fine_over_limit"


def test_invalid_input_names_the_field(canned):
    error = fails_with(canned, fault_envelope("Client.InvalidInput", "bad", (
        "<tns:InvalidInput><tns:field>form.delivery.postalAddress</tns:field>"
        "<tns:problem>is required when the document is posted</tns:problem></tns:InvalidInput>")))
    assert isinstance(error, e.InvalidInputError) and error.field == "form.delivery.postalAddress"
    assert error.message_key == "backend.invalid_input"


def test_payment_expired_says_which_payment_and_when(canned):
    error = fails_with(canned, fault_envelope("Client.PaymentExpired", "expired", (
        "<tns:PaymentExpired><tns:paymentId>PAY-1</tns:paymentId>"
        "<tns:expiredAt>2025-03-01T08:05:00+00:00</tns:expiredAt></tns:PaymentExpired>")))
    assert isinstance(error, e.PaymentExpiredError) and error.payment_id == "PAY-1"
    assert error.expired_at == dt.datetime(2025, 3, 1, 8, 5, tzinfo=dt.timezone.utc)
    assert error.message_key == "backend.payment_expired"


def test_internal_error_keeps_the_incident_id_and_is_not_final(canned):
    error = fails_with(canned, fault_envelope("Server.Internal", "boom", (
        "<tns:InternalError><tns:incidentId>a1b2c3</tns:incidentId><tns:message>internal error</tns:message>"
        "</tns:InternalError>")))
    assert isinstance(error, e.BackendInternalError) and error.incident_id == "a1b2c3"
    assert error.message_key == "backend.internal" and not error.final  # the outbox tries again later


def test_authentication_fault(canned):
    error = fails_with(canned, fault_envelope("Client.Authentication", "WS-Security authentication failed"))
    assert isinstance(error, e.NotAuthorizedError) and error.message_key == "backend.not_authorized"


@pytest.mark.parametrize("detail", [
    "",  # no detail at all
    "<tns:NotEligible><tns:reasonCode>SOMETHING_NEW</tns:reasonCode><tns:message>x</tns:message></tns:NotEligible>",
    "<other xmlns='urn:someone-else'>x</other>",
])
def test_fault_without_a_known_detail_is_an_unknown_fault(canned, detail):
    error = fails_with(canned, fault_envelope("Server", "something odd", detail))
    assert isinstance(error, e.UnknownFaultError) and error.message_key == "backend.fault"
    assert "something odd" in error.detail


def test_fault_from_the_reference_back_end(server):
    client = client_for(server.url)
    with pytest.raises(e.NotFoundError) as caught:
        client.verify_identity("11010519491231002X", "王五")
    assert caught.value.entity is mo.NotFoundEntity.PERSON
