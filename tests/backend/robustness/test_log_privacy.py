"""Attack: get personal data into the back end's log. Every record of the process is captured at
DEBUG before any masking filter (what a log file or shipper would get) and searched for the
demo person's data in clear."""

from __future__ import annotations

import dataclasses
import logging

from lxml import etree

from backend import log_guard, seed
from backend_client import models as mo
from backend_client import new_request_id
from backend_client.convert import to_wire

from ..conftest import client_for, make_application_form
from .conftest import post

local = seed.person("local_adult")
CONTACT_NAME, CONTACT_PHONE, MOBILE = "李秀兰", "13987654321", "13812345678"  # make_application_form's
PERSONAL = (local.name, local.name_pinyin, local.address, local.birth_date.isoformat(), local.id_number,
            CONTACT_NAME, CONTACT_PHONE, MOBILE)


def assert_no_personal_data(text: str, values: tuple[str, ...] = PERSONAL) -> None:
    found = [value for value in values if value in text]
    assert not found, f"in the log: {found}"


def submit_application_envelope(served_url: str) -> bytes:
    form = make_application_form(local, mo.DocumentType.HK_MACAU_PERMIT)
    client = client_for(served_url)
    try:
        message = client.create_message("SubmitApplication", requestId=new_request_id(), form=to_wire(form))
    finally:
        client.close()
    return etree.tostring(message, xml_declaration=True, encoding="UTF-8")


def test_one_malformed_byte_in_a_submission_logs_its_size_and_hash_only(served, all_logs):
    body = submit_application_envelope(served.url)
    assert local.name.encode() in body and local.address.encode() in body  # the data really was sent
    name = f"<ns0:name>{local.name}".encode()
    broken = body.replace(name, name[:10] + b"\xff" + name[10:], 1)  # one byte that is no UTF-8
    assert broken != body
    fault = post(served.url, broken).fault()
    assert fault.code == "Client.XMLSyntaxError"
    assert_no_personal_data(all_logs.text())
    refused = [line for line in all_logs.lines if "Client.XMLSyntaxError" in line]
    assert len(refused) == 1 and f"{len(broken)} bytes, sha256 " in refused[0], all_logs.lines


def test_a_whole_submission_at_debug_logs_no_personal_data(served, all_logs, demo):
    client = client_for(served.url)
    try:
        receipt = client.upload_photo(local.id_number, demo.photo, new_request_id())
        form = dataclasses.replace(make_application_form(local, mo.DocumentType.HK_MACAU_PERMIT),
                                   photo_receipt_number=receipt.receipt_number)
        client.submit_application(form, new_request_id())
        client.verify_identity(local.id_number, local.name)
    finally:
        client.close()
    assert any(r.name == "backend.app" and "SubmitApplication" in r.getMessage() for r in all_logs.records)
    assert any(r.name == "backend_client" and r.levelno == logging.DEBUG for r in all_logs.records)
    assert_no_personal_data(all_logs.text())


def test_plates_offence_places_and_the_match_token_are_masked_at_debug(served, all_logs, demo):
    mine = [v for v in seed.VIOLATIONS if v.driver == "local_adult"]
    client = client_for(served.url)
    try:
        match = client.compare_face(local.id_number, demo.face)
        violations = client.list_violations(local.id_number, match.match_token)
    finally:
        client.close()
    assert violations.violations, "the demo driver has violations"
    assert match.match_token, "a matching face gets a token"
    text = all_logs.text()
    assert "ListViolations" in text and any(r.levelno == logging.DEBUG for r in all_logs.records)
    assert_no_personal_data(text, (*{v.plate_number for v in mine}, *{v.place for v in mine}, match.match_token))


def test_spyne_and_waitress_records_are_scrubbed_whatever_they_carry(all_logs):
    """A library logging an envelope or an ID number (as spyne's parser did) still leaks nothing."""
    log_guard.install()
    envelope = (f"<soap:Envelope><soap:Body><tns:VerifyIdentityRequest><tns:name>{local.name}</tns:name>"
                f"<tns:hukouAddress>{local.address}</tns:hukouAddress>")  # cut short, as a broken request is
    logging.getLogger("spyne.protocol.soap.soap11.invalid").error("%r in string %r", ValueError("x"), envelope)
    try:
        raise ValueError(f"cannot decode {local.id_number}")
    except ValueError:
        logging.getLogger("waitress").exception("Exception while serving /soap")
    text = all_logs.text()
    assert_no_personal_data(text)
    assert f"[xml: {len(repr(envelope)) - 1} characters, sha256 " in text
    assert "Exception while serving /soap" in text and "ValueError: cannot decode 430102" in text
