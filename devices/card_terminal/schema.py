"""`[devices.card_terminal]`: the bank card terminal's configuration keys (defaults in config/default.toml).

Imports nothing but the schema engine: the configuration loads before, and without, the driver.
"""

from __future__ import annotations

from core.schema import Field, Schema
from devices.usb_ports import port_field

SCHEMA: Schema = {
    "driver": Field(str, "'simulator' (a simulated UnionPay terminal on a pty, its open batch kept under "
                         "the data folder) or 'serial' (a terminal in MIS-POS mode, or a vendor adapter, "
                         "speaking docs/protocols/card-terminal.md)", choices=("simulator", "serial")),
    "port": port_field("serial port of the terminal; not used by the simulator", "card_terminal"),
    "baud": Field(int, "line rate of the terminal (the simulator also takes this long per byte)",
                  choices=(115200, 57600, 38400, 19200, 9600)),
    "framing": Field(str, "the terminal's link framing (devices/card_terminal/framing.py): 'stx-lrc' is "
                          "STX, BCD length, data, ETX, LRC with ACK/NAK", choices=("stx-lrc",)),
}
