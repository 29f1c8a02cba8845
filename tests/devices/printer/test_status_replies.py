"""DLE EOT real-time status: the request bytes, each reply bit, and the mapping to DeviceStatus."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.base import DeviceStatus
from devices.printer.status import (
    ALL_STATUS_REQUESTS,
    PaperLevel,
    PrinterState,
    StatusReplyError,
    parse_status_replies,
    status_reply,
)


def test_the_four_requests_go_out_in_one_write():
    assert ALL_STATUS_REQUESTS == b"\x10\x04\x01" b"\x10\x04\x02" b"\x10\x04\x03" b"\x10\x04\x04"


@pytest.mark.parametrize("replies, expected", [
    (bytes([0x12, 0x12, 0x12, 0x12]), DeviceStatus.READY),
    (bytes([0x12, 0x12, 0x12, 0x1E]), DeviceStatus.PAPER_LOW),  # near-end bits 2+3
    (bytes([0x1A, 0x32, 0x12, 0x72]), DeviceStatus.NO_PAPER),  # offline, stopped by paper end
    (bytes([0x12, 0x12, 0x12, 0x72]), DeviceStatus.NO_PAPER),  # paper end sensor alone
    (bytes([0x1A, 0x16, 0x12, 0x12]), DeviceStatus.COVER_OPEN),
    (bytes([0x1A, 0x16, 0x12, 0x72]), DeviceStatus.COVER_OPEN),  # open cover explains paper end
    (bytes([0x1A, 0x52, 0x1A, 0x12]), DeviceStatus.ERROR),  # autocutter error
    (bytes([0x1A, 0x52, 0x32, 0x12]), DeviceStatus.ERROR),  # unrecoverable error
    (bytes([0x1A, 0x12, 0x12, 0x12]), DeviceStatus.ERROR),  # offline for no stated reason
])
def test_reply_bytes_map_to_the_status_flows_act_on(replies, expected):
    assert parse_status_replies(replies).device_status is expected


@pytest.mark.parametrize("replies", [b"", b"\x12\x12\x12", b"\x12\x12\x12\x12\x12",
                                     b"\x12\x12\x12\xff", b"\x00\x12\x12\x12", b"\x13\x12\x12\x12"])
def test_missing_short_or_foreign_bytes_are_not_a_status(replies):
    with pytest.raises(StatusReplyError):
        parse_status_replies(replies)


@pytest.mark.parametrize("paper, cover_open, cutter_error", itertools.product(
    PaperLevel, (False, True), (False, True)))
def test_simulator_replies_decode_to_the_simulated_state(paper, cover_open, cutter_error):
    state = PrinterState(online=not (cover_open or cutter_error or paper is PaperLevel.OUT),
                         cover_open=cover_open, paper=paper, cutter_error=cutter_error)
    replies = bytes(status_reply(kind, state) for kind in (1, 2, 3, 4))
    assert parse_status_replies(replies) == state


@given(st.binary(max_size=8))
def test_any_reply_is_a_state_or_the_documented_error(replies):
    try:
        state = parse_status_replies(replies)
    except StatusReplyError:
        return
    assert isinstance(state.device_status, DeviceStatus)
