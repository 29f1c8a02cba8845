"""The dashboard's login lock-out is per source, not global (issue 18): five wrong passwords lock
out the address they came from, while staff at another address still log in; behind a trusted
proxy the client's address is taken from X-Forwarded-For, from anyone else the header proves
nothing. The session cookie is Secure whenever the request came over TLS, directly or through
a trusted proxy's X-Forwarded-Proto, and never because an untrusted client says so."""

from __future__ import annotations

import http.client
import io
import urllib.parse

import pytest

from backend.dashboard import HallDashboard
from backend.dashboard_auth import (
    MAX_FAILURES,
    MAX_SOURCES,
    Sessions,
    arrived_over_tls,
    client_address,
    hash_password,
    trusted_networks,
)
from backend.settings import ServerSettings
from backend.store import Store
from core.schema import ConfigError
from terminal.config import load_config

PASSWORD = "hall-staff-2025"
PASSWORD_HASH = hash_password(PASSWORD)


@pytest.fixture()
def serve(tmp_path):
    """The reference back end on 127.0.0.1 with the dashboard open; `proxies` it trusts."""
    from backend.server import ReferenceServer

    servers = []

    def start(proxies: tuple[str, ...] = ()) -> tuple[str, int]:
        server = ReferenceServer(tmp_path / f"b{len(servers)}.sqlite3", settings=ServerSettings(
            dashboard_password_hash=PASSWORD_HASH, dashboard_trusted_proxies=proxies))
        servers.append(server.start())
        host, port = server.base_url.removeprefix("http://").split(":")
        return host, int(port)
    yield start
    for server in servers:
        server.stop()


def login(address: tuple[str, int], password: str, source: str = "127.0.0.1",
          headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """POST the login form over a real connection made from the loopback address `source`."""
    connection = http.client.HTTPConnection(*address, timeout=5, source_address=(source, 0))
    body = urllib.parse.urlencode({"password": password})
    connection.request("POST", "/hall/login", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                    **(headers or {})})
    answer = connection.getresponse()
    answer.read()
    connection.close()
    return answer


def test_one_address_locked_out_another_still_logs_in(serve):
    address = serve()
    for _ in range(MAX_FAILURES):
        assert login(address, "guess", source="127.0.0.2").status == 401
    assert login(address, PASSWORD, source="127.0.0.2").status == 429, "the guessing address is locked out"
    other = login(address, PASSWORD, source="127.0.0.3")
    assert other.status == 303 and other.getheader("Set-Cookie").startswith("hall_session=")


def test_an_untrusted_client_cannot_dodge_its_lock_with_forwarded_for(serve):
    address = serve()  # no trusted proxy
    for attempt in range(MAX_FAILURES):
        assert login(address, "guess", source="127.0.0.2",
                     headers={"X-Forwarded-For": f"10.9.9.{attempt}"}).status == 401
    assert login(address, PASSWORD, source="127.0.0.2", headers={"X-Forwarded-For": "10.9.9.99"}).status == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_the_source(serve):
    address = serve(proxies=("127.0.0.1",))
    for _ in range(MAX_FAILURES):
        # A client behind the proxy wrote its own X-Forwarded-For; the proxy appended the real address.
        assert login(address, "guess", headers={"X-Forwarded-For": "1.2.3.4, 10.0.0.7"}).status == 401
    assert login(address, PASSWORD, headers={"X-Forwarded-For": "10.0.0.7"}).status == 429
    assert login(address, PASSWORD, headers={"X-Forwarded-For": "1.2.3.4, 10.0.0.8"}).status == 303


def test_secure_cookie_from_a_trusted_tls_proxy_but_not_from_an_untrusted_header(serve):
    trusting = serve(proxies=("127.0.0.0/24",))
    plain = login(trusting, PASSWORD).getheader("Set-Cookie")
    assert "Secure" not in plain, "plain HTTP without a proxy's word: the browser must keep sending it"
    proxied = login(trusting, PASSWORD, headers={"X-Forwarded-Proto": "https"}).getheader("Set-Cookie")
    assert proxied.endswith("; Secure") and "HttpOnly" in proxied

    untrusting = serve()
    claimed = login(untrusting, PASSWORD, headers={"X-Forwarded-Proto": "https"}).getheader("Set-Cookie")
    assert "Secure" not in claimed, "a client's own X-Forwarded-Proto proves nothing"
    outside = serve(proxies=("10.0.0.1",))  # a proxy is trusted, but this request is not from it
    claimed = login(outside, PASSWORD, headers={"X-Forwarded-Proto": "https"}).getheader("Set-Cookie")
    assert "Secure" not in claimed


def test_secure_cookie_when_tls_ends_at_the_server_itself(tmp_path):
    """A WSGI server terminating TLS itself says so in wsgi.url_scheme (waitress url_scheme=https)."""
    dashboard = HallDashboard(Store(tmp_path / "b.sqlite3"), ServerSettings(dashboard_password_hash=PASSWORD_HASH))
    body = urllib.parse.urlencode({"password": PASSWORD}).encode()
    answers: list[tuple[str, list[tuple[str, str]]]] = []
    for scheme in ("https", "http"):
        environ = {"PATH_INFO": "/hall/login", "REQUEST_METHOD": "POST", "REMOTE_ADDR": "10.0.0.5",
                   "wsgi.url_scheme": scheme, "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
        dashboard(environ, lambda status, headers: answers.append((status, headers)))
    cookies = [dict(headers)["Set-Cookie"] for _status, headers in answers]
    assert cookies[0].endswith("; Secure") and "Secure" not in cookies[1]


def test_where_a_request_came_from():
    proxies = trusted_networks(["127.0.0.1", "10.0.0.0/24"])
    assert client_address({"REMOTE_ADDR": "192.168.1.9", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}, proxies) == "192.168.1.9"
    assert client_address({"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.168.1.9, 127.0.0.1"},
                          proxies) == "192.168.1.9", "the nearest hop that is not a trusted proxy"
    assert client_address({"REMOTE_ADDR": "10.0.0.3"}, proxies) == "10.0.0.3"
    assert client_address({"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "garbage"}, proxies) == "garbage"
    assert arrived_over_tls({"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_PROTO": "http, https"}, proxies)
    assert not arrived_over_tls({"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_PROTO": "https, http"}, proxies)
    assert not arrived_over_tls({"REMOTE_ADDR": "10.0.1.3", "HTTP_X_FORWARDED_PROTO": "https"}, proxies)
    with pytest.raises(ValueError, match="'hall-proxy' is not an IP address"):
        trusted_networks(["hall-proxy"])


def test_a_bad_trusted_proxy_is_a_config_error(tmp_path):
    hall = tmp_path / "hall.toml"
    hall.write_text('[backend]\nreference_dashboard_trusted_proxies = ["10.0.0.0/24", "proxy.hall"]\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config([hall])
    assert caught.value.key == "backend.reference_dashboard_trusted_proxies" and "'proxy.hall'" in str(caught.value)
    hall.write_text('[backend]\nreference_dashboard_trusted_proxies = ["127.0.0.1"]\n', encoding="utf-8")
    assert ServerSettings.from_config(load_config([hall])["backend"]).dashboard_trusted_proxies == ("127.0.0.1",)


def test_a_flood_of_addresses_cannot_fill_the_memory():
    now = [0.0]
    sessions = Sessions(clock=lambda: now[0])
    for n in range(MAX_SOURCES + 50):
        sessions.failed(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
    assert len(sessions._failures) == MAX_SOURCES
