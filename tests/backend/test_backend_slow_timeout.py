"""Fault scenario: the back end accepts the connection but answers later than the operation timeout."""

from __future__ import annotations

import time

import pytest

from backend_client import new_request_id
from backend_client.errors import BackendTimeoutError

from .conftest import PING_OK, Canned, client_for, envelope

OPERATION_TIMEOUT = 0.2
SLOW_ANSWER = 1.0  # seconds the canned back end waits: five timeouts' worth
PAYMENT_OK = envelope(
    "<tns:CreatePaymentResponse><tns:paymentId>PAY-1</tns:paymentId><tns:orderId>EO-1</tns:orderId>"
    "<tns:amount>15.00</tns:amount><tns:status>PENDING</tns:status>"
    "<tns:qrPayload>http://127.0.0.1/pay/PAY-1</tns:qrPayload>"
    "<tns:createdAt>2025-03-01T08:00:00+00:00</tns:createdAt>"
    "<tns:expiresAt>2025-03-01T08:05:00+00:00</tns:expiresAt></tns:CreatePaymentResponse>")


def test_slow_answer_is_a_timeout_after_retries(canned):
    canned.answer = Canned(body=PING_OK, delay=SLOW_ANSWER)
    client = client_for(canned.url, operation_timeout=OPERATION_TIMEOUT, retries=1)
    started = time.monotonic()
    with pytest.raises(BackendTimeoutError) as caught:
        client.ping()
    elapsed = time.monotonic() - started
    assert caught.value.message_key == "backend.timeout" and caught.value.retryable
    assert len(canned.requests) == 2
    # Two attempts of 0.2 s plus a short backoff: the citizen does not wait for the slow answer.
    assert 2 * OPERATION_TIMEOUT <= elapsed < SLOW_ANSWER


def test_timed_out_mutation_is_repeated_with_the_same_request_id(canned):
    canned.answer = Canned(body=PAYMENT_OK, delay=SLOW_ANSWER)
    client = client_for(canned.url, operation_timeout=OPERATION_TIMEOUT, retries=2)
    request_id = new_request_id()
    with pytest.raises(BackendTimeoutError):
        client.create_payment("EO-1", request_id)
    assert canned.request_ids() == [request_id] * 3


def test_answer_within_the_timeout_after_a_slow_one(canned):
    canned.answer = Canned(body=PING_OK, delay=SLOW_ANSWER)
    client = client_for(canned.url, operation_timeout=OPERATION_TIMEOUT, retries=0)
    with pytest.raises(BackendTimeoutError):
        client.ping()
    canned.answer = Canned(body=PING_OK)
    assert client.ping().contract_version == "1.0"
