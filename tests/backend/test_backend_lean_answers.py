"""The client's lean path (issue 23): answers read from the XML straight into the dataclasses give
the same values as zeep's objects did, refuse what zeep's strict parsing refused, and the proxy
settings are read once, at construction, not from the environment on every call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from backend import seed
from backend_client import BackendClient, ClientSettings, new_request_id
from backend_client import models as mo
from backend_client.errors import BackendMalformedResponseError
from devices.base import DeviceStatus

from .conftest import PING_OK, TERMINAL, Canned, client_for, envelope

LOCAL = seed.person("local_adult")
NEAR_LIMIT = seed.person("points_near_limit")
UNREACHABLE = "http://kiosk-backend.invalid:9/soap"  # only a proxy can answer for it

# Calls whose answers do not change between two calls (no server time in them).
STABLE_CALLS: dict[str, Callable[[BackendClient], Any]] = {
    "eligibility on a permit": lambda c: c.check_endorsement_eligibility(LOCAL.id_number, "CA1234567"),
    "eligibility with a new permit": lambda c: c.check_endorsement_eligibility(LOCAL.id_number, None),
    "identity with its photo": lambda c: c.verify_identity(LOCAL.id_number, LOCAL.name),
    "violations": lambda c: c.list_violations(NEAR_LIMIT.id_number),
}


@pytest.fixture(scope="module")
def both(server):
    lean = BackendClient(ClientSettings(server.url, TERMINAL, retries=0))
    through_zeep = BackendClient(ClientSettings(server.url, TERMINAL, retries=0), lean_answers=False)
    yield lean, through_zeep
    lean.close()
    through_zeep.close()


@pytest.mark.parametrize("name", sorted(STABLE_CALLS))
def test_lean_answer_equals_zeeps(both, name):
    lean, through_zeep = both
    answer = STABLE_CALLS[name](lean)
    assert answer == STABLE_CALLS[name](through_zeep)
    assert type(answer).__module__ == mo.__name__


def test_repeated_write_answers_the_same_through_both(both):
    """The same request id twice (once through each path): the stored answer, read two ways."""
    lean, through_zeep = both
    choice = [mo.EndorsementChoice(mo.Destination.HONG_KONG, mo.EndorsementType.GROUP_TOUR, mo.Trips.SINGLE, 3)]
    request_id = new_request_id()
    order = lean.create_endorsement_order(LOCAL.id_number, "CA1234567", choice, request_id)
    assert order == through_zeep.create_endorsement_order(LOCAL.id_number, "CA1234567", choice, request_id)
    assert order.items[0].destination is mo.Destination.HONG_KONG and order.amount > 0
    beat = mo.Heartbeat(dt.datetime.now(dt.UTC), (mo.DeviceState("printer", DeviceStatus.READY),))
    request_id = new_request_id()
    received = lean.send_heartbeat(beat, request_id)
    assert received == through_zeep.send_heartbeat(beat, request_id)
    assert received.utcoffset() == dt.timedelta(0)


PING_TWICE = envelope(
    "<tns:PingResponse><tns:serverTime>2025-03-01T08:00:00+00:00</tns:serverTime>"
    "<tns:contractVersion>1.0</tns:contractVersion><tns:contractVersion>1.1</tns:contractVersion>"
    "</tns:PingResponse>")
PING_FOREIGN = envelope(
    "<tns:PingResponse><serverTime>2025-03-01T08:00:00+00:00</serverTime>"
    "<tns:contractVersion>1.0</tns:contractVersion></tns:PingResponse>")


@pytest.mark.parametrize("body", [PING_TWICE, PING_FOREIGN], ids=["repeated element", "unqualified element"])
def test_lean_answer_refuses_a_wrong_shape(canned, body):
    canned.answer = Canned(body=body)
    with pytest.raises(BackendMalformedResponseError):
        client_for(canned.url).ping()


def test_configured_proxy_carries_the_calls(canned, monkeypatch):
    """A hall's proxy (HTTP_PROXY) is taken at construction: the back end's name does not even
    resolve here, so only the proxy can have answered."""
    monkeypatch.setenv("HTTP_PROXY", canned.url.removesuffix("/soap"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    canned.answer = Canned(body=PING_OK)
    client = client_for(UNREACHABLE, retries=0)
    assert client.ping().contract_version
    assert len(canned.requests) == 1


def test_no_proxy_for_the_endpoint_is_honoured(canned, server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", canned.url.removesuffix("/soap"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = client_for(server.url, retries=0)
    assert client.ping().contract_version
    assert canned.requests == []


def test_the_environment_is_not_read_again_on_each_call(canned, server, monkeypatch):
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    client = client_for(server.url, retries=0)
    client.ping()
    monkeypatch.setenv("HTTP_PROXY", canned.url.removesuffix("/soap"))
    monkeypatch.setenv("NO_PROXY", "")
    canned.answer = Canned(body=PING_OK)
    client.ping()
    assert canned.requests == []
    client_for(server.url, retries=0).ping()  # a new client does take the new setting
    assert len(canned.requests) == 1
