"""The back end's lean decoding of requests (issue 23) gives the handlers what spyne's own decoding
gives, for every operation's golden request, and leaves unusual requests to spyne."""

from __future__ import annotations

import copy
import types
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from spyne.protocol.soap import Soap11

from backend.handlers import OPERATIONS
from backend.messages import Model
from backend.soap import ContractSoap11

GOLDEN = Path(__file__).parent / "golden"
BODY = "{http://schemas.xmlsoap.org/soap/envelope/}Body"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
WITH_GOLDEN = [op for op in OPERATIONS if (GOLDEN / f"{op.name}.xml").exists()]


def request_of(operation: str) -> etree._Element:
    envelope = etree.parse(str(GOLDEN / f"{operation}.xml")).getroot()
    return next(iter(envelope.find(BODY)))


def plain(value: Any) -> Any:
    """A decoded request as nested dicts and lists, with the class of every object."""
    if isinstance(value, Model):
        return {"class": type(value).__name__, **{k: plain(v) for k, v in vars(value).items()}}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def decoded_both_ways(cls: type, element: etree._Element) -> tuple[Any, Any]:
    protocol = ContractSoap11()
    lean = protocol.from_element(types.SimpleNamespace(in_body_doc=element), cls, element)
    spynes = Soap11.from_element(protocol, types.SimpleNamespace(in_body_doc=None), cls, element)
    return lean, spynes


def test_every_operation_with_a_golden_request_is_covered():
    assert len(WITH_GOLDEN) >= 20


@pytest.mark.parametrize("op", WITH_GOLDEN, ids=lambda op: op.name)
def test_same_request_objects_as_spynes_decoding(op):
    lean, spynes = decoded_both_ways(op.request, request_of(op.name))
    assert plain(lean) == plain(spynes)
    assert lean.terminalId


def test_repeated_elements_become_a_list_as_in_spyne():
    heartbeat = next(op for op in OPERATIONS if op.name == "Heartbeat")
    lean, spynes = decoded_both_ways(heartbeat.request, request_of("Heartbeat"))
    assert isinstance(lean.device, list) and len(lean.device) >= 2
    assert [d.kind for d in lean.device] == [d.kind for d in spynes.device]


def test_a_request_with_an_attribute_is_decoded_by_spyne():
    heartbeat = next(op for op in OPERATIONS if op.name == "Heartbeat")
    element = copy.deepcopy(request_of("Heartbeat"))
    detail = element.find(".//{*}detail")
    detail.set(XSI_NIL, "true")
    detail.text = None
    lean, spynes = decoded_both_ways(heartbeat.request, element)
    assert plain(lean) == plain(spynes)
    assert lean.device[0].detail is None
