"""What per-terminal WS-Security costs a call (issue 18): Ping and GetEndorsementOrder with a
PasswordDigest token checked (nonce cache, credential read from SQLite), beside the same calls
to an open back end measured in the same run (the anchor). Also the one-off key derivation
(scrypt) a terminal does at start.

    .venv/bin/python bench/wsse_overhead.py [--calls 300]

Both back ends run in this process on loopback (waitress threads), interleaved call by call so
machine load hits both alike.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend import seed
from backend.server import ReferenceServer
from backend.settings import ServerSettings
from backend.terminal_credentials import TerminalCredentials
from backend_client import BackendClient, ClientSettings, new_request_id
from backend_client import models as mo
from core.credentials import token_password

TERMINAL = "BENCH-K01"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        open_server = ReferenceServer(Path(folder) / "open.sqlite3").start()
        guarded = ReferenceServer(Path(folder) / "guarded.sqlite3",
                                  settings=ServerSettings(terminal_auth="required")).start()
        try:
            secret = TerminalCredentials(guarded.backend.store).add(TERMINAL)
            started = time.perf_counter()
            password = token_password(TERMINAL, secret)
            derive_ms = (time.perf_counter() - started) * 1000
            plain = BackendClient(ClientSettings(open_server.url, TERMINAL, retries=0))
            signed = BackendClient(ClientSettings(guarded.url, TERMINAL, retries=0, wsse_username=TERMINAL,
                                                  wsse_password=password, wsse_digest=True))
            orders = {client: order_of(client) for client in (plain, signed)}
            for name, call in (("Ping", lambda c: c.ping()),
                               ("GetEndorsementOrder", lambda c: c.get_endorsement_order(orders[c]))):
                times: dict[BackendClient, list[float]] = {plain: [], signed: []}
                for _ in range(20):  # warm both
                    call(plain), call(signed)
                for _ in range(args.calls):
                    for client in (plain, signed):
                        started = time.perf_counter()
                        call(client)
                        times[client].append((time.perf_counter() - started) * 1000)
                anchor, figure = statistics.median(times[plain]), statistics.median(times[signed])
                print(f"{name:20s} with credentials {figure:6.2f} ms median  |  open back end (anchor) "
                      f"{anchor:6.2f} ms  |  +{figure - anchor:5.2f} ms ({figure / anchor:4.2f}x), {args.calls} calls")
            print(f"terminal key derivation (scrypt, once at start): {derive_ms:.0f} ms")
        finally:
            open_server.stop()
            guarded.stop()


def order_of(client: BackendClient) -> str:
    local = seed.person("local_adult")
    choice = mo.EndorsementChoice(mo.Destination.HONG_KONG, mo.EndorsementType.INDIVIDUAL_VISIT, mo.Trips.DOUBLE, 3)
    return client.create_endorsement_order(local.id_number, "CA1234567", [choice], new_request_id()).order_id


if __name__ == "__main__":
    main()
