"""The reference back end as a hall serves it (per-terminal credentials required), over real HTTP,
with two provisioned terminals, and the means to send hand-made WS-Security tokens (an attacker
on the hall network writes their own envelopes)."""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from lxml import etree

from backend import seed
from backend.server import ReferenceServer
from backend.settings import ServerSettings
from backend.terminal_credentials import TerminalCredentials
from backend.wssecurity import WSSE, WSU, password_digest
from backend_client import BackendClient, ClientSettings, new_request_id
from backend_client import models as mo
from core.contract import NAMESPACE
from core.credentials import token_password

KIOSK_A, KIOSK_B = "HALL1-K01", "HALL1-K02"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
local = seed.person("local_adult")


@dataclass
class Hall:
    server: ReferenceServer
    secrets: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url

    def password(self, terminal: str) -> str:
        return token_password(terminal, self.secrets[terminal])

    def client(self, terminal: str, **overrides: Any) -> BackendClient:
        values: dict[str, Any] = {"retries": 0, "wsse_username": terminal, "wsse_password": self.password(terminal),
                                  "wsse_digest": True}
        values.update(overrides)
        return BackendClient(ClientSettings(self.url, terminal, **values))

    def post(self, envelope: bytes) -> tuple[int, etree._Element]:
        response = requests.post(self.url, data=envelope, timeout=10,
                                 headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})
        return response.status_code, etree.fromstring(response.content)


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    server = ReferenceServer(tmp_path_factory.mktemp("hall") / "b.sqlite3",
                             settings=ServerSettings(terminal_auth="required", payment_expiry_seconds=60,
                                                     auto_pay_seconds=0)).start()
    credentials = TerminalCredentials(server.backend.store)
    yield Hall(server, {terminal: credentials.add(terminal) for terminal in (KIOSK_A, KIOSK_B)})
    server.stop()


def zulu(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def security_header(username: str, password: str, created: str | None = None, nonce: bytes | None = None,
                    text: bool = False) -> str:
    """A UsernameToken as any SOAP stack writes one (digest unless `text`)."""
    created = created or zulu(dt.datetime.now(dt.UTC))
    nonce = nonce if nonce is not None else os.urandom(16)
    if text:
        secret = f'<wsse:Password Type="{PROFILE}#PasswordText">{password}</wsse:Password>'
    else:
        secret = (f'<wsse:Password Type="{PROFILE}#PasswordDigest">{password_digest(nonce, created, password)}'
                  f'</wsse:Password><wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>')
    return (f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}"><wsse:UsernameToken>'
            f'<wsse:Username>{username}</wsse:Username>{secret}<wsu:Created>{created}</wsu:Created>'
            f'</wsse:UsernameToken></wsse:Security>')


def envelope(body_xml: str, header_xml: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}" xmlns:tns="{NAMESPACE}">'
            f'<soap:Header>{header_xml}</soap:Header><soap:Body>{body_xml}</soap:Body></soap:Envelope>').encode()


def ping_body(terminal: str) -> str:
    return f"<tns:PingRequest><tns:terminalId>{terminal}</tns:terminalId></tns:PingRequest>"


def fault_of(answer: etree._Element) -> tuple[str, str] | None:
    """(faultcode, faultstring) of an answer, None when it is not a fault."""
    fault = answer.find(f".//{{{SOAP_ENV}}}Fault")
    if fault is None:
        return None
    return fault.findtext("faultcode") or "", fault.findtext("faultstring") or ""


def is_authentication_fault(answer: etree._Element) -> bool:
    fault = fault_of(answer)
    return fault is not None and fault[0].endswith("Client.Authentication")


def new_order(client: BackendClient) -> mo.EndorsementOrder:
    choices = [mo.EndorsementChoice(mo.Destination.HONG_KONG, mo.EndorsementType.INDIVIDUAL_VISIT,
                                    mo.Trips.DOUBLE, 3)]
    return client.create_endorsement_order(local.id_number, "CA1234567", choices, new_request_id())
