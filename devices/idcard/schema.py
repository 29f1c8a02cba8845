"""`[devices.idcard]`: the ID card reader's configuration keys (defaults in config/default.toml)."""

from __future__ import annotations

from core.schema import Field, Schema
from devices.usb_ports import port_field

# The rates the module's set-baud command offers (protocol.BAUD_RATES, checked equal by a test).
# Written out here because the configuration loads before, and without, the driver modules.
BAUD_CHOICES = (115200, 57600, 38400, 19200, 9600)

SCHEMA: Schema = {
    "driver": Field(str, "'simulator' (a simulated SAM module on a pty), 'serial' (a reader on a serial "
                         "port, or a USB reader that enumerates as one) or 'hid' (a USB reader that "
                         "enumerates as a HID device; needs the hidapi library)",
                    choices=("simulator", "serial", "hid")),
    "port": port_field("serial port of the reader (USB readers enumerate as serial ports), or with "
                       "driver = 'hid' the reader's usb:VID:PID[:SERIAL]; not used by the simulator", "idcard"),
    "baud": Field(int, "line rate the reader is set to (factory default 115200)", choices=BAUD_CHOICES),
    "answer_timeout_s": Field(float, "seconds to wait for the first byte of a quick command's answer "
                                     "(find, select, SAM status)", minimum=0.05, maximum=10),
    "card_read_timeout_s": Field(float, "seconds to wait for the first byte of a card read's answer "
                                        "(the module reads the chip first)", minimum=0.2, maximum=30),
    "frame_margin_s": Field(float, "slack beyond line time before an answer counts as cut short",
                            minimum=0.005, maximum=2),
    "read_fingerprints": Field(bool, "read with fingerprints (30 10) instead of text and photo (30 01)"),
    "read_appended_address": Field(bool, "also read the newest address appended to the chip (30 03)"),
    "wlt_decoder": Field(str, "'none' (records carry the raw WLT photo only) or 'library' (a vendor "
                              "decoder library loaded with ctypes)", choices=("none", "library")),
    "wlt_library": Field(str, "path of the vendor's WLT decoder library (.so/.dll) when wlt_decoder "
                              "is 'library'; relative paths start at the project folder"),
    "wlt_function": Field(str, "exported decoder function: int f(const char *wlt, char *bmp, int flag)"),
    "wlt_flag": Field(int, "third argument the vendor's function expects (602 in common SDKs)"),
}
