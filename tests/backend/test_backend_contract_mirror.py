"""spyne is code-first: its model (backend/messages.py) must mirror the hand-written contract.
This compares spyne's generated WSDL with the shipped one, operation by operation and type by type."""

from __future__ import annotations

import pytest
from lxml import etree
from spyne.interface.wsdl import Wsdl11

from backend.app import BackendApp
from backend.soap import build_application
from core.contract import WSDL_PATH, XSD_PATH

NS = {"wsdl": "http://schemas.xmlsoap.org/wsdl/", "xs": "http://www.w3.org/2001/XMLSchema"}
Shape = tuple[tuple[str, str | None, str, str], ...]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> etree._Element:
    backend = BackendApp(tmp_path_factory.mktemp("mirror") / "b.sqlite3", seed=False)
    wsdl = Wsdl11(build_application(backend).interface)
    wsdl.build_interface_document("http://127.0.0.1/soap")
    backend.close()
    return etree.fromstring(wsdl.get_interface_document())


def operations(wsdl: etree._Element) -> dict[str, tuple[str, str]]:
    """operation -> (input element, output element), through the messages."""
    elements = {m.get("name"): m.find("wsdl:part", NS).get("element").split(":")[-1]
                for m in wsdl.iterfind("wsdl:message", NS)}
    found = {}
    for op in wsdl.iterfind("wsdl:portType/wsdl:operation", NS):
        in_message = op.find("wsdl:input", NS).get("message").split(":")[-1]
        out_message = op.find("wsdl:output", NS).get("message").split(":")[-1]
        found[op.get("name")] = (elements[in_message], elements[out_message])
    return found


def shapes(schema: etree._Element) -> tuple[dict[str, str], dict[str, Shape]]:
    """Global elements -> type, and complex types -> their children (name, complex type or None, min, max)."""
    complex_names = {t.get("name") for t in schema.iterfind("xs:complexType", NS)}
    elements = {e.get("name"): e.get("type").split(":")[-1] for e in schema.iterfind("xs:element", NS)}
    types = {}
    for complex_type in schema.iterfind("xs:complexType", NS):
        children = []
        for child in complex_type.iterfind("xs:sequence/xs:element", NS):
            type_name = child.get("type").split(":")[-1]
            children.append((child.get("name"), type_name if type_name in complex_names else None,
                             child.get("minOccurs", "1"), child.get("maxOccurs", "1")))
        types[complex_type.get("name")] = tuple(children)
    return elements, types


def reachable(type_name: str, types: dict[str, Shape], seen: set[str]) -> set[str]:
    if type_name in seen or type_name not in types:
        return seen
    seen.add(type_name)
    for _, child_type, _, _ in types[type_name]:
        if child_type:
            reachable(child_type, types, seen)
    return seen


def test_same_operations_and_message_elements(generated):
    assert operations(generated) == operations(etree.parse(str(WSDL_PATH)).getroot())


def test_same_types_for_every_message(generated):
    shipped_elements, shipped_types = shapes(etree.parse(str(XSD_PATH)).getroot())
    spyne_elements, spyne_types = shapes(generated.find("wsdl:types/xs:schema", NS))
    for request, response in operations(generated).values():
        for element in (request, response):
            assert spyne_elements[element] == shipped_elements[element], element
            for type_name in reachable(shipped_elements[element], shipped_types, set()):
                assert spyne_types.get(type_name) == shipped_types[type_name], type_name
