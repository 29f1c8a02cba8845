"""A simulated AS608 / R30x / ZFM module on a pty: the far side of the line the real driver opens.

It speaks docs/protocols/fingerprint.md byte for byte, takes the wire time of every byte at
its configured baud (paced against the clock, so a long image upload does not drift), and
has the controls the simulation panel and the tests need: place a finger, a smudged finger
(too messy) or a faint one (too few features), lift it, refuse the password, go silent,
answer garbage.
"""

from __future__ import annotations

import enum
import logging
import os
import select
import struct
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devices.channels import PtyPair, line_time, open_pty
from devices.fingerprint.contract import FingerprintError
from devices.fingerprint.driver import SerialFingerprintScanner
from devices.fingerprint.protocol import (
    DEFAULT_ADDRESS,
    DEFAULT_BAUD,
    DEFAULT_PACKET_SIZE_CODE,
    DEFAULT_PASSWORD,
    HEADER_SIZE,
    IMAGE_HEIGHT,
    IMAGE_WIDTH,
    PACKET_SIZES,
    Code,
    Instruction,
    PacketId,
    SystemParameters,
    decode_packet,
    encode_ack,
    image_packets,
    payload_length,
)

if TYPE_CHECKING:
    from devices.factory import DeviceContext

log = logging.getLogger(__name__)

POLL_SECONDS = 0.02
# Bytes written to the pty at a time, each chunk at its place in the line's schedule.
RESPONSE_CHUNK = 256
COMMAND_HISTORY = 64
SYSTEM_ID = 0x0009
LIBRARY_SIZE = 300
SECURITY_LEVEL = 3
# What a garbling module sends instead of an answer: no EF 01 in it.
GARBAGE = bytes(range(0x10, 0x10 + 40))


class Finger(enum.Enum):
    """What lies on the simulated glass."""

    NONE = "none"
    GOOD = "good"
    SMUDGED = "smudged"  # Img2Tz: too messy
    FAINT = "faint"  # Img2Tz: too few features


@dataclass(frozen=True)
class SimulatorTiming:
    """Seconds the simulated module works, on top of the wire time."""

    gen_img: float = 0.3
    img2tz: float = 0.2
    quick: float = 0.002  # VfyPwd, ReadSysPara


FAST_TIMING = SimulatorTiming(gen_img=0.0, img2tz=0.0, quick=0.0)


def finger_image(finger: Finger) -> bytes:
    """A synthetic print, 4 bits a pixel packed two a byte: whorl ridges inside an oval on a
    light background; a smudged one has its ridges blurred into dark patches."""
    import numpy as np

    y, x = np.mgrid[0:IMAGE_HEIGHT, 0:IMAGE_WIDTH].astype(np.float32)
    cx, cy = IMAGE_WIDTH / 2, IMAGE_HEIGHT / 2
    dx, dy = (x - cx) / 95.0, (y - cy) / 125.0
    inside = dx * dx + dy * dy <= 1.0
    radius = np.hypot(x - cx, (y - cy) * 0.8)
    angle = np.arctan2(y - cy, x - cx)
    ridges = np.sin(radius / 2.2 + 1.5 * np.sin(angle))
    if finger is Finger.SMUDGED:
        ridges = np.clip(ridges * 0.3 - 0.6 + 0.5 * np.sin(x / 17.0) * np.cos(y / 23.0), -1, 1)
    elif finger is Finger.FAINT:
        ridges = ridges * 0.15 + 0.7
    pixels = np.full((IMAGE_HEIGHT, IMAGE_WIDTH), 15, dtype=np.uint8)
    pixels[inside] = np.clip(np.rint(7.5 + 7.5 * ridges[inside]), 0, 15).astype(np.uint8)
    flat = pixels.reshape(-1)
    return ((flat[0::2] << 4) | flat[1::2]).astype(np.uint8).tobytes()


