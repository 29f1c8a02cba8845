"""Flow tests run the kiosk's real runtime: simulators on ptys and video files, the reference
back end over real HTTP, the journal in SQLite. One runtime per test module (starting one
takes most of a second), each in its own temporary data folder.

The camera simulator's scene videos take seconds to render; they are rendered once per test
session into a shared folder that every runtime's data folder links to.
"""

from __future__ import annotations

import contextlib
import copy
import select
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from backend.server import ReferenceServer
from core.config import Config, deep_merge
from flows.demo_cards import card_for
from flows.pump import FlowPump
from terminal.config import load_config
from terminal.runtime import Runtime, start_runtime
from terminal.scratch import write_scratch_file
from terminal.simulation import QuickPermit, QuickPermitPump

# Back-end timeouts for tests: a dead back end is noticed at once instead of after retries.
TEST_BACKEND = {"retries": 0, "connect_timeout_seconds": 1.0, "operation_timeout_seconds": 5.0}
# Slack on the simulated ID card line: on a loaded test machine a pause inside the simulator's
# answer is otherwise read as a card pulled away, which the SAM holds until the card is re-placed.
TEST_IDCARD = {"frame_margin_s": 1.0, "answer_timeout_s": 2.0}
PROXY_CHUNK = 65536
PROXY_POLL_SECONDS = 0.05


def write_config(data_dir: Path, simulator_cache: Path, extra: dict[str, Any] | None = None) -> Path:
    """A scratch override file putting everything of the kiosk under `data_dir` (the rendered
    camera scenes shared through a link), with the tests' back-end and card-line timings."""
    data_dir.mkdir(parents=True, exist_ok=True)
    link = data_dir / "simulators"
    if not link.exists():
        link.symlink_to(simulator_cache, target_is_directory=True)
    tables: dict[str, Any] = {"backend": dict(TEST_BACKEND), "devices": {"idcard": dict(TEST_IDCARD)}}
    deep_merge(tables, extra or {})
    return write_scratch_file(data_dir, "test.toml", **tables)


class RuntimeFactory:
    """Starts runtimes in fresh data folders (a module's runtime, the self-test's config file)."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, simulator_cache: Path) -> None:
        self._tmp = tmp_path_factory
        self._cache = simulator_cache

    def config_file(self, name: str, extra: dict[str, Any] | None = None) -> Path:
        return write_config(self._tmp.mktemp(name), self._cache, extra)

    def config(self, name: str, extra: dict[str, Any] | None = None) -> Config:
        return load_config([self.config_file(name, extra)])

    @contextlib.contextmanager
    def running(self, name: str, extra: dict[str, Any] | None = None) -> Iterator[Runtime]:
        started = start_runtime(self.config(name, extra))
        try:
            yield started
        finally:
            started.close()


@pytest.fixture(scope="session")
def runtime_factory(tmp_path_factory: pytest.TempPathFactory, simulator_cache: Path) -> RuntimeFactory:
    return RuntimeFactory(tmp_path_factory, simulator_cache)


@pytest.fixture(scope="module")
def runtime(runtime_factory: RuntimeFactory) -> Iterator[Runtime]:
    """The kiosk as shipped: embedded reference back end, every device simulated. A module
    needing another set-up overrides this fixture."""
    with runtime_factory.running("kiosk") as started:
        yield started


@pytest.fixture()
def pump(runtime: Runtime) -> Iterator[FlowPump]:
    """A pump on a clean session; the card is taken away and the session wiped afterwards."""
    runtime.session.wipe("test starts")
    yield FlowPump(runtime.flow_context())
    runtime.simulators["idcard"].remove_card()
    runtime.session.wipe("test ends")


@pytest.fixture()
def put_card(runtime: Runtime) -> Callable[[str], None]:
    """Put a demo person's card (backend/seed.py key) on the simulated reader."""
    return lambda person: runtime.simulators["idcard"].insert_card(card_for(person))


@pytest.fixture()
def next_receipt(runtime: Runtime) -> Callable[[], str]:
    """Call before the flow prints; the returned function waits for that receipt's transcript."""
    printer = runtime.simulators["printer"]
    before = len(printer.receipts)

    def wait(timeout: float = 5.0) -> str:
        receipts = printer.wait_for_receipts(before + 1, timeout)
        assert len(receipts) > before, "no receipt came out of the printer"
        return receipts[before].text

    return wait


# ----- a back end behind a switchable proxy: for "back end down" tests over real HTTP -----

