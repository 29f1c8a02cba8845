"""Fault scenario: an HTTP error status without a SOAP fault (a proxy's or a crashed server's page)."""

from __future__ import annotations

import pytest

from backend_client import errors as e

from .conftest import PING_OK, Canned, client_for, fault_envelope

ERROR_PAGE = b"<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>"


def test_500_with_an_html_page_is_retried_then_a_server_error(canned):
    canned.answer = Canned(status=500, body=ERROR_PAGE, content_type="text/html")
    client = client_for(canned.url, retries=2)
    with pytest.raises(e.BackendHttpError) as caught:
        client.ping()
    assert caught.value.status == 500 and caught.value.message_key == "backend.server_error"
    assert len(canned.requests) == 3


def test_503_without_a_body(canned):
    canned.answer = Canned(status=503, body=b"")
    with pytest.raises(e.BackendHttpError) as caught:
        client_for(canned.url, retries=0).ping()
    assert caught.value.status == 503 and caught.value.retryable


def test_404_is_not_retried(canned):
    canned.answer = Canned(status=404, body=b"<html><body>not here</body></html>", content_type="text/html")
    with pytest.raises(e.BackendHttpError) as caught:
        client_for(canned.url, retries=2).ping()
    assert caught.value.status == 404 and not caught.value.retryable
    assert len(canned.requests) == 1


def test_500_carrying_a_soap_fault_is_the_fault_not_an_http_error(canned):
    canned.answer = Canned(status=500, body=fault_envelope("Server.Internal", "x", (
        "<tns:InternalError><tns:incidentId>abc</tns:incidentId><tns:message>x</tns:message></tns:InternalError>")))
    with pytest.raises(e.BackendInternalError):
        client_for(canned.url, retries=2).ping()
    assert len(canned.requests) == 1


def test_recovers_when_the_server_answers_again(canned):
    canned.answer = Canned(status=502, body=b"bad gateway", content_type="text/plain")
    client = client_for(canned.url, retries=0)
    with pytest.raises(e.BackendHttpError):
        client.ping()
    canned.answer = Canned(body=PING_OK)
    assert client.ping().contract_version == "1.0"
