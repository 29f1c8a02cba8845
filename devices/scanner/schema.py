"""`[devices.scanner]`: the QR/barcode scanner's configuration keys (defaults in config/default.toml)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.schema import ConfigError, Field, Schema
from devices.usb_ports import port_field

BAUD_CHOICES = (9600, 19200, 38400, 57600, 115200)
TERMINATORS = ("enter", "tab")


@dataclass(frozen=True)
class InputDeviceField(Field):
    """The keyboard-mode scanner's input device: blank (not used) or a name or usb:VID:PID[:SERIAL]
    that parses, checked when the configuration loads."""

    def check(self, value: Any, source: str, key: str) -> None:
        super().check(value, source, key)
        if value:
            from devices.scanner.input_devices import InputDeviceSpec

            try:
                InputDeviceSpec.parse(value)
            except ValueError as exc:
                raise ConfigError(source, key, str(exc)) from None


SCHEMA: Schema = {
    "driver": Field(str, "'simulator' (a simulated scanner on a pty), 'serial' (a scanner in serial "
                         "or USB-CDC mode, sending one line per scan) or 'evdev' (a scanner in USB keyboard "
                         "mode, read from its Linux input device and grabbed)",
                    choices=("simulator", "serial", "evdev")),
    "port": port_field("serial port of the scanner when driver = 'serial'", "scanner"),
    "baud": Field(int, "line rate the scanner is set to (most ship at 9600; USB-CDC ignores it)",
                  choices=BAUD_CHOICES),
    "input_device": InputDeviceField(str, "driver = 'evdev': the scanner's input device, by the name it gives "
                                          "itself ('Netum Scanner') or usb:VID:PID[:SERIAL] "
                                          "(`python main.py devices list` shows them)"),
    "terminator": Field(str, "driver = 'evdev': the key the scanner is set to type after each code",
                        choices=TERMINATORS),
}
