"""`[devices.dispenser]`: the document dispenser's configuration keys (defaults in config/default.toml).

Imports nothing but the schema engine: the configuration loads before, and without, the driver.
"""

from __future__ import annotations

from core.schema import Field, Schema
from devices.usb_ports import port_field

SCHEMA: Schema = {
    "driver": Field(str, "'simulator' (a simulated module on a pty, its stock kept under the data "
                         "folder) or 'serial' (a module speaking docs/protocols/dispenser.md)",
                    choices=("simulator", "serial")),
    "port": port_field("serial port of the module (RS-485 adapter or RS-232); not used by the simulator",
                       "dispenser"),
    "baud": Field(int, "line rate of the module (the simulator also takes this long per byte)",
                  choices=(115200, 57600, 38400, 19200, 9600)),
    "address": Field(int, "the module's RS-485 address (its DIP switches)", minimum=0, maximum=15),
}
