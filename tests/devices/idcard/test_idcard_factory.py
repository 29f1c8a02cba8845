"""The shipped configuration builds the simulated reader through the factory; closing stops it."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.base import Device, DeviceStatus
from devices.factory import DeviceContext, build_device
from devices.idcard.contract import IdCardReader, ReadOutcome
from devices.idcard.simulator import IdCardSimulator, sample_foreign_card
from devices.idcard.wlt import WltDecoderError
from terminal.config import load_config


def test_default_config_builds_the_real_driver_on_a_simulator(tmp_path: Path) -> None:
    settings = load_config()["devices"]["idcard"]
    context = DeviceContext(tmp_path)
    reader = build_device("idcard", settings, context)
    try:
        assert isinstance(reader, Device) and isinstance(reader, IdCardReader)
        simulator = context.simulators["idcard"]
        assert isinstance(simulator, IdCardSimulator)
        assert reader.port == simulator.path
        simulator.insert_card(sample_foreign_card())
        assert reader.read_card().outcome is ReadOutcome.CARD
    finally:
        context.close_all()
    assert reader.status() is DeviceStatus.DISCONNECTED  # the simulator is gone with the context


def test_serial_driver_is_lazy(tmp_path: Path) -> None:
    settings = {**load_config()["devices"]["idcard"], "driver": "serial", "port": str(tmp_path / "ttyUSB0")}
    reader = build_device("idcard", settings, DeviceContext(tmp_path))  # nothing opened yet: no error
    assert reader.status() is DeviceStatus.DISCONNECTED


def test_a_missing_vendor_library_fails_the_build_with_its_path(tmp_path: Path) -> None:
    settings = {**load_config()["devices"]["idcard"], "driver": "serial", "wlt_decoder": "library",
                "wlt_library": str(tmp_path / "libwlt.so")}
    with pytest.raises(WltDecoderError, match=r"libwlt\.so"):
        build_device("idcard", settings, DeviceContext(tmp_path))
