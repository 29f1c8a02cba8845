"""The answer a mutation stores for its request id (backend/app.py) is written by the contract
serializer's walk (issue 23): byte for byte what spyne's get_object_as_xml writes, for every
contract model with every member filled, and read back by spyne to the same values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree
from spyne import AnyUri, Boolean, ByteArray, Date, DateTime, Integer, Unicode
from spyne.model.primitive import Decimal as SpyneDecimal
from spyne.util.xml import get_object_as_xml, get_xml_as_object

from backend import messages as m
from backend.soap import model_as_xml

MODELS = sorted((cls for cls in vars(m).values()
                 if isinstance(cls, type) and issubclass(cls, m.Model) and cls is not m.Model),
                key=lambda cls: cls.__name__)
MOMENT = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)


def leaf(kind: type, index: int) -> object:
    if issubclass(kind, ByteArray):
        return [b"\x89PNG fake image bytes", b"\x00\xff"]
    if issubclass(kind, AnyUri):
        return "http://127.0.0.1:8080/pay/P1"
    if issubclass(kind, Unicode):
        return f"text {index} <&> 中文"
    if issubclass(kind, Boolean):
        return index % 2 == 0
    if issubclass(kind, Integer):
        return index
    if issubclass(kind, SpyneDecimal):
        return Decimal("12.50") + index
    if issubclass(kind, Date):  # before DateTime: spyne's Date is one
        return dt.date(2026, 1, 1) + dt.timedelta(days=index)
    if issubclass(kind, DateTime):
        return MOMENT + dt.timedelta(minutes=index)
    raise AssertionError(f"no sample for {kind}")


def filled(cls: type, depth: int = 0) -> m.Model:
    values = {}
    for index, (name, kind) in enumerate(cls.get_flat_type_info(cls).items()):
        repeated = kind.Attributes.max_occurs == "unbounded" or kind.Attributes.max_occurs > 1
        make = (lambda k=kind: filled(k, depth + 1)) if issubclass(kind, m.Model) else \
            (lambda k=kind, i=index: leaf(k, i))
        values[name] = [make(), make()] if repeated else make()
    return cls(**values)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_same_bytes_as_spyne(cls):
    answer = filled(cls)
    ours = etree.tostring(model_as_xml(answer, cls), encoding="unicode")
    assert ours == etree.tostring(get_object_as_xml(answer, cls), encoding="unicode")
    again = get_xml_as_object(etree.fromstring(ours), cls)
    assert etree.tostring(get_object_as_xml(again, cls), encoding="unicode") == ours


def test_absent_optional_members_are_left_out():
    payment = m.Payment(paymentId="P1", orderId="O1", amount=Decimal("60.00"), status="PENDING",
                        qrPayload="http://h/pay/P1", createdAt=MOMENT, expiresAt=MOMENT)
    text = etree.tostring(model_as_xml(payment, m.Payment), encoding="unicode")
    assert text == etree.tostring(get_object_as_xml(payment, m.Payment), encoding="unicode")
    assert "paidAt" not in text
