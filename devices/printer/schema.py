"""`[devices.printer]`: the receipt printer's configuration keys (defaults in config/default.toml)."""

from __future__ import annotations

from core.schema import Field, Schema
from devices.usb_ports import port_field

DRIVERS = ("simulator", "serial", "usb", "network", "file")
BAUD_CHOICES = (9600, 19200, 38400, 57600, 115200)

SCHEMA: Schema = {
    "driver": Field(str, "'simulator' (a virtual printer drawing PNGs), 'serial', 'usb', 'network' "
                         "(raw TCP, port 9100) or 'file' (a device file such as /dev/usb/lp0, write-only)",
                    choices=DRIVERS),
    "port": port_field("serial port when driver = 'serial'", "printer"),
    "baud": Field(int, "serial line rate the printer is set to (see its self-test slip)", choices=BAUD_CHOICES),
    "usb_vendor_id": Field(int, "USB vendor id when driver = 'usb', e.g. 0x04b8 (Epson); `lsusb` shows it",
                           minimum=0, maximum=0xFFFF),
    "usb_product_id": Field(int, "USB product id when driver = 'usb', e.g. 0x0202", minimum=0, maximum=0xFFFF),
    "usb_in_endpoint": Field(int, "USB bulk IN endpoint (status replies); 0x82 on most printers",
                             minimum=0x81, maximum=0x8F),
    "usb_out_endpoint": Field(int, "USB bulk OUT endpoint (print data); 0x01 on most printers",
                              minimum=0x01, maximum=0x0F),
    "host": Field(str, "printer's address when driver = 'network'"),
    "tcp_port": Field(int, "printer's raw TCP port when driver = 'network'", minimum=1, maximum=65535),
    "file_path": Field(str, "file the print data is written to when driver = 'file' "
                            "(relative paths start at the project folder)"),
    "profile": Field(str, "python-escpos printer profile (code pages, fonts, paper), e.g. 'TM-T88V'; "
                          "an unknown name is refused at start with the list of known ones"),
    "paper_width_dots": Field(int, "printable width in dots; 0 = the profile's (TM-T88V: 512 on 80 mm paper; "
                                   "576 for most 80 mm Chinese printers, 384 for 58 mm)",
                              minimum=0, maximum=2048),
    "simulator_transport": Field(str, "where the virtual printer listens: 'pty' (a serial port) or "
                                      "'tcp' (a network printer on loopback)", choices=("pty", "tcp")),
    "simulator_tcp_port": Field(int, "virtual printer's TCP port when simulator_transport = 'tcp' "
                                     "(0 = any free port)", minimum=0, maximum=65535),
    "simulator_output_folder": Field(str, "folder, inside terminal.data_dir, where the virtual printer "
                                          "saves each receipt as a PNG"),
}
