"""The fingerprint scanner driver: docs/protocols/fingerprint.md over a serial port.

Written for this project over devices/serial_link.py rather than taken from pyfingerprint or
Adafruit's CircuitPython library (see the protocol document for why). Connects lazily: the
first command opens the port, sends VfyPwd with the configured password and reads the system
parameters (the data packet size); any I/O failure or silence closes the port and reports
DISCONNECTED, and the next call opens it and shakes hands again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import serial
from serial.tools import list_ports

from devices.base import DeviceStatus, StatusLog
from devices.channels import line_time
from devices.fingerprint.contract import (
    MSG_BAD_FRAME,
    MSG_DISCONNECTED,
    MSG_MODULE_FAULT,
    MSG_TIMEOUT,
    MSG_WRONG_PASSWORD,
    FingerImage,
    FingerprintError,
    Quality,
)
from devices.fingerprint.protocol import (
    DEFAULT_ADDRESS,
    DEFAULT_BAUD,
    DEFAULT_PASSWORD,
    HEADER_SIZE,
    IMAGE_BYTES,
    IMAGE_HEIGHT,
    IMAGE_WIDTH,
    START,
    Code,
    Instruction,
    Packet,
    PacketId,
    SystemParameters,
    decode_packet,
    decode_system_parameters,
    encode_command,
    img2tz,
    payload_length,
    unpack_pixels,
    upload_wire_bytes,
    vfy_pwd,
)
from devices.serial_link import LINK_ERRORS, SerialLink, read_until
from devices.usb_ports import PortLister

if TYPE_CHECKING:
    from devices.factory import DeviceContext

log = logging.getLogger(__name__)

# Time to the first byte of an acknowledgement: the modules answer VfyPwd and ReadSysPara at
# once, and take about 0.5 s for GenImg and Img2Tz (sensor exposure, feature extraction).
COMMAND_TIMEOUT = 1.5
# After UpImage's acknowledgement: the image's wire time, twice over, plus this; and between
# two data packets, at most a packet's wire time, twice over, plus this.
UPLOAD_MARGIN = 0.5
# pyserial read timeout: how long one read() blocks before the deadline is checked again.
READ_POLL_SECONDS = 0.05
# status() must not wait behind a running upload: if the line is busy this long, say BUSY.
STATUS_LOCK_WAIT = 0.05
# A command is 12-16 bytes: writing it never legitimately blocks this long.
SERIAL_WRITE_TIMEOUT = 1.0
# Noise the driver skips looking for EF 01 before it calls the answer garbage.
MAX_NOISE_BYTES = 64

_POOR = {Code.TOO_MESSY: Quality.TOO_MESSY, Code.TOO_FEW_FEATURES: Quality.TOO_FEW_FEATURES}


@dataclass(frozen=True)
class Timeouts:
    command: float = COMMAND_TIMEOUT
    upload_margin: float = UPLOAD_MARGIN


class SerialFingerprintScanner:
    """Talks to an AS608 / R30x / ZFM module (or its simulator) on a serial port."""

    kind = "fingerprint"

    def __init__(self, port: str, baud: int = DEFAULT_BAUD, address: int = DEFAULT_ADDRESS,
                 password: int = DEFAULT_PASSWORD, timeouts: Timeouts = Timeouts(),
                 comports: PortLister = list_ports.comports) -> None:
        self._port_name = port
        self._link = SerialLink(port, baud, timeout=READ_POLL_SECONDS, comports=comports,
                                write_timeout=SERIAL_WRITE_TIMEOUT)
        self._address = address
        self._password = password
        self._timeouts = timeouts
        self._lock = threading.Lock()
        self._parameters: SystemParameters | None = None  # known after the handshake on this opening
        self._status_log = StatusLog("fingerprint", log)
        self.last_detail = ""  # why the last status was not usable (doctor shows it)

    # --- verbs -------------------------------------------------------------------------------

    def take_image(self) -> bool:
        with self._lock:
            code = self._ack_code(Instruction.GEN_IMG, encode_command(self._address, Instruction.GEN_IMG))
        if code is Code.OK:
            return True
        if code is Code.NO_FINGER:
            return False
        raise FingerprintError(MSG_MODULE_FAULT, f"GenImg answered {code.reason}", code)

    def judge_image(self) -> Quality:
        with self._lock:
            code = self._ack_code(Instruction.IMG2TZ, img2tz(self._address, 1))
        if code is Code.OK:
            return Quality.GOOD
        if code in _POOR:
            return _POOR[code]
        raise FingerprintError(MSG_MODULE_FAULT, f"Img2Tz answered {code.reason}", code)

    def download_image(self) -> FingerImage:
        with self._lock:
            request = encode_command(self._address, Instruction.UP_IMAGE)
            code = self._ack_code(Instruction.UP_IMAGE, request)
            if code is not Code.OK:
                raise FingerprintError(MSG_MODULE_FAULT, f"UpImage answered {code.reason}", code)
            data = self._receive_image()
        return FingerImage(IMAGE_WIDTH, IMAGE_HEIGHT, unpack_pixels(data))

    def parameters(self) -> SystemParameters:
        """The module's system parameters, as read at the handshake."""
        with self._lock:
            self._handshake()
            assert self._parameters is not None
            return self._parameters

    def status(self) -> DeviceStatus:
        if not self._lock.acquire(timeout=STATUS_LOCK_WAIT):
            return DeviceStatus.BUSY
        try:
            self._handshake()
            self._system_parameters()  # a cheap question the module must answer
            status, self.last_detail = DeviceStatus.READY, ""
        except FingerprintError as exc:
            status = DeviceStatus.DISCONNECTED if exc.message_key in (MSG_DISCONNECTED, MSG_TIMEOUT) \
                else DeviceStatus.ERROR
            self.last_detail = exc.detail or exc.message_key
        finally:
            self._lock.release()
        self._status_log.update(status, self.last_detail)
        return status

    def close(self) -> None:
        with self._lock:
            self._drop()

    # --- handshake ---------------------------------------------------------------------------

    def _handshake(self) -> None:
        """Open the port and verify the password unless done on this opening."""
        if self._parameters is not None and self._link.is_open:
            return
        self._connect()
        code = self._code_of(self._exchange(vfy_pwd(self._address, self._password)))
        if code is Code.WRONG_PASSWORD:
            self._drop()
            raise FingerprintError(MSG_WRONG_PASSWORD, "the module refused the configured password", code)
        if code is not Code.OK:
            self._drop()
            raise FingerprintError(MSG_MODULE_FAULT, f"VfyPwd answered {code.reason}", code)
        self._parameters = self._system_parameters()
        log.info("fingerprint module on %s: %d-byte data packets, %d baud setting",
                 self._port_name, self._parameters.packet_size, self._parameters.baud)

    def _system_parameters(self) -> SystemParameters:
        ack = self._exchange(encode_command(self._address, Instruction.READ_SYS_PARA))
        code = self._code_of(ack)
        if code is not Code.OK:
            raise FingerprintError(MSG_MODULE_FAULT, f"ReadSysPara answered {code.reason}", code)
        return decode_system_parameters(ack.payload[1:])

    # --- transport ---------------------------------------------------------------------------

    def _ack_code(self, instruction: Instruction, request: bytes) -> Code:
        self._handshake()
        return self._code_of(self._exchange(request))

    @staticmethod
    def _code_of(ack: Packet) -> Code:
        if ack.packet_id != PacketId.ACK or not ack.payload:
            raise FingerprintError(MSG_BAD_FRAME, f"packet id {ack.packet_id:#04x} where an acknowledgement was due")
        try:
            return Code(ack.payload[0])
        except ValueError:
            raise FingerprintError(MSG_MODULE_FAULT, f"confirmation code {ack.payload[0]:#04x}",
                                   ack.payload[0]) from None

    def _exchange(self, request: bytes) -> Packet:
        try:
            with self._link.io() as port:
                port.reset_input_buffer()  # a late answer to an abandoned command is not ours
                port.write(request)
                port.flush()
                log.debug("fingerprint >> %s", request.hex(" "))
                return self._read_packet(port, time.monotonic() + self._timeouts.command)
        except LINK_ERRORS as exc:
            self._lost(str(exc))
            raise FingerprintError(MSG_DISCONNECTED, f"{self._port_name}: {exc}") from None

    def _receive_image(self) -> bytes:
        """The data packets after UpImage's acknowledgement, up to the one with id 0x08."""
        assert self._parameters is not None
        wire = line_time(upload_wire_bytes(self._parameters.packet_size), self._link.baudrate)
        deadline = time.monotonic() + 2 * wire + self._timeouts.upload_margin
        packet_wire = 2 * line_time(HEADER_SIZE + self._parameters.packet_size + 2, self._link.baudrate)
        data = bytearray()
        try:
            with self._link.io() as port:
                try:
                    while True:
                        # The module sends the packets back to back: a pause longer than the
                        # margin means it stopped, well before the whole image's deadline.
                        gap = time.monotonic() + self._timeouts.upload_margin + packet_wire
                        packet = self._read_packet(port, min(deadline, gap))
                        if packet.packet_id not in (PacketId.DATA, PacketId.END_DATA):
                            raise FingerprintError(MSG_BAD_FRAME,
                                                   f"packet id {packet.packet_id:#04x} inside the image")
                        data += packet.payload
                        if len(data) > IMAGE_BYTES:
                            raise FingerprintError(MSG_BAD_FRAME, f"image longer than {IMAGE_BYTES} bytes")
                        if packet.packet_id == PacketId.END_DATA:
                            break
                except FingerprintError as exc:
                    if exc.message_key == MSG_BAD_FRAME:
                        self._drain(port, deadline)  # the rest of the image must not pass for an answer
                    raise FingerprintError(exc.message_key, f"{exc.detail} after {len(data)} image bytes",
                                           exc.code) from None
        except LINK_ERRORS as exc:
            self._lost(str(exc))
            raise FingerprintError(MSG_DISCONNECTED, f"{self._port_name}: {exc}") from None
        if len(data) != IMAGE_BYTES:
            raise FingerprintError(MSG_BAD_FRAME, f"image of {len(data)} bytes, not {IMAGE_BYTES}")
        return bytes(data)

    def _read_packet(self, port: serial.Serial, deadline: float) -> Packet:
        """Skip noise up to EF 01, read the header, then the announced length.

        Silence is TIMEOUT (the port is closed and reopened next time, as after an unplug);
        bytes that never form a packet, a wrong sum or another module's address are BAD_FRAME."""
        noise = bytearray()
        while True:
            byte = read_until(port, 1, deadline)
            if not byte:
                if noise:
                    raise FingerprintError(MSG_BAD_FRAME, f"garbage instead of a packet: {bytes(noise[:16]).hex(' ')}")
                self._lost("no answer")
                raise FingerprintError(MSG_TIMEOUT, f"{self._port_name}: no answer in time")
            if byte == START[:1]:
                second = read_until(port, 1, deadline)
                if second == START[1:]:
                    break
                byte += second
            noise += byte
            if len(noise) > MAX_NOISE_BYTES:
                raise FingerprintError(MSG_BAD_FRAME, f"garbage instead of a packet: {bytes(noise[:16]).hex(' ')}")
        header = START + read_until(port, HEADER_SIZE - 2, deadline)
        length = payload_length(header)
        rest = read_until(port, length, max(deadline, time.monotonic() + 2 * line_time(length, self._link.baudrate)))
        raw = header + rest
        if len(rest) < length:
            raise FingerprintError(MSG_BAD_FRAME, f"short packet: {len(raw)} of {HEADER_SIZE + length} bytes")
        packet = decode_packet(raw)
        if packet.address != self._address:
            raise FingerprintError(MSG_BAD_FRAME, f"packet from address {packet.address:08x}")
        if log.isEnabledFor(logging.DEBUG) and packet.packet_id == PacketId.ACK:
            log.debug("fingerprint << %s", raw.hex(" "))
        return packet

    @staticmethod
    def _drain(port: serial.Serial, deadline: float) -> None:
        """Read and drop what the module still sends, until the line is quiet (or `deadline`)."""
        while time.monotonic() < deadline and port.read(4096):
            pass

    def _connect(self) -> None:
        if self._link.is_open:
            return
        try:
            self._link.port()
        except LINK_ERRORS as exc:
            self._lost(str(exc))
            raise FingerprintError(MSG_DISCONNECTED, f"{self._port_name}: {exc}") from None
        log.info("fingerprint module port %s opened at %d baud", self._port_name, self._link.baudrate)

    def _lost(self, detail: str) -> None:
        self._drop()
        self._status_log.update(DeviceStatus.DISCONNECTED, detail)

    def _drop(self) -> None:
        self._parameters = None
        self._link.drop()


def build(settings: Mapping[str, Any], context: DeviceContext) -> SerialFingerprintScanner:
    """`driver = "serial"`: the module on `port`."""
    return SerialFingerprintScanner(settings["port"], settings["baud"], settings["address"], settings["password"])
