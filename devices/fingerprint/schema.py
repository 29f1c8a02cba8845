"""`[devices.fingerprint]`: the fingerprint scanner's configuration keys (defaults in config/default.toml).

Imports nothing but the schema engine: the configuration loads before, and without, the driver.
"""

from __future__ import annotations

from core.schema import Field, Schema
from devices.usb_ports import port_field

SCHEMA: Schema = {
    "driver": Field(str, "'simulator' (a simulated AS608-family module on a pty) or 'serial' (an "
                         "AS608 / R30x / ZFM module speaking docs/protocols/fingerprint.md)",
                    choices=("simulator", "serial")),
    "port": port_field("serial port of the module; not used by the simulator", "fingerprint"),
    "baud": Field(int, "line rate of the module (its baud setting N x 9600; factory 57600)",
                  choices=(9600, 19200, 38400, 57600, 115200)),
    "address": Field(int, "the module's 32-bit address (factory 0xFFFFFFFF)", minimum=0, maximum=0xFFFFFFFF),
    "password": Field(int, "the module's 32-bit handshake password sent with VfyPwd (factory 0)",
                      minimum=0, maximum=0xFFFFFFFF, secret=True),
}
