"""Maintenance: the PIN gate, the hidden gesture, and what a technician sees (no secrets, no PII)."""

from __future__ import annotations

import pytest

from core.pin import hash_pin
from terminal.maintenance import SECRET_TAP_WINDOW_SECONDS, Maintenance, SecretTaps
from terminal.runtime import start_runtime
from terminal.scratch import scratch_config


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    config = scratch_config(tmp_path_factory.mktemp("maint"), ui={"maintenance_pin_hash": hash_pin("112358")})
    runtime = start_runtime(config)
    yield Maintenance(config, runtime), runtime
    runtime.close()


def test_pin_gate(setup):
    maintenance, _ = setup
    assert maintenance.unlock("112358")
    assert not maintenance.unlock("000000")


def test_five_quick_taps_open_it_slow_taps_do_not():
    now = [0.0]
    taps = SecretTaps(lambda: now[0])
    results = []
    for _ in range(5):
        now[0] += 0.3
        results.append(taps.tap())
    assert results == [False] * 4 + [True]
    for _ in range(5):
        now[0] += SECRET_TAP_WINDOW_SECONDS
        assert not taps.tap()


def test_config_summary_hides_secrets(setup):
    maintenance, _ = setup
    summary = maintenance.config_summary()
    assert "scrypt$" not in summary and "********" in summary


def test_device_lines_and_test_print(setup):
    maintenance, runtime = setup
    lines = maintenance.device_lines()
    assert any(line.startswith("printer") and "ready" in line for line in lines)
    assert maintenance.test_print() == "test receipt printed"


def test_card_read_is_masked(setup):
    from flows.demo_cards import card_for

    maintenance, runtime = setup
    runtime.simulators["idcard"].insert_card(card_for("local_adult"))
    text = maintenance.read_card()
    assert "张伟" not in text and "43010219850312001" not in text
    runtime.simulators["idcard"].remove_card()
