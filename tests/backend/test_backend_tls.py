"""TLS: verification is on by default, a CA bundle from configuration makes a private CA trusted,
and a client certificate from configuration is presented (mutual TLS). Real TLS on loopback,
with certificates made for the test by the openssl command (Debian's openssl package)."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from backend_client import BackendClient, ClientSettings
from backend_client.errors import BackendTlsError, BackendUnreachableError

from .conftest import PING_OK, Canned, CannedServer


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Path:
    """A private CA, a server certificate for 127.0.0.1 and a client certificate, all signed by it."""
    folder = tmp_path_factory.mktemp("pki")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Test Hall CA", cwd=folder)
    (folder / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    for name, extra in (("server", ["-extfile", "san.cnf"]), ("client", [])):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", f"/CN=test-{name}", cwd=folder)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.pem", "-days", "2", *extra, cwd=folder)
    return folder


def tls_server(pki: Path, require_client_cert: bool) -> CannedServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki / "server.pem", pki / "server.key")
    if require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(pki / "ca.pem")
    server = CannedServer(answer=Canned(body=PING_OK))
    return server.start(wrap_socket=lambda sock: context.wrap_socket(sock, server_side=True))


@pytest.fixture
def https(pki) -> Iterator[CannedServer]:
    server = tls_server(pki, require_client_cert=False)
    yield server
    server.stop()


@pytest.fixture
def mutual(pki) -> Iterator[CannedServer]:
    server = tls_server(pki, require_client_cert=True)
    yield server
    server.stop()


def client(url: str, **settings) -> BackendClient:
    return BackendClient(ClientSettings(url.replace("http://", "https://"), "T1", retries=0, **settings))


def test_an_unknown_ca_is_refused_by_default(https):
    with pytest.raises(BackendTlsError) as caught:
        client(https.url).ping()
    assert caught.value.message_key == "backend.tls_failed"


def test_the_configured_ca_bundle_is_trusted(https, pki):
    assert client(https.url, ca_bundle=pki / "ca.pem").ping().contract_version == "1.0"


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_verification_can_be_switched_off_for_a_test_bench(https, caplog):
    assert client(https.url, tls_verify=False).ping().contract_version == "1.0"
    assert "verification of the back end is OFF" in caplog.text


def test_client_certificate_is_presented(mutual, pki):
    with_cert = client(mutual.url, ca_bundle=pki / "ca.pem", client_cert=pki / "client.pem",
                       client_key=pki / "client.key")
    assert with_cert.ping().contract_version == "1.0"


def test_without_client_certificate_mutual_tls_fails(mutual, pki):
    with pytest.raises((BackendTlsError, BackendUnreachableError)):  # the server hangs up in the handshake
        client(mutual.url, ca_bundle=pki / "ca.pem").ping()
