"""The back-end contract's fixed names, read by both of its sides: the reference back end
(backend/) and the kiosk's client (backend_client/). The contract itself is the hand-written
WSDL and XSD in assets/wsdl (docs/backend-contract.md)."""

from core.config import PROJECT_ROOT

NAMESPACE = "urn:exit-entry-kiosk:backend:v1"
CONTRACT_VERSION = "1.0"
WSDL_PATH = PROJECT_ROOT / "assets" / "wsdl" / "kiosk-v1.wsdl"
XSD_PATH = PROJECT_ROOT / "assets" / "wsdl" / "kiosk-v1.xsd"