class FingerprintSimulator:
    """The module side of the fingerprint protocol, serving one pty."""

    kind = "fingerprint"

    def __init__(self, baud: int = DEFAULT_BAUD, address: int = DEFAULT_ADDRESS,
                 password: int = DEFAULT_PASSWORD, timing: SimulatorTiming = SimulatorTiming(),
                 packet_size_code: int = DEFAULT_PACKET_SIZE_CODE, model_wire_time: bool = True) -> None:
        self._baud = baud
        self.address = address
        self.password = password  # the module's own; a driver with another is refused
        self._timing = timing
        self._packet_size = PACKET_SIZES[packet_size_code]
        self._model_wire_time = model_wire_time
        self._lock = threading.Lock()
        self._finger = Finger.NONE
        self._finger_at: float | None = None  # a finger arriving later (monotonic time)
        self._poor_then_good = 0
        self._silent = False
        self._garbage = 0
        self._spoil_image: tuple[int | None] | None = None
        self._verified = False
        self._image: bytes | None = None
        self._image_kind = Finger.NONE
        self._pty: PtyPair | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        # The latest instructions and whole command packets received, oldest first (tests, panel).
        self.commands_seen: deque[int] = deque(maxlen=COMMAND_HISTORY)
        self.packets_seen: deque[bytes] = deque(maxlen=COMMAND_HISTORY)

    # --- life cycle --------------------------------------------------------------------------

    def start(self) -> str:
        self._pty = open_pty()
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="fingerprint-simulator", daemon=True)
        self._thread.start()
        log.info("fingerprint simulator listening on %s (%d baud)", self._pty.slave_path, self._baud)
        return self._pty.slave_path

    @property
    def port(self) -> str:
        if self._pty is None:
            raise RuntimeError("simulator not started")
        return self._pty.slave_path

    def describe(self) -> str:
        return f"fingerprint module on {self.port} ({self._baud} baud); on the glass: {self._finger.value}"

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        if self._pty is not None:
            self._pty.close()
            self._pty = None

    # --- controls (simulation panel, tests) --------------------------------------------------

    def place_finger(self, finger: Finger = Finger.GOOD, after: float = 0.0) -> None:
        """Lay a finger on the glass, now or `after` seconds from now."""
        with self._lock:
            self._finger = finger
            self._finger_at = time.monotonic() + after

    def lift_finger(self) -> None:
        with self._lock:
            self._finger, self._finger_at = Finger.NONE, None

    def poor_images_before_good(self, count: int, finger: Finger = Finger.SMUDGED) -> None:
        """A finger placed badly `count` times, then well (a citizen following the prompt)."""
        with self._lock:
            self._poor_then_good = count
            self._finger, self._finger_at = finger, time.monotonic()

    def go_silent(self, silent: bool = True) -> None:
        """Stop answering (power lost, cable cut) or answer again."""
        with self._lock:
            self._silent = silent

    def answer_garbage(self, count: int = 1) -> None:
        """Answer the next `count` commands with bytes that are no packet."""
        with self._lock:
            self._garbage = count

    def spoil_next_image(self, cut_after_packets: int | None = None) -> None:
        """The next UpImage goes wrong: one data packet's sum is garbled (line noise), or, with
        `cut_after_packets`, the module stops sending after that many data packets."""
        with self._lock:
            self._spoil_image = (cut_after_packets,)

    # --- serving -----------------------------------------------------------------------------

    def _serve(self) -> None:
        assert self._pty is not None
        master = self._pty.master_fd
        buffer = bytearray()
        while not self._stop.is_set():
            readable, _, _ = select.select([master], [], [], POLL_SECONDS)
            if not readable:
                buffer.clear()  # a partial command that stalled is dropped, as the module does
                continue
            try:
                buffer += os.read(master, 4096)
            except OSError:
                return
            while True:
                start = buffer.find(b"\xef\x01")
                if start < 0:
                    buffer.clear()
                    break
                del buffer[:start]
                if len(buffer) < HEADER_SIZE:
                    break
                try:
                    size = HEADER_SIZE + payload_length(bytes(buffer[:HEADER_SIZE]))
                except FingerprintError:
                    del buffer[:2]
                    continue
                if len(buffer) < size:
                    break
                raw, buffer[:] = bytes(buffer[:size]), buffer[size:]
                self._answer(master, raw)

    def _answer(self, master: int, raw: bytes) -> None:
        # The command's own wire time: the pty delivered it at once, a UART would not have.
        arrived = time.monotonic() + (line_time(len(raw), self._baud) if self._model_wire_time else 0.0)
        with self._lock:
            silent = self._silent
            garbage, self._garbage = self._garbage > 0, max(0, self._garbage - 1)
        self.packets_seen.append(raw)
        if silent:
            return
        try:
            packet = decode_packet(raw)
        except FingerprintError:
            self._send(master, encode_ack(self.address, Code.PACKET_ERROR), arrived)
            return
        if packet.address != self.address or packet.packet_id != PacketId.COMMAND or not packet.payload:
            return  # another module's packet, or not a command: the module keeps quiet
        instruction, params = packet.payload[0], packet.payload[1:]
        self.commands_seen.append(instruction)
        delay = arrived - time.monotonic()  # the module has the whole command only now
        if delay > 0:
            time.sleep(delay)
        answer = GARBAGE if garbage else self._execute(instruction, params)
        self._send(master, answer, time.monotonic())  # the answer starts once the work is done

    def _execute(self, instruction: int, params: bytes) -> bytes:
        if instruction == Instruction.VFY_PWD:
            if len(params) != 4:
                return encode_ack(self.address, Code.PACKET_ERROR)
            time.sleep(self._timing.quick)
            self._verified = struct.unpack(">I", params)[0] == self.password
            return encode_ack(self.address, Code.OK if self._verified else Code.WRONG_PASSWORD)
        if not self._verified:
            return encode_ack(self.address, Code.MUST_VERIFY_PASSWORD)
        if instruction == Instruction.READ_SYS_PARA:
            time.sleep(self._timing.quick)
            parameters = SystemParameters(0, SYSTEM_ID, LIBRARY_SIZE, SECURITY_LEVEL, self.address,
                                          self._packet_size, self._baud)
            return encode_ack(self.address, Code.OK, parameters.encode())
        if instruction == Instruction.GEN_IMG:
            return self._gen_img()
        if instruction == Instruction.IMG2TZ:
            return self._img2tz(params)
        if instruction == Instruction.UP_IMAGE:
            if self._image is None:
                return encode_ack(self.address, Code.NO_VALID_IMAGE)
            packets = image_packets(self.address, self._image, self._packet_size)
            with self._lock:
                spoil, self._spoil_image = self._spoil_image, None
            if spoil is not None:
                packet_bytes = HEADER_SIZE + self._packet_size + 2
                if spoil[0] is None:  # garble the sum of the tenth data packet
                    at = 10 * packet_bytes - 1
                    packets = packets[:at] + bytes((packets[at] ^ 0xFF,)) + packets[at + 1:]
                else:
                    packets = packets[:spoil[0] * packet_bytes]
            return encode_ack(self.address, Code.OK) + packets
        return encode_ack(self.address, Code.PACKET_ERROR)

    def _gen_img(self) -> bytes:
        time.sleep(self._timing.gen_img)
        with self._lock:
            finger = self._finger
            if self._finger_at is not None and time.monotonic() < self._finger_at:
                finger = Finger.NONE
            if finger is not Finger.NONE and self._poor_then_good > 0:
                self._poor_then_good -= 1
                if self._poor_then_good == 0:
                    self._finger = Finger.GOOD  # the next placement is a good one
        if finger is Finger.NONE:
            return encode_ack(self.address, Code.NO_FINGER)
        self._image, self._image_kind = finger_image(finger), finger
        return encode_ack(self.address, Code.OK)

    def _img2tz(self, params: bytes) -> bytes:
        if len(params) != 1 or params[0] not in (1, 2):
            return encode_ack(self.address, Code.PACKET_ERROR)
        if self._image is None:
            return encode_ack(self.address, Code.NO_VALID_IMAGE)
        time.sleep(self._timing.img2tz)
        verdict = {Finger.SMUDGED: Code.TOO_MESSY, Finger.FAINT: Code.TOO_FEW_FEATURES}.get(self._image_kind, Code.OK)
        return encode_ack(self.address, verdict)

    def _send(self, master: int, data: bytes, since: float) -> None:
        """Write `data` as a UART at the baud would: each chunk no earlier than its last byte's
        place in the schedule, counted from `since` (so sleeping late never adds up)."""
        sent = 0
        for start in range(0, len(data), RESPONSE_CHUNK):
            chunk = data[start:start + RESPONSE_CHUNK]
            sent += len(chunk)
            if self._model_wire_time:
                due = since + line_time(sent, self._baud)
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            try:
                os.write(master, chunk)
            except OSError:
                return


def build(settings: Mapping[str, Any], context: DeviceContext) -> SerialFingerprintScanner:
    """Start the simulator on a pty (the module's password is the configured one) and return the
    real driver connected to it."""
    simulator = FingerprintSimulator(settings["baud"], settings["address"], settings["password"])
    port = simulator.start()
    context.simulators["fingerprint"] = simulator
    context.closers.append(simulator.stop)
    return SerialFingerprintScanner(port, settings["baud"], settings["address"], settings["password"])


__all__ = ["FAST_TIMING", "Finger", "FingerprintSimulator", "SimulatorTiming", "build", "finger_image"]
