"""The AS608 / R30x / ZFM UART protocol (docs/protocols/fingerprint.md): packets, commands, codes.

Pure functions over bytes, shared by the driver and the simulator so both speak exactly the
frames the document shows:

    EF 01 | address (4, big-endian) | packet id (1) | length (2) | payload | sum (2)

`length` counts the payload and the two sum bytes; the sum is the 16-bit sum of the packet
id, the two length bytes and every payload byte.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from devices.fingerprint.contract import MSG_BAD_FRAME, FingerprintError

START = b"\xef\x01"
HEADER_SIZE = 9  # start (2), address (4), packet id (1), length (2)
SUM_SIZE = 2
DEFAULT_ADDRESS = 0xFFFFFFFF
DEFAULT_PASSWORD = 0x00000000
DEFAULT_BAUD = 57600
# The module's baud setting N in ReadSysPara: the line runs at N x 9600.
BAUD_UNIT = 9600

# The image the module's sensor takes: 256 x 288 pixels, 4 bits each, two pixels a byte,
# left pixel in the high nibble, rows top to bottom.
IMAGE_WIDTH = 256
IMAGE_HEIGHT = 288
IMAGE_BYTES = IMAGE_WIDTH * IMAGE_HEIGHT // 2  # 36,864
# Data packet payload sizes by the ReadSysPara code 0..3.
PACKET_SIZES = (32, 64, 128, 256)
DEFAULT_PACKET_SIZE_CODE = 2  # 128 bytes, the modules' factory setting
SYSTEM_PARAMETERS_SIZE = 16


class PacketId(enum.IntEnum):
    COMMAND = 0x01
    DATA = 0x02
    ACK = 0x07
    END_DATA = 0x08


class Instruction(enum.IntEnum):
    GEN_IMG = 0x01  # take an image of the finger into the image buffer
    IMG2TZ = 0x02  # extract features from the image buffer into char buffer 1 or 2
    READ_SYS_PARA = 0x0F  # the 16 bytes of system parameters
    UP_IMAGE = 0x0A  # send the image buffer to the host in data packets
    VFY_PWD = 0x13  # verify the 4-byte handshake password


class Code(enum.IntEnum):
    """Confirmation codes (first payload byte of an acknowledgement) this project knows."""

    OK = 0x00
    PACKET_ERROR = 0x01  # the module could not receive the command packet
    NO_FINGER = 0x02
    ENROLL_FAILED = 0x03  # the image could not be taken
    TOO_MESSY = 0x06  # the image is too disordered for features
    TOO_FEW_FEATURES = 0x07  # too few minutiae (a small or faint print)
    UPLOAD_FAILED = 0x0F  # the image could not be sent
    NO_VALID_IMAGE = 0x15  # no image in the buffer to work on
    WRONG_PASSWORD = 0x13
    MUST_VERIFY_PASSWORD = 0x21

    @property
    def reason(self) -> str:
        return self.name.lower()


def checksum(packet_id: int, payload: bytes) -> int:
    length = len(payload) + SUM_SIZE
    return (packet_id + (length >> 8) + (length & 0xFF) + sum(payload)) & 0xFFFF


def encode_packet(address: int, packet_id: int, payload: bytes) -> bytes:
    length = len(payload) + SUM_SIZE
    return (START + struct.pack(">IBH", address, packet_id, length) + payload
            + struct.pack(">H", checksum(packet_id, payload)))


def encode_command(address: int, instruction: Instruction, params: bytes = b"") -> bytes:
    return encode_packet(address, PacketId.COMMAND, bytes((instruction,)) + params)


def encode_ack(address: int, code: int, data: bytes = b"") -> bytes:
    return encode_packet(address, PacketId.ACK, bytes((code,)) + data)


def vfy_pwd(address: int, password: int) -> bytes:
    return encode_command(address, Instruction.VFY_PWD, struct.pack(">I", password))


def img2tz(address: int, buffer_id: int = 1) -> bytes:
    return encode_command(address, Instruction.IMG2TZ, bytes((buffer_id,)))


@dataclass(frozen=True)
class Packet:
    address: int
    packet_id: int
    payload: bytes


def payload_length(header: bytes) -> int:
    """Bytes that follow a 9-byte header (payload and sum). Raises FingerprintError (bad frame)."""
    if len(header) < HEADER_SIZE or header[:2] != START:
        raise FingerprintError(MSG_BAD_FRAME, f"bad header {header.hex(' ')}")
    length = struct.unpack(">H", header[7:9])[0]
    if length < SUM_SIZE:
        raise FingerprintError(MSG_BAD_FRAME, f"length {length} shorter than the sum")
    return length


def decode_packet(raw: bytes) -> Packet:
    """One whole packet; raises FingerprintError (bad frame) on a wrong start, length or sum."""
    length = payload_length(raw[:HEADER_SIZE])
    if len(raw) != HEADER_SIZE + length:
        raise FingerprintError(MSG_BAD_FRAME, f"{len(raw)} bytes, header announces {HEADER_SIZE + length}")
    address, packet_id = struct.unpack(">IB", raw[2:7])
    payload = raw[HEADER_SIZE:-SUM_SIZE]
    received = struct.unpack(">H", raw[-SUM_SIZE:])[0]
    expected = checksum(packet_id, payload)
    if received != expected:
        raise FingerprintError(MSG_BAD_FRAME, f"sum {received:04x}, expected {expected:04x}")
    return Packet(address, packet_id, payload)


@dataclass(frozen=True)
class SystemParameters:
    """ReadSysPara's 16 bytes."""

    status_register: int
    system_id: int
    library_size: int
    security_level: int
    address: int
    packet_size: int  # data packet payload bytes (32, 64, 128 or 256)
    baud: int

    def encode(self) -> bytes:
        return struct.pack(">HHHHIHH", self.status_register, self.system_id, self.library_size,
                           self.security_level, self.address, PACKET_SIZES.index(self.packet_size),
                           self.baud // BAUD_UNIT)


def decode_system_parameters(data: bytes) -> SystemParameters:
    if len(data) != SYSTEM_PARAMETERS_SIZE:
        raise FingerprintError(MSG_BAD_FRAME, f"system parameters of {len(data)} bytes, not 16")
    status, system_id, library, level, address, size_code, baud_n = struct.unpack(">HHHHIHH", data)
    if size_code >= len(PACKET_SIZES):
        raise FingerprintError(MSG_BAD_FRAME, f"packet size code {size_code}")
    return SystemParameters(status, system_id, library, level, address, PACKET_SIZES[size_code],
                            baud_n * BAUD_UNIT)


def image_packets(address: int, image: bytes, packet_size: int) -> bytes:
    """The data packets UpImage sends after its acknowledgement: `packet_size` bytes each, the
    last one with packet id 0x08."""
    chunks = [image[i:i + packet_size] for i in range(0, len(image), packet_size)]
    return b"".join(encode_packet(address, PacketId.END_DATA if n == len(chunks) - 1 else PacketId.DATA, chunk)
                    for n, chunk in enumerate(chunks))


def upload_wire_bytes(packet_size: int = PACKET_SIZES[DEFAULT_PACKET_SIZE_CODE]) -> int:
    """Bytes on the line for one UpImage: command (12), acknowledgement (12), image data packets."""
    packets = -(-IMAGE_BYTES // packet_size)
    return 12 + 12 + IMAGE_BYTES + packets * (HEADER_SIZE + SUM_SIZE)


def unpack_pixels(image: bytes) -> bytes:
    """4-bit pixels to one byte each, 0..15 (high nibble first), row-major 256 x 288."""
    if len(image) != IMAGE_BYTES:
        raise FingerprintError(MSG_BAD_FRAME, f"image of {len(image)} bytes, not {IMAGE_BYTES}")
    out = bytearray(2 * len(image))
    out[0::2] = image.translate(_HIGH_NIBBLE)
    out[1::2] = image.translate(_LOW_NIBBLE)
    return bytes(out)


_HIGH_NIBBLE = bytes(b >> 4 for b in range(256))
_LOW_NIBBLE = bytes(b & 0x0F for b in range(256))
