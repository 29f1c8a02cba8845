"""A driver's DEBUG log of its wire exchanges names the frames, never their personal payload.

Before, the ID card and permit drivers logged every frame in hex at DEBUG: the answer to a card
read is the holder's name, ID number and photo, the permit chip its holder's name, so a hall
that turned DEBUG on to chase a fault wrote citizens' identities into its log files.
"""

from __future__ import annotations

import logging

from devices.idcard.driver import SerialIdCardReader
from devices.idcard.simulator import IdCardSimulator, sample_resident_card
from devices.permit.driver import SerialPermitDriver
from devices.permit.simulator import PermitCardSimulator
from devices.wire_log import HEADER_BYTES, frame_summary

from .idcard.conftest import FAST_TIMEOUTS as IDCARD_TIMEOUTS
from .permit.conftest import FAST_TIMEOUTS as PERMIT_TIMEOUTS
from .permit.conftest import FAST_TIMING, card_file_with_card_inserted


def forms_of(text: str) -> list[str]:
    """How a field can appear in a hex dump: the chip's encodings, spaced as bytes.hex(" ") writes them."""
    return [text.encode(codec).hex(" ") for codec in ("utf-16-le", "utf-8")]


def test_a_summary_keeps_the_header_and_drops_the_payload() -> None:
    frame = bytes(range(HEADER_BYTES)) + "张伟".encode("utf-16-le")
    summary = frame_summary(frame)
    assert summary.startswith(bytes(range(HEADER_BYTES)).hex(" "))
    assert f"({len(frame)} bytes, sha256 " in summary
    assert "张伟".encode("utf-16-le").hex(" ") not in summary
    assert frame_summary(frame) != frame_summary(frame[:-1] + b"\x00")  # two frames stay apart


def test_an_id_card_read_at_debug_logs_no_name_and_no_id_number(caplog) -> None:
    card = sample_resident_card()
    simulator = IdCardSimulator()
    simulator.start()
    reader = SerialIdCardReader(simulator.path, timeouts=IDCARD_TIMEOUTS)
    try:
        simulator.insert_card(card)
        with caplog.at_level(logging.DEBUG, logger="devices"):
            assert reader.read_card().record == card
    finally:
        reader.close()
        simulator.stop()
    logged = caplog.text
    assert "bytes, sha256" in logged  # the exchange is still traced
    for secret in (card.name, card.id_number):
        for form in forms_of(secret):
            assert form not in logged, f"{secret!r} appears in the DEBUG log as {form}"


def test_a_permit_read_at_debug_logs_no_holder(caplog, tmp_path) -> None:
    simulator = PermitCardSimulator(card_file_with_card_inserted(tmp_path / "cards.json"), baud=115200,
                                    timing=FAST_TIMING)
    simulator.start()
    driver = SerialPermitDriver(simulator.port, 115200, PERMIT_TIMEOUTS)
    try:
        with caplog.at_level(logging.DEBUG, logger="devices"):
            card = driver.read_card()
    finally:
        driver.close()
        simulator.stop()
    logged = caplog.text
    assert "permit <<" in logged and "bytes, sha256" in logged
    for secret in (card.name_zh, card.name_pinyin):
        for form in forms_of(secret):
            assert form not in logged, f"{secret!r} appears in the DEBUG log as {form}"
