"""Real channels for simulators: a pty pair the driver opens as a serial port.

The simulator reads and writes the master side; pyserial opens the slave path exactly as it
opens /dev/ttyUSB0, so the driver code under test is the code a hall runs.
"""

from __future__ import annotations

import os
import termios
import tty
from dataclasses import dataclass


@dataclass
class PtyPair:
    master_fd: int
    slave_fd: int
    slave_path: str

    def close(self) -> None:
        for fd in (self.master_fd, self.slave_fd):
            try:
                os.close(fd)
            except OSError:
                pass


def open_pty() -> PtyPair:
    """A raw pty pair (no echo, no line editing). ptys ignore baud: simulate line time yourself."""
    master_fd, slave_fd = os.openpty()
    tty.setraw(master_fd)
    tty.setraw(slave_fd)
    attrs = termios.tcgetattr(slave_fd)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(slave_fd, termios.TCSANOW, attrs)
    return PtyPair(master_fd, slave_fd, os.ttyname(slave_fd))


def line_time(byte_count: int, baud: int) -> float:
    """Seconds a UART at `baud` (8N1: 10 bits a byte) needs to send `byte_count` bytes."""
    return byte_count * 10 / baud
