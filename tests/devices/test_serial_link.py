"""SerialLink over real ptys: opens on first use, drops on an I/O error, reopens on the next use.

A "plugged" device is a pty behind a stable symlink (like /dev/serial/by-id/...); unplugging
closes the pty and removes the link, as udev does when a USB adapter is pulled.
"""

from __future__ import annotations

import errno
import os
import termios
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import serial

from devices.channels import PtyPair, open_pty
from devices.serial_link import LINK_ERRORS, SerialLink

TIMEOUT = 0.2


class Device:
    """A pty the link reaches through a stable path; unplug() and plug_in() swap the pty behind it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pty: PtyPair | None = None

    def plug_in(self) -> None:
        self.pty = open_pty()
        temporary = self.path.with_name(self.path.name + ".new")
        temporary.symlink_to(self.pty.slave_path)
        temporary.replace(self.path)

    def unplug(self) -> None:
        self.path.unlink(missing_ok=True)
        if self.pty is not None:
            self.pty.close()
            self.pty = None

    def send(self, data: bytes) -> None:
        os.write(self.pty.master_fd, data)

    def receive(self, count: int) -> bytes:
        return os.read(self.pty.master_fd, count)


@pytest.fixture
def device(tmp_path: Path) -> Iterator[Device]:
    plugged = Device(tmp_path / "ttyUSB-stable")
    plugged.plug_in()
    yield plugged
    plugged.unplug()


@pytest.fixture
def link(device: Device) -> Iterator[SerialLink]:
    opened = SerialLink(str(device.path), 9600, timeout=TIMEOUT)
    yield opened
    opened.drop()


def talks(link: SerialLink, device: Device) -> bool:
    """Bytes go both ways through the link's port."""
    with link.io() as port:
        device.send(b"ping")
        heard = port.read(4)
        port.write(b"pong")
        port.flush()
    return heard == b"ping" and device.receive(4) == b"pong"


def test_nothing_opens_until_the_first_use(link: SerialLink, device: Device) -> None:
    assert not link.is_open
    port = link.port()
    assert link.is_open and port.is_open
    assert link.port() is port  # the same open port from then on
    assert talks(link, device)


def test_io_opens_the_port_lazily_too(link: SerialLink, device: Device) -> None:
    assert talks(link, device)
    assert link.is_open


def test_serial_settings_reach_the_port(device: Device) -> None:
    link = SerialLink(str(device.path), 19200, timeout=TIMEOUT, write_timeout=0.3, exclusive=True)
    try:
        port = link.port()
        assert (port.baudrate, port.timeout, port.write_timeout) == (19200, TIMEOUT, 0.3)
        assert termios.tcgetattr(port.fd)[4] == termios.B19200
        rival = SerialLink(str(device.path), 19200, timeout=TIMEOUT, exclusive=True)
        with pytest.raises(serial.SerialException, match="exclusively lock"):
            rival.port()  # the exclusive lock is held
        assert not rival.is_open
    finally:
        link.drop()


def test_a_missing_port_raises_pyserials_error_and_stays_closed(tmp_path: Path) -> None:
    link = SerialLink(str(tmp_path / "ttyUSB9"), 9600, timeout=TIMEOUT)
    with pytest.raises(serial.SerialException) as caught:
        link.port()
    assert isinstance(caught.value, LINK_ERRORS)
    assert caught.value.errno == errno.ENOENT
    assert not link.is_open
    with pytest.raises(serial.SerialException), link.io():
        pytest.fail("io() must not run its body without a port")
    assert not link.is_open


def test_a_path_that_is_not_a_tty_is_a_link_error(tmp_path: Path) -> None:
    not_a_port = tmp_path / "notes.txt"
    not_a_port.write_text("hello")
    link = SerialLink(str(not_a_port), 9600, timeout=TIMEOUT)
    with pytest.raises(LINK_ERRORS):
        link.port()
    assert not link.is_open


# What a hung-up pty really raises for each call: termios.error (not an OSError) from the
# buffer flush, pyserial's SerialException from read and write, a bare OSError from the ioctl.
HUNG_UP_CALLS: dict[str, tuple[Callable[[serial.Serial], object], type[Exception]]] = {
    "reset_input_buffer": (lambda port: port.reset_input_buffer(), termios.error),
    "read": (lambda port: port.read(1), serial.SerialException),
    "write": (lambda port: port.write(b"x"), serial.SerialException),
    "in_waiting": (lambda port: port.in_waiting, OSError),
}


@pytest.mark.parametrize("call", sorted(HUNG_UP_CALLS))
def test_an_io_error_drops_the_link_and_passes_through_unchanged(link: SerialLink, device: Device,
                                                                call: str) -> None:
    use, raised = HUNG_UP_CALLS[call]
    port = link.port()
    device.pty.close()  # the far side hangs up; the node is still there
    with pytest.raises(raised), link.io() as same:
        assert same is port
        use(same)
    assert not link.is_open
    assert not port.is_open  # closed, not just forgotten


def test_the_next_use_reopens_after_the_device_comes_back(link: SerialLink, device: Device) -> None:
    assert talks(link, device)
    first = link.port()
    device.unplug()
    with pytest.raises(LINK_ERRORS), link.io() as port:
        port.read(1)
    assert not link.is_open

    with pytest.raises(serial.SerialException) as caught:  # still unplugged: the node is gone
        link.port()
    assert caught.value.errno == errno.ENOENT
    assert not link.is_open

    device.plug_in()
    assert talks(link, device)
    assert link.port() is not first


def test_other_exceptions_leave_the_port_open(link: SerialLink, device: Device) -> None:
    port = link.port()
    with pytest.raises(KeyError), link.io():
        raise KeyError("a protocol error, not a dead line")
    assert link.is_open and link.port() is port
    assert talks(link, device)


def test_baud_change_is_applied_to_the_open_port(link: SerialLink, device: Device) -> None:
    port = link.port()
    assert termios.tcgetattr(port.fd)[4] == termios.B9600
    link.set_baudrate(115200)
    assert link.baudrate == 115200
    assert link.port() is port  # the same port, reconfigured, not reopened
    assert port.baudrate == 115200
    assert termios.tcgetattr(port.fd)[4] == termios.B115200
    assert talks(link, device)


def test_baud_change_while_closed_is_used_at_the_next_open(link: SerialLink) -> None:
    link.set_baudrate(57600)
    assert not link.is_open  # changing the rate opens nothing
    assert termios.tcgetattr(link.port().fd)[4] == termios.B57600


def test_baud_change_on_a_dead_line_drops_the_link(link: SerialLink, device: Device) -> None:
    link.port()
    device.unplug()
    with pytest.raises(serial.SerialException):
        link.set_baudrate(115200)
    assert not link.is_open
    device.plug_in()
    assert termios.tcgetattr(link.port().fd)[4] == termios.B115200  # reopened at the new rate


def test_a_setting_the_port_refuses_is_a_link_error(link: SerialLink, device: Device) -> None:
    """pyserial says ValueError for a refused setting: the line cannot be used, so the link drops."""
    link.port()
    with pytest.raises(ValueError):
        link.set_baudrate(-1)
    assert not link.is_open
    with pytest.raises(ValueError):
        link.port()  # nor opened at that rate
    assert not link.is_open
    link.set_baudrate(9600)
    assert talks(link, device)


def test_drop_is_quiet_on_a_dead_line_and_on_a_closed_link(link: SerialLink, device: Device) -> None:
    link.drop()  # never opened
    link.port()
    device.unplug()
    link.drop()
    link.drop()
    assert not link.is_open
