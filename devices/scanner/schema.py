"""`[devices.scanner]`: the QR/barcode scanner's configuration keys (defaults in config/default.toml)."""

from __future__ import annotations

from core.schema import Field, Schema
from devices.usb_ports import port_field

BAUD_CHOICES = (9600, 19200, 38400, 57600, 115200)

SCHEMA: Schema = {
    "driver": Field(str, "'simulator' (a simulated scanner on a pty) or 'serial' (a scanner in serial "
                         "or USB-CDC mode, sending one line per scan)", choices=("simulator", "serial")),
    "port": port_field("serial port of the scanner when driver = 'serial'", "scanner"),
    "baud": Field(int, "line rate the scanner is set to (most ship at 9600; USB-CDC ignores it)",
                  choices=BAUD_CHOICES),
}
