"""WS-Security UsernameToken: the client sends it when configured; the reference back end, when
configured with credentials, refuses requests without the right ones."""

from __future__ import annotations

from typing import Iterator

import pytest
from lxml import etree

from backend.server import ReferenceServer
from backend.settings import ServerSettings
from backend_client import BackendClient, ClientSettings
from backend_client.errors import NotAuthorizedError

USER, PASSWORD = "kiosk-hall01", "s3cret-hall-password"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> Iterator[ReferenceServer]:
    server = ReferenceServer(tmp_path_factory.mktemp("wsse") / "b.sqlite3",
                             settings=ServerSettings(wsse_username=USER, wsse_password=PASSWORD)).start()
    yield server
    server.stop()


def client(url: str, user: str = "", password: str = "", digest: bool = False) -> BackendClient:
    return BackendClient(ClientSettings(url, "T1", retries=0, wsse_username=user, wsse_password=password,
                                        wsse_digest=digest))


@pytest.mark.parametrize("digest", [False, True])
def test_right_credentials_pass(guarded, digest):
    assert client(guarded.url, USER, PASSWORD, digest).ping().contract_version == "1.0"


@pytest.mark.parametrize("user, password", [("", ""), (USER, "wrong"), ("someone", PASSWORD)])
def test_missing_or_wrong_credentials_are_refused(guarded, user, password):
    with pytest.raises(NotAuthorizedError) as caught:
        client(guarded.url, user, password).ping()
    assert caught.value.message_key == "backend.not_authorized"


def test_wrong_digest_is_refused(guarded):
    with pytest.raises(NotAuthorizedError):
        client(guarded.url, USER, "wrong", digest=True).ping()


def test_no_header_without_configuration():
    message = client("http://127.0.0.1:9/soap").create_message("Ping")
    assert message.find(f".//{{{WSSE}}}Security") is None


def test_header_carries_the_token_when_configured():
    message = client("http://127.0.0.1:9/soap", USER, PASSWORD).create_message("Ping")
    assert message.findtext(f".//{{{WSSE}}}Username") == USER
    assert etree.QName(message[0]).localname == "Header"
