"""How a hall switches it on: per-terminal credentials are required as soon as the back end
listens beyond loopback (the embedded one on loopback stays open), `backend terminals`
provisions them, and the kiosk reads its secret file, refusing a bad one with the key and file."""

from __future__ import annotations

import stat
import subprocess
import sys

import pytest
import requests
from lxml import etree

from backend.server import ReferenceServer
from backend.settings import ServerSettings, is_loopback
from backend_client import BackendClient, ClientSettings
from backend_client.errors import NotAuthorizedError
from core.config import PROJECT_ROOT
from core.schema import ConfigError
from terminal.scratch import scratch_config

from .conftest import KIOSK_A, KIOSK_B, envelope, is_authentication_fault, ping_body


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.0.1.1", True), ("::1", True),
                                            ("localhost", True), ("0.0.0.0", False), ("", False),
                                            ("192.168.1.20", False), ("::", False)])
def test_what_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback
    assert ServerSettings().for_host(host).terminal_auth == ("off" if loopback else "required")
    assert ServerSettings(terminal_auth="off").for_host(host).terminal_auth == "off"


def test_listening_beyond_loopback_requires_credentials_by_default(tmp_path):
    server = ReferenceServer(tmp_path / "b.sqlite3", host="0.0.0.0").start()
    try:
        url = f"http://127.0.0.1:{server.base_url.rsplit(':', 1)[1]}/soap"
        answer = requests.post(url, data=envelope(ping_body(KIOSK_A)), timeout=5,
                               headers={"Content-Type": "text/xml; charset=utf-8"})
        assert answer.status_code == 500 and is_authentication_fault(etree.fromstring(answer.content))
    finally:
        server.stop()


def test_the_embedded_back_end_on_loopback_stays_open(tmp_path):
    server = ReferenceServer(tmp_path / "b.sqlite3").start()
    try:
        assert BackendClient(ClientSettings(server.url, KIOSK_A, retries=0)).ping().contract_version == "1.0"
    finally:
        server.stop()


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PROJECT_ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, input=stdin, timeout=120, check=False)


@pytest.mark.sqlite_only  # the command runs in its own process, on the file given by --db
def test_provisioning_by_command_then_a_kiosk_configured_with_the_file(tmp_path):
    db, secret_file = tmp_path / "b.sqlite3", tmp_path / "k01.secret"
    added = run_cli("backend", "terminals", "add", KIOSK_A, "--db", str(db), "-o", str(secret_file))
    assert added.returncode == 0, added.stderr
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.stat().st_mode) == 0o600  # it holds the terminals' keys
    assert run_cli("backend", "terminals", "add", KIOSK_A, "--db", str(db)).returncode == 1  # once only
    listed = run_cli("backend", "terminals", "list", "--db", str(db))
    assert listed.returncode == 0 and f"{KIOSK_A}\tactive" in listed.stdout
    assert secret_file.read_text().strip() not in db.read_bytes().decode("latin-1")  # stored derived, not as is

    server = ReferenceServer(db, settings=ServerSettings(terminal_auth="required")).start()
    try:
        config = scratch_config(tmp_path / "kiosk", terminal={"id": KIOSK_A},
                                backend={"mode": "remote", "url": server.url, "wsse_secret_file": str(secret_file)})
        assert BackendClient(ClientSettings.from_config(config)).ping().contract_version == "1.0"
        rotated = run_cli("backend", "terminals", "rotate", KIOSK_A, "--db", str(db))
        assert rotated.returncode == 0 and len(rotated.stdout.strip()) == 52
        with pytest.raises(NotAuthorizedError):  # the old file no longer works
            BackendClient(ClientSettings.from_config(config)).ping()
        secret_file.write_text(rotated.stdout)
        assert BackendClient(ClientSettings.from_config(config)).ping().contract_version == "1.0"
    finally:
        server.stop()


@pytest.mark.parametrize("content, problem", [(None, "does not exist"), (b"", "does not hold"),
                                               (b"\xff\xfe secret", "not ASCII"), (b"too-short\n", "does not hold")])
def test_a_bad_secret_file_names_the_key_and_the_file(tmp_path, content, problem):
    secret_file = tmp_path / "kiosk.secret"
    if content is not None:
        secret_file.write_bytes(content)
    config = scratch_config(tmp_path / "kiosk", backend={"wsse_secret_file": str(secret_file)})
    with pytest.raises(ConfigError) as caught:
        ClientSettings.from_config(config)
    assert caught.value.key == "backend.wsse_secret_file" and caught.value.source == str(secret_file)
    assert problem in caught.value.problem


def test_doctor_names_the_credential_problem(hall, tmp_path):
    from terminal.doctor import check_backend

    def results(secret_file) -> dict[str, tuple[bool, str, str]]:
        config = scratch_config(tmp_path / "doctor", terminal={"id": KIOSK_A},
                                backend={"mode": "remote", "url": hall.url, "wsse_secret_file": str(secret_file)})
        return {r.name: (r.ok, r.detail, r.fix) for r in check_backend(config)}

    good = tmp_path / "good.secret"
    good.write_text(hall.secrets[KIOSK_A])
    assert results(good)["credentials"][0] is True
    wrong = tmp_path / "wrong.secret"
    wrong.write_text(hall.secrets[KIOSK_B])  # another terminal's secret under this terminal's id
    ok, detail, fix = results(wrong)["credentials"]
    assert not ok and "unknown user name or wrong password" in detail and "wsse_secret_file" in fix
    ok, detail, fix = results(tmp_path / "missing.secret")["credentials"]
    assert not ok and "backend.wsse_secret_file" in detail and "does not exist" in detail
