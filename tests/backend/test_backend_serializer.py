"""The reference back end's fast serializer writes exactly what spyne's generic one writes."""

from __future__ import annotations

import io

import pytest
from lxml import etree
from spyne import Application
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from backend import seed
from backend.app import BackendApp
from backend.soap import APPLICATION_NAME, ContractSoap11, ContractSoap11Out, build_application
from backend_client import BackendClient, ClientSettings
from core.contract import NAMESPACE

local = seed.person("local_adult")
REQUESTS = {
    "identity with photo, optional absent": ("VerifyIdentity", {"idNumber": local.id_number, "name": local.name}),
    "long-term ID": ("VerifyIdentity", {"idNumber": seed.person("long_term_id").id_number,
                                         "name": seed.person("long_term_id").name}),
    "repeated options with decimals": ("CheckEndorsementEligibility",
                                       {"idNumber": local.id_number, "permitNumber": "CA1234567"}),
    "violations with dates, optional fields": ("ListViolations", {"idNumber": local.id_number}),
    "repeated simple elements and steps": ("GetApplicationProgress",
                                           {"applicationNumber": "AP-DEMO-0003",
                                            "idNumber": seed.person("minority_name").id_number}),
    "a fault": ("VerifyIdentity", {"idNumber": "11010519491231002X", "name": "王五"}),
}


@pytest.fixture(scope="module")
def applications(tmp_path_factory):
    backend = BackendApp(tmp_path_factory.mktemp("serializer") / "b.sqlite3")
    fast = build_application(backend)
    generic = Application(list(fast.services), tns=NAMESPACE, name=APPLICATION_NAME,
                          in_protocol=ContractSoap11(), out_protocol=Soap11())
    yield WsgiApplication(fast), WsgiApplication(generic)
    backend.close()


def answer(wsgi, body: bytes) -> bytes:
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/soap", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "8080", "HTTP_HOST": "127.0.0.1:8080", "wsgi.url_scheme": "http",
               "CONTENT_TYPE": "text/xml; charset=utf-8", "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body)}
    return b"".join(wsgi(environ, lambda status, headers: None))


def test_the_served_application_uses_the_fast_serializer(applications):
    fast, generic = applications
    assert isinstance(fast.app.out_protocol, ContractSoap11Out)
    assert not isinstance(generic.app.out_protocol, ContractSoap11Out)


@pytest.mark.parametrize("case", sorted(REQUESTS))
def test_same_bytes_as_spynes_generic_serializer(applications, case):
    fast, generic = applications
    operation, body = REQUESTS[case]
    message = BackendClient(ClientSettings("http://127.0.0.1:9/soap", "T1")).create_message(operation, **body)
    request = etree.tostring(message)
    assert answer(fast, request) == answer(generic, request)
