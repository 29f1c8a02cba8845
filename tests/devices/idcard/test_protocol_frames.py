"""Byte-exact frames of every command and the answers quoted in DOMAIN.md section 2."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from devices.idcard import protocol
from devices.idcard.contract import IdCardError
from devices.idcard.protocol import Command, Request, Response, Sw3
from devices.idcard.schema import BAUD_CHOICES

LOCALE = Path(__file__).resolve().parents[3] / "assets" / "locale"


def hexbytes(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


@pytest.mark.parametrize(("command", "frame"), [
    (Command.RESET_SAM, "AA AA AA 96 69 00 03 10 FF EC"),
    (Command.SAM_STATUS, "AA AA AA 96 69 00 03 11 FF ED"),
    (Command.SAM_ID, "AA AA AA 96 69 00 03 12 FF EE"),
    (Command.FIND_CARD, "AA AA AA 96 69 00 03 20 01 22"),
    (Command.SELECT_CARD, "AA AA AA 96 69 00 03 20 02 21"),
    (Command.READ_TEXT_PHOTO, "AA AA AA 96 69 00 03 30 01 32"),
    (Command.READ_APPENDED_ADDRESS, "AA AA AA 96 69 00 03 30 03 30"),
    (Command.READ_TEXT_PHOTO_FINGERPRINT, "AA AA AA 96 69 00 03 30 10 23"),
])
def test_request_frames(command: Command, frame: str) -> None:
    assert Request.of(command).encode() == hexbytes(frame)
    assert protocol.parse_request(hexbytes(frame)) == Request.of(command)


@pytest.mark.parametrize(("baud", "frame"), [
    (115200, "AA AA AA 96 69 00 03 60 00 63"),
    (57600, "AA AA AA 96 69 00 03 60 01 62"),
    (38400, "AA AA AA 96 69 00 03 60 02 61"),
    (19200, "AA AA AA 96 69 00 03 60 03 60"),
    (9600, "AA AA AA 96 69 00 03 60 04 67"),
])
def test_set_baud_frames(baud: int, frame: str) -> None:
    request = protocol.set_baud_request(baud)
    assert request.encode() == hexbytes(frame)
    assert protocol.baud_of_request(request) == baud


def test_set_baud_refuses_a_rate_the_module_lacks() -> None:
    with pytest.raises(ValueError):
        protocol.set_baud_request(4800)
    with pytest.raises(IdCardError):
        protocol.baud_of_request(Request(0x60, 0x05))


def test_config_baud_choices_are_the_modules_rates() -> None:
    assert BAUD_CHOICES == protocol.BAUD_RATES


def test_find_card_answer_from_the_domain_notes() -> None:
    frame = hexbytes("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
    assert protocol.parse_response(frame) == Response(Sw3.FIND_SUCCESS, bytes(4))
    assert Response(Sw3.FIND_SUCCESS, bytes(4)).encode() == frame


def test_no_card_answer() -> None:
    frame = hexbytes("AA AA AA 96 69 00 04 00 00 80 84")
    assert Response(Sw3.NO_CARD).encode() == frame
    answer = protocol.parse_response(frame)
    assert (answer.sw3, answer.data, answer.ok) == (Sw3.NO_CARD, b"", False)


def test_read_answer_is_1295_bytes_with_len_0508() -> None:
    text, photo = bytes(range(256)), bytes(1024)
    frame = Response(Sw3.SUCCESS, protocol.encode_text_photo(text, photo)).encode()
    assert len(frame) == 1295
    assert frame[:12] == hexbytes("AA AA AA 96 69 05 08 00 00 90 01 00") and frame[12:14] == hexbytes("04 00")
    card = protocol.parse_text_photo(protocol.parse_response(frame).data)
    assert (card.text, card.photo, card.fingerprints) == (text, photo, ())


def test_read_with_fingerprints_answer() -> None:
    prints = (b"\x01" * 512, b"\x02" * 512)
    data = protocol.encode_text_photo_fingerprint(bytes(256), bytes(1024), prints)
    assert data[:6] == hexbytes("01 00 04 00 04 00")
    assert protocol.parse_text_photo_fingerprint(data).fingerprints == prints


def test_fingerprint_block_must_be_whole_templates() -> None:
    data = protocol.encode_text_photo_fingerprint(bytes(256), bytes(1024), (b"\x01" * 300,))
    with pytest.raises(IdCardError, match="fingerprint"):
        protocol.parse_text_photo_fingerprint(data)


def test_sam_id_is_printed_as_vendor_tools_do() -> None:
    raw = hexbytes("0500 0100 323e3401 4e61bc00 d2040000")
    assert protocol.parse_sam_id(raw).formatted == "05.01-20201010-0012345678-0000001234"


def test_wrong_checksum_is_a_bad_frame_with_hex_in_the_debug_log(caplog: pytest.LogCaptureFixture) -> None:
    frame = hexbytes("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 98")
    with caplog.at_level(logging.DEBUG, logger="devices.idcard"), pytest.raises(IdCardError) as caught:
        protocol.parse_response(frame)
    assert caught.value.message_key == "idcard.bad_frame"
    assert "checksum 0x98, expected 0x97" in caught.value.detail
    assert "aa aa aa 96 69 00 08 00 00 9f 00 00 00 00 98" in caplog.text


@pytest.mark.parametrize(("frame", "problem"), [
    ("AA AA AA 96 69 00 08 00 00 9F 00 00 00", "LEN says"),  # truncated
    ("AA AA 96 69 00 04 00 00 80 84", "preamble"),
    ("AA AA AA 96 69 00 01 84", "impossible LEN"),
    ("AA AA AA 96 69 FF FF 00", "impossible LEN"),
    ("AA AA AA 96", "short header"),
])
def test_malformed_frames(frame: str, problem: str) -> None:
    with pytest.raises(IdCardError, match=problem):
        protocol.parse_response(hexbytes(frame))


# Every status code DOMAIN.md lists, with the key a citizen would see (None: not a failure).
DOMAIN_STATUS_CODES = {
    0x90: None, 0x9F: None, 0x10: "idcard.bad_frame", 0x11: "idcard.bad_frame",
    0x21: "idcard.reader_fault", 0x23: "idcard.reader_fault", 0x24: "idcard.reader_fault",
    0x31: "idcard.read_failed", 0x32: "idcard.read_failed", 0x33: "idcard.read_failed",
    0x40: "idcard.unrecognised_card", 0x41: "idcard.read_failed", 0x47: "idcard.read_failed",
    0x60: "idcard.reader_fault", 0x66: "idcard.reader_fault", 0x80: "idcard.no_card",
    0x81: "idcard.read_failed", 0x91: "idcard.read_failed",
}


def test_every_status_code_has_a_meaning_and_a_message_key() -> None:
    assert {int(code) for code in Sw3} == set(DOMAIN_STATUS_CODES)
    for code, key in DOMAIN_STATUS_CODES.items():
        meaning = protocol.status_meaning(code)
        assert meaning.meaning and meaning.message_key == key


def test_an_undefined_status_code_is_a_reader_fault() -> None:
    assert protocol.status_meaning(0x55).message_key == "idcard.reader_fault"
    assert protocol.status_name(0x55) == "0x55 (undefined)"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_idcard_message_key_is_translated(language: str) -> None:
    from devices.idcard import contract

    catalog = (LOCALE / language / "LC_MESSAGES" / "kiosk.po").read_text(encoding="utf-8")
    translated = dict(re.findall(r'^msgid "(idcard\.[^"]+)"\nmsgstr "(.+)"$', catalog, re.M))
    keys = {value for name, value in vars(contract).items() if name.startswith("MSG_")}
    keys |= {m.message_key for m in protocol.STATUS_MEANINGS.values() if m.message_key}
    assert keys <= set(translated)