class BackendProxy:
    """A TCP proxy in front of the reference back end that can stop forwarding at any moment.

    Modes, checked on every chunk so kept-alive connections obey a switch at once:
    - "forward": pass bytes both ways;
    - "refuse": close every connection as soon as the kiosk sends (nothing reaches the back end);
    - "lose_answer": pass the request to the back end but close the kiosk's connection instead
      of passing the answer back (the back end did the work; the kiosk never hears of it).
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.mode = "forward"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(PROXY_POLL_SECONDS)
        self.port = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="backend-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/soap"

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(2)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        with client, server:
            while not self._stopping.is_set():
                ready, _, _ = select.select([client, server], [], [], PROXY_POLL_SECONDS)
                for sock in ready:
                    data = sock.recv(PROXY_CHUNK)
                    if not data or not self._pass(data, from_client=sock is client, client=client, server=server):
                        return

    def _pass(self, data: bytes, from_client: bool, client: socket.socket, server: socket.socket) -> bool:
        if from_client:
            if self.mode == "refuse":
                return False
            server.sendall(data)
            return True
        if self.mode == "lose_answer":
            return False
        client.sendall(data)
        return True


class ProxiedBackend:
    """A reference back end of its own (fresh demo data) reached through a BackendProxy."""

    def __init__(self, folder: Path) -> None:
        self.db_path = folder / "backend.sqlite3"
        self.server = ReferenceServer(self.db_path).start()
        port = int(self.server.base_url.rsplit(":", 1)[1])
        self.proxy = BackendProxy(port)

    @property
    def kiosk_settings(self) -> dict[str, Any]:
        return {"backend": {"mode": "remote", "url": self.proxy.url}}

    def applications_of(self, id_number: str) -> list[str]:
        with sqlite3.connect(self.db_path) as db:
            rows = db.execute("SELECT application_number FROM applications WHERE id_number = ?", (id_number,))
            return [row[0] for row in rows]

    def stop(self) -> None:
        self.proxy.stop()
        self.server.stop()


@pytest.fixture(scope="module")
def proxied_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxiedBackend]:
    """A back end of the module's own that a test can cut off mid-flow; a module using it
    overrides `runtime` with `runtime_factory.running(name, proxied_backend.kiosk_settings)`."""
    backend = ProxiedBackend(tmp_path_factory.mktemp("backend"))
    yield backend
    backend.stop()


# ----- endorsement and fines tests: a permit module of their own with quick mechanics -----
# (terminal/simulation.py QuickPermit: its card store in the module's folder, not the session's
# shared one, and FAST_TIMING mechanics)

# Payments never pay themselves in these tests: the simulated phone pays, or does not. The
# ID card line gets slack: on a loaded test machine a 50 ms pause inside the simulator's
# answer is otherwise read as a card pulled away (which a SAM then holds until re-placed).
MONEY_BACKEND = {"backend": {"reference_auto_pay_seconds": 0.0},
                 "devices": {"idcard": {"frame_margin_s": 1.0, "answer_timeout_s": 2.0}}}


@contextlib.contextmanager
def money_kiosk(runtime_factory: RuntimeFactory, tmp_path_factory: pytest.TempPathFactory, name: str,
                extra: dict[str, Any] | None = None) -> Iterator[tuple[Runtime, QuickPermit]]:
    settings: dict[str, Any] = copy.deepcopy(MONEY_BACKEND)
    for section, values in (extra or {}).items():
        target = settings.setdefault(section, {})
        for key, value in values.items():
            if isinstance(value, dict):
                target.setdefault(key, {}).update(value)
            else:
                target[key] = value
    with runtime_factory.running(name, settings) as started:
        swap = QuickPermit(started, tmp_path_factory.mktemp(f"{name}-permit") / "permit-cards.json")
        try:
            yield started, swap
        finally:
            swap.close()


@pytest.fixture(scope="module")
def money(runtime_factory: RuntimeFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Runtime, QuickPermit]]:
    """The embedded kiosk for endorsement and fines tests (fresh demo data per module).
    A module needing another back end overrides this fixture with `money_kiosk(...)`."""
    with money_kiosk(runtime_factory, tmp_path_factory, "money") as kiosk:
        yield kiosk


@pytest.fixture()
def money_driver(money: tuple[Runtime, QuickPermit]) -> Iterator[QuickPermitPump]:
    """A pump on a clean session; cards taken away and the session wiped afterwards."""
    runtime, swap = money
    runtime.session.wipe("test starts")
    yield QuickPermitPump(runtime, swap)
    runtime.simulators["idcard"].remove_card()
    swap.simulator.remove_card()
    runtime.session.wipe("test ends")


@pytest.fixture(scope="session")
def money_kiosk_factory(runtime_factory: RuntimeFactory, tmp_path_factory: pytest.TempPathFactory
                        ) -> Callable[..., contextlib.AbstractContextManager[tuple[Runtime, QuickPermit]]]:
    """`with money_kiosk_factory(name, extra_settings) as (runtime, swap):` for modules that
    override `money` (a short payment expiry, a back end behind the proxy)."""
    return lambda name, extra=None: money_kiosk(runtime_factory, tmp_path_factory, name, extra)
