"""The kiosk offers its services before the back end has answered (issue 23).

The app's runtime builds the devices and the journal first and opens the back-end link on its
own thread (terminal.backend_link.OpeningBackendLink). A back-end call made meanwhile waits for
the link and then gets the real answer; a link that cannot open answers every call with
BackendUnreachableError, never a crash. The link here is the real one (the embedded reference
back end on a loopback port); the tests only hold its opening back until they let it go.
"""

from __future__ import annotations

import threading
import time

import pytest

from backend_client.errors import BackendUnreachableError
from terminal import backend_link
from terminal.availability import reason_for
from terminal.backend_health import BackendHealth
from terminal.backend_link import OpeningBackendLink
from terminal.scratch import scratch_config

WAIT_SECONDS = 120.0  # a loaded test machine starts the embedded back end slowly


@pytest.fixture
def config(tmp_path, simulator_cache):
    data = tmp_path / "data"
    data.mkdir()
    (data / "simulators").symlink_to(simulator_cache, target_is_directory=True)
    return scratch_config(data)


def held_opener(gate: threading.Event):
    """The real opener, held back until `gate` is set."""
    real_opener = backend_link.open_backend_link

    def open_when_let_go(config):
        gate.wait(WAIT_SECONDS)
        return real_opener(config)
    return open_when_let_go


def call_on_a_thread(work):
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["answer"] = work()
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            outcome["error"] = exc
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_a_call_made_while_the_link_opens_waits_and_gets_the_real_answer(config):
    gate = threading.Event()
    link = OpeningBackendLink(config, opener=held_opener(gate), wait_seconds=WAIT_SECONDS)
    try:
        thread, outcome = call_on_a_thread(lambda: link.client.ping())
        thread.join(0.3)
        assert thread.is_alive() and outcome == {}  # waiting for the link, not failing
        assert not link.is_open()

        gate.set()
        thread.join(WAIT_SECONDS)

        assert "error" not in outcome, outcome.get("error")
        assert outcome["answer"].contract_version  # the embedded back end answered
        assert link.is_open() and link.embedded is not None and link.url.startswith("http://127.0.0.1:")
    finally:
        gate.set()
        link.close()


def test_a_link_that_cannot_open_answers_unreachable_and_health_says_down(config):
    def broken(_config):
        raise OSError("address already in use")

    link = OpeningBackendLink(config, opener=broken, wait_seconds=WAIT_SECONDS)
    try:
        with pytest.raises(BackendUnreachableError, match="failed to open"):
            link.client.ping()
        with pytest.raises(BackendUnreachableError):
            link.outbox()
        health = BackendHealth(lambda: link.client.ping())
        assert health.check_now() is False and health.up is False
    finally:
        link.close()


def test_a_call_waits_no_longer_than_the_opening_wait(config):
    gate = threading.Event()
    link = OpeningBackendLink(config, opener=held_opener(gate), wait_seconds=0.2)
    try:
        started = time.monotonic()
        with pytest.raises(BackendUnreachableError, match="still opening"):
            link.client.ping()
        assert time.monotonic() - started < 5
    finally:
        gate.set()
        link.close()


def test_a_link_not_begun_opens_at_the_first_call(config):
    """The runtime begins the opening after settling what a crash left (usually nothing): a
    recovery that does call the back end begins it itself and gets the real answer."""
    opened = []

    def counting(config_):
        opened.append(True)
        return backend_link.open_backend_link(config_)

    link = OpeningBackendLink(config, opener=counting, wait_seconds=WAIT_SECONDS, begin=False)
    try:
        time.sleep(0.2)
        assert opened == [] and not link.is_open()
        assert link.client.ping().contract_version
        assert opened == [True]
        link.begin()  # the runtime's own begin afterwards changes nothing
        assert opened == [True]
    finally:
        link.close()


def test_the_app_runtime_offers_services_before_the_back_end_answers(config, monkeypatch):
    """BackgroundRuntime (what the app starts after its first frame): ready with the devices and
    the journal while the link is held back; a service is offered; the back end's first call
    waits; once the link opens the back end answers, the health says up and the fleet starts."""
    from flows import registry
    from terminal.backstage import BackgroundRuntime

    gate = threading.Event()
    monkeypatch.setattr(backend_link, "open_backend_link", held_opener(gate))
    backstage = BackgroundRuntime(config)
    backstage.start()
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not backstage.ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert backstage.ready(), backstage.failure
        assert backstage.backend_up() is None  # not answered yet: the link is held back
        service = registry.built_services()[0]
        assert reason_for(service, backstage.ready(), backstage.backend_up(), backstage.device_states()) is None

        thread, outcome = call_on_a_thread(lambda: backstage.runtime.backend.ping())
        thread.join(0.3)
        assert thread.is_alive()

        gate.set()
        thread.join(WAIT_SECONDS)
        assert "answer" in outcome, outcome.get("error")
        assert backstage.wait(WAIT_SECONDS)
        backstage._thread.join(WAIT_SECONDS)  # the start thread: health asked, fleet started
        assert backstage.backend_up() is True
        assert backstage.runtime.fleet is not None
    finally:
        gate.set()
        backstage.close()
