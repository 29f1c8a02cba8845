"""The reference back end: a real SOAP server speaking the kiosk's contract (see assets/wsdl)."""
