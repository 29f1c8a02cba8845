"""A SAM that fails its self-test: status ERROR, reads raise IdCardError("idcard.reader_fault")."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.idcard.contract import IdCardError
from devices.idcard.protocol import Sw3
from devices.idcard.simulator import sample_resident_card


def test_sam_self_test_failure(simulator, reader) -> None:
    simulator.insert_card(sample_resident_card())
    simulator.sam_fault = True
    assert reader.status() is DeviceStatus.ERROR
    with pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.reader_fault"
    assert caught.value.status_code == Sw3.SAM_SELF_TEST_FAILED
    assert "0x60 SAM_SELF_TEST_FAILED" in caught.value.detail
    simulator.sam_fault = False
    reader.reset_sam()
    assert reader.status() is DeviceStatus.READY
