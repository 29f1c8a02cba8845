"""The zeep plugin's log: one line per call (operation, outcome, milliseconds), personal data masked."""

from __future__ import annotations

import logging

import pytest

from backend import seed
from backend_client import new_request_id
from backend_client.errors import BackendError

from .conftest import client_for, free_port

LOGGER = "backend_client"
local = seed.person("local_adult")


def lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER]


def test_one_line_per_call_with_outcome_and_duration(server, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    client = client_for(server.url)
    client.verify_identity(local.id_number, local.name)
    request_id = new_request_id()
    client.register_terminal("0.1.0", request_id)
    records = lines(caplog)
    assert [r.levelno for r in records] == [logging.INFO, logging.INFO]
    first, second = (r.getMessage() for r in records)
    assert first.startswith("backend VerifyIdentity ok ") and first.endswith(" ms")
    assert second.startswith("backend RegisterTerminal ok ") and second.endswith(f"request {request_id}")


def test_business_refusal_is_info_and_outage_is_a_warning(server, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    with pytest.raises(BackendError):
        client_for(server.url).verify_identity(local.id_number, "张三")
    with pytest.raises(BackendError):
        client_for(f"http://127.0.0.1:{free_port()}/soap", retries=0).ping()
    refusal, outage = lines(caplog)
    assert refusal.levelno == logging.INFO and "backend.not_found.person" in refusal.getMessage()
    assert outage.levelno == logging.WARNING and "backend.unreachable" in outage.getMessage()


def test_debug_envelopes_are_masked(server, caplog, demo):
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    client = client_for(server.url)
    client.verify_identity(local.id_number, local.name)
    client.upload_photo(local.id_number, demo.photo, new_request_id())
    text = "\n".join(r.getMessage() for r in lines(caplog))
    assert "backend request VerifyIdentity" in text and "backend response VerifyIdentity" in text
    assert local.id_number not in text and local.name not in text and "五一大道" not in text
    assert "430102**********18" in text and "张*" in text
    assert "base64 characters]" in text and len(text) < 20_000  # the photo is not dumped
