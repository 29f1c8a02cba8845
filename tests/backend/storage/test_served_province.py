"""Served for a province: `python main.py backend` on gunicorn with several worker processes on
PostgreSQL (reference_workers > 0), and two back-end nodes sharing one database. A WS-Security
token is accepted once across every worker and node (the nonces live in the database), the
workers answer real kiosk calls, and the server stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests
import tomli_w
from lxml import etree

from backend.production import gunicorn_options
from backend.server import ReferenceServer
from backend.settings import ServerSettings
from backend.terminal_credentials import TerminalCredentials
from backend_client import BackendClient, ClientSettings
from core.config import PROJECT_ROOT
from core.credentials import token_password
from tests.backend.storage import engine

from ..conftest import free_port
from ..security.conftest import envelope, is_authentication_fault, ping_body, security_header

KIOSK = "PROV-K01"
REPLAYS = 12  # each on a new connection: gunicorn hands them to whichever worker accepts first


def post(url: str, body: bytes) -> tuple[int, etree._Element]:
    answer = requests.post(url, data=body, timeout=20, headers={"Content-Type": "text/xml; charset=utf-8",
                                                                 "Connection": "close"})
    return answer.status_code, etree.fromstring(answer.content)


def replayed_everywhere(urls: list[str], password: str) -> list[bool]:
    """The same token (one nonce) sent REPLAYS times: True where it was accepted."""
    token = envelope(ping_body(KIOSK), security_header(KIOSK, password, nonce=os.urandom(16)))
    accepted = []
    for n in range(REPLAYS):
        status, answer = post(urls[n % len(urls)], token)
        assert status == 200 or is_authentication_fault(answer)
        accepted.append(status == 200)
    return accepted


def test_gunicorn_workers_on_postgresql_share_one_nonce_record(tmp_path):
    url = engine.fresh_database("served")
    seeding = ReferenceServer(url, settings=ServerSettings(terminal_auth="required"))  # migrate + seed + credential
    secret = TerminalCredentials(seeding.backend.store).add(KIOSK)
    seeding.stop()
    port = free_port()
    config = tmp_path / "backend.toml"
    config.write_text(tomli_w.dumps({"terminal": {"data_dir": str(tmp_path)}, "backend": {
        "reference_workers": 3, "reference_worker_timeout_seconds": 30.0, "reference_terminal_auth": "required",
        "reference_database_url": url}}), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(PROJECT_ROOT / "main.py"), "-c", str(config), "backend",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=PROJECT_ROOT)
    soap = f"http://127.0.0.1:{port}/soap"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(soap + "?wsdl", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "gunicorn did not start in 60 s"
                time.sleep(0.2)
        password = token_password(KIOSK, secret)
        assert replayed_everywhere([soap], password) == [True] + [False] * (REPLAYS - 1)
        client = BackendClient(ClientSettings(soap, KIOSK, retries=0, wsse_username=KIOSK, wsse_password=password,
                                              wsse_digest=True))
        assert client.ping().contract_version == "1.0"
        client.close()
        workers = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False).stdout.split()
        assert len(workers) == 3
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0


def test_two_nodes_on_one_database_refuse_a_token_replayed_to_the_other():
    url = engine.fresh_database("nodes")
    settings = ServerSettings(terminal_auth="required")
    first, second = ReferenceServer(url, settings=settings).start(), ReferenceServer(url, settings=settings).start()
    try:
        password = token_password(KIOSK, TerminalCredentials(first.backend.store).add(KIOSK))
        assert replayed_everywhere([first.url, second.url], password) == [True] + [False] * (REPLAYS - 1)
    finally:
        first.stop()
        second.stop()


@pytest.mark.parametrize("host, bind", [("127.0.0.1", "127.0.0.1:8080"), ("::1", "[::1]:8080")])
def test_the_configured_limits_reach_gunicorn(host, bind):
    settings = ServerSettings(connection_limit=1000, idle_timeout_seconds=10.0)
    options = gunicorn_options(host, 8080, settings, workers=4, worker_timeout=30.0)
    assert options["bind"] == [bind] and options["workers"] == 4 and options["timeout"] == 30
    assert options["worker_connections"] == 250 and options["keepalive"] == 10  # the limit shared by the workers


def test_the_configured_database_url_is_used_and_a_bad_one_named_with_its_key(tmp_path):
    from backend.embedded import start_embedded
    from core.schema import ConfigError
    from terminal.scratch import scratch_config

    url = engine.fresh_database("configured")
    embedded = start_embedded(scratch_config(tmp_path / "var", backend={"reference_database_url": url}))
    try:
        assert embedded.server.backend.store.engine == "postgresql"
        assert BackendClient(ClientSettings(embedded.url, KIOSK, retries=0)).ping().contract_version == "1.0"
    finally:
        embedded.stop()
    with pytest.raises(ConfigError) as refused:
        scratch_config(tmp_path / "bad", backend={"reference_database_url": "mysql://kiosk@db/kiosk"})
    assert refused.value.key == "backend.reference_database_url" and "postgresql://" in refused.value.problem
    assert refused.value.source.endswith(".toml")


def test_two_nodes_share_dashboard_logins_and_the_lock_out():
    from backend import dashboard
    from backend.dashboard_auth import MAX_FAILURES, hash_password

    url = engine.fresh_database("sessions")
    settings = ServerSettings(dashboard_password_hash=hash_password("staff-password-17"))
    first, second = ReferenceServer(url, settings=settings).start(), ReferenceServer(url, settings=settings).start()
    try:
        login = requests.post(first.base_url + dashboard.LOGIN_PATH, data={"password": "staff-password-17"},
                              allow_redirects=False, timeout=30)
        cookie = {"Cookie": login.headers["Set-Cookie"].split(";")[0]}
        assert requests.get(second.base_url + dashboard.HALL_PATH, headers=cookie, allow_redirects=False,
                            timeout=30).status_code == 200  # the other node knows the session
        requests.post(second.base_url + dashboard.LOGOUT_PATH, headers=cookie, allow_redirects=False, timeout=30)
        assert requests.get(first.base_url + dashboard.HALL_PATH, headers=cookie, allow_redirects=False,
                            timeout=30).status_code == 303  # logged out everywhere
        for node in [first, second] * MAX_FAILURES:  # wrong passwords spread over both nodes
            requests.post(node.base_url + dashboard.LOGIN_PATH, data={"password": "wrong"}, timeout=30)
        locked = requests.post(first.base_url + dashboard.LOGIN_PATH, data={"password": "staff-password-17"},
                               allow_redirects=False, timeout=30)
        assert locked.status_code == 429
        stored = first.backend.store.transaction(lambda db: [r[0] for r in db.execute(
            "SELECT token_digest FROM dashboard_sessions")], write=False)
        assert all(len(digest) == 64 for digest in stored)  # digests only, never the token
    finally:
        first.stop()
        second.stop()
