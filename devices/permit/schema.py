"""`[devices.permit]`: the permit card reader/writer's configuration keys (defaults in config/default.toml).

Imports nothing but the schema engine: the configuration loads before, and without, the driver.
"""

from __future__ import annotations

from core.schema import Field, Schema
from devices.usb_ports import port_field

SCHEMA: Schema = {
    "driver": Field(str, "'simulator' (a simulated module on a pty, cards kept under the data "
                         "folder) or 'serial' (a vendor module or adapter speaking "
                         "docs/protocols/permit-card.md)", choices=("simulator", "serial")),
    "port": port_field("serial port of the module; not used by the simulator", "permit"),
    "baud": Field(int, "line rate of the module (the simulator also takes this long per byte)",
                  choices=(115200, 57600, 38400, 19200, 9600)),
    "status_timeout_s": Field(float, "seconds to the first byte of a STATUS answer (the slot's state, "
                                     "asked while a card waits to be taken)", minimum=0.05, maximum=10),
    "read_timeout_s": Field(float, "seconds to the first byte of a card read, a record read, an eject "
                                   "or a retract", minimum=0.2, maximum=30),
    "write_timeout_s": Field(float, "seconds to the first byte of a write's answer (the module writes "
                                    "the chip and prints the face first)", minimum=0.5, maximum=60),
}
