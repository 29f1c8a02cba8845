"""The flow registry: what the home screen and the self-test learn about the built services."""

from __future__ import annotations

import enum

import pytest

from devices.base import DeviceStatus
from devices.factory import BUILDERS
from flows.engine import Flow, check_transition_table
from flows.registry import FLOWS, built_services, entry, unusable_devices
from terminal.selftest import scenario_for


def test_every_service_is_listed_once_with_its_title() -> None:
    ids = built_services()
    assert len(ids) == len(set(ids))
    for flow_entry in FLOWS:
        assert flow_entry.title_key == f"service.{flow_entry.service_id}"


@pytest.mark.parametrize("flow_entry", FLOWS, ids=lambda e: e.service_id)
def test_every_entry_loads_and_its_tables_are_complete(flow_entry) -> None:
    flow_class = flow_entry.load_flow()
    assert issubclass(flow_class, Flow)
    assert callable(scenario_for(flow_entry.service_id))
    assert set(flow_entry.devices) <= set(BUILDERS)
    states = tuple(dict.fromkeys(type(state) for state in flow_class.VIEWS))  # one enum, or a base flow's too
    assert all(issubclass(kind, enum.Enum) for kind in states)
    assert check_transition_table(flow_class, states) == []


def test_unusable_devices_names_what_keeps_a_service_from_starting() -> None:
    ready = {kind: DeviceStatus.READY for kind in BUILDERS}
    assert unusable_devices("application_form", ready) == ()
    states = {**ready, "printer": DeviceStatus.NO_PAPER, "scanner": DeviceStatus.PAPER_LOW}
    assert unusable_devices("application_form", states) == ("printer",)
    del states["camera"]
    assert unusable_devices("progress", states) == ("camera",)
    assert unusable_devices("appointment", states) == ("printer",)


def test_unknown_service_names_the_built_ones() -> None:
    with pytest.raises(KeyError, match="application_form"):
        entry("passport_photo_booth")
