"""Fault scenario: nothing listens where the back end should be (connection refused)."""

from __future__ import annotations

import logging
import time

from backend.server import ReferenceServer
from backend_client import new_request_id
from backend_client.client import safe_to_repeat
from backend_client.errors import BackendUnreachableError

from .conftest import client_for, free_port

# A refused connection is answered by the kernel at once: no attempt should wait for a timeout.
REFUSED_CALL_BUDGET_SECONDS = 1.0


def unreachable(caplog, call) -> BackendUnreachableError:
    caplog.set_level(logging.INFO, logger="backend_client")
    try:
        call()
    except BackendUnreachableError as error:
        return error
    raise AssertionError("the call did not fail")


def attempt_lines(caplog, operation: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "backend_client" and r.getMessage().startswith(f"backend {operation} ")]


def test_query_fails_with_unreachable_after_retrying(caplog):
    client = client_for(f"http://127.0.0.1:{free_port()}/soap", retries=2)
    started = time.monotonic()
    error = unreachable(caplog, client.ping)
    assert error.message_key == "backend.unreachable"
    assert error.retryable and not error.final
    assert len(attempt_lines(caplog, "Ping")) == 3  # first try + 2 retries, each logged
    assert time.monotonic() - started < REFUSED_CALL_BUDGET_SECONDS


def test_mutation_with_request_id_is_retried(caplog):
    client = client_for(f"http://127.0.0.1:{free_port()}/soap", retries=1)
    request_id = new_request_id()
    unreachable(caplog, lambda: client.create_payment("EO-20250301-000001", request_id))
    lines = attempt_lines(caplog, "CreatePayment")
    assert len(lines) == 2 and all(request_id in line for line in lines)


def test_only_queries_and_mutations_with_a_request_id_are_safe_to_repeat():
    assert safe_to_repeat("Ping", has_request_id=False)
    assert safe_to_repeat("CreatePayment", has_request_id=True)
    assert not safe_to_repeat("CreatePayment", has_request_id=False)


def test_client_works_again_when_the_back_end_comes_up(tmp_path, caplog):
    port = free_port()
    client = client_for(f"http://127.0.0.1:{port}/soap", retries=0)
    unreachable(caplog, client.ping)
    server = ReferenceServer(tmp_path / "b.sqlite3", port=port).start()
    try:
        assert client.ping().contract_version == "1.0"  # same client object: no restart needed
    finally:
        server.stop()
