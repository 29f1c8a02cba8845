"""`python main.py backend`: serves until stopped; a busy port is one line on stderr, not a traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

from backend_client import BackendClient, ClientSettings
from core.config import PROJECT_ROOT

from .conftest import free_port

START_SECONDS = 20.0


def backend_command(*args: str) -> list[str]:
    return [sys.executable, str(PROJECT_ROOT / "main.py"), "backend", *args]


def test_busy_port_is_a_one_line_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(backend_command("--port", str(port), "--db", str(tmp_path / "b.sqlite3")),
                              capture_output=True, text=True, timeout=START_SECONDS,
                              env={**os.environ, "KIOSK_CONFIG": ""})
    assert done.returncode == 1
    assert done.stderr.strip() == f"cannot serve on 127.0.0.1:{port}: Address already in use"


def test_serves_the_contract_until_interrupted(tmp_path):
    port = free_port()
    server = subprocess.Popen(backend_command("--port", str(port), "--db", str(tmp_path / "b.sqlite3"),
                                              "--auto-pay", "0"),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              env={**os.environ, "KIOSK_CONFIG": ""})
    try:
        banner = server.stdout.readline()
        assert banner.startswith(f"reference back end: http://127.0.0.1:{port}/soap")
        client = BackendClient(ClientSettings(f"http://127.0.0.1:{port}/soap", "T1", retries=0))
        assert client.ping().contract_version == "1.0"
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(START_SECONDS) == 0
    assert (tmp_path / "b.sqlite3").is_file()
