"""A simulated SAM module on the far side of a pty: the driver under test is the hall's driver.

The simulator reads request frames from the pty master and answers with the same bytes a
real module sends, paced at the configured baud (bytes x 10 / baud), so timing-dependent
code (timeouts, cut-short frames, the benchmark) sees real line time. Its state is public
so tests and the technician's simulation panel can change it: put a card of each kind
down, take it away, pull it during the next read, make the next answer garbled, make the
SAM fail its self-test.

It follows the module's rules: after a successful read the card stays halted, and find
answers "no card" until the card has left the field and come back.
"""

from __future__ import annotations

import collections
import enum
import fcntl
import hashlib
import logging
import os
import random
import select
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from devices.channels import PtyPair, line_time, open_pty
from devices.factory import DeviceContext
from devices.idcard import protocol
from devices.idcard.contract import IdCardError
from devices.idcard.driver import SerialIdCardReader, reader_from_settings
from devices.idcard.protocol import Command, Request, Response, Sw3
from devices.idcard.records import (
    ETHNICITIES,
    CardPhoto,
    ForeignPermanentResident2023Card,
    ForeignPermanentResidentCard,
    IdCardRecord,
    ResidencePermitCard,
    ResidentIdCard,
    Sex,
    Validity,
    encode_appended_address,
    encode_card,
    id_check_digit,
)

log = logging.getLogger(__name__)

CHUNK_SIZE = 32  # bytes written to the pty at a time while pacing an answer at line rate
READ_BUFFER_SIZE = 4096
# How long a simulated card read takes when the card is pulled away and the module answers
# "read failed": about the time a real module spends trying before it gives up.
PULLED_CARD_FAILURE_DELAY_S = 0.05
# 16 bytes the simulated SAM reports as its id ("05.01-20201010-0012345678-0000001234").
SIMULATED_SAM_ID = bytes.fromhex("05000100323e34014e61bc00d2040000")


class Fault(enum.Enum):
    """Something wrong with the simulator's next answer (line noise, a failing module)."""

    BAD_CHECKSUM = "bad_checksum"  # CHK byte wrong
    GARBAGE = "garbage"  # random bytes instead of a frame
    SHORT = "short"  # the answer stops half-way
    SILENCE = "silence"  # no answer at all


class RemovalMode(enum.Enum):
    """How a card pulled away during a read shows on the wire; modules differ."""

    CUT_SHORT = "cut_short"  # the answer stops half-way, then nothing
    READ_FAILED = "read_failed"  # the module answers SW3 0x41
    SILENT = "silent"  # the module never answers the read


class IdCardSimulator:
    """A SAM module with a card field, speaking the protocol on a pty."""

    kind = "idcard"

    def __init__(self, baud: int = protocol.BAUD_RATES[0], link: Path | None = None) -> None:
        """`link`: a stable symlink to the pty (like a udev /dev/serial/by-id name), re-pointed
        at each start, so a driver configured with it reconnects after a simulator restart."""
        self.baud = baud
        self.link = link
        self.requests: collections.deque[bytes] = collections.deque(maxlen=100)
        self.reads = 0  # successful card reads, for tests and the technician panel
        self.sam_fault = False  # SAM self-test failed: every card command answers 0x60
        self._state = threading.Lock()
        self._card: IdCardRecord | None = None
        self._found = self._selected = self._halted = False
        self._pull_during_read: RemovalMode | None = None
        self._faults: collections.deque[tuple[Fault, Command | None]] = collections.deque()
        self._random = random.Random(0x96_69)
        self._pty: PtyPair | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # ---- where it listens --------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The serial port a driver opens: the link when there is one, else the pty slave."""
        if self._pty is None:
            raise RuntimeError("the simulator is not running")
        return str(self.link) if self.link else self._pty.slave_path

    def describe(self) -> str:
        """Where a technician points `[devices.idcard] port`, and what lies on the reader."""
        with self._state:
            card = self._card.kind.value if self._card else "none"
        return f"ID card reader (SAM module) on {self.path} ({self.baud} baud); card on the reader: {card}"

    # ---- the card field (the technician panel's controls) -------------------------------------

    def insert_card(self, record: IdCardRecord) -> None:
        encode_card(record)  # a card the simulator could not encode must fail here, not mid-read
        with self._state:
            self._card = record
            self._found = self._selected = self._halted = False

    def remove_card(self) -> None:
        with self._state:
            self._card = None
            self._found = self._selected = self._halted = False
            self._pull_during_read = None

    @property
    def card_present(self) -> bool:
        with self._state:
            return self._card is not None

    def pull_card_during_next_read(self, mode: RemovalMode = RemovalMode.CUT_SHORT) -> None:
        with self._state:
            self._pull_during_read = mode

    def inject_fault(self, fault: Fault, count: int = 1, command: Command | None = None) -> None:
        """Spoil the next `count` answers (to `command` only, when given)."""
        with self._state:
            self._faults.extend([(fault, command)] * count)

    # ---- running -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._pty = open_pty()
        flags = fcntl.fcntl(self._pty.master_fd, fcntl.F_GETFL)
        # A driver that stopped reading must not block the simulator: like a UART, bytes nobody
        # takes are lost.
        fcntl.fcntl(self._pty.master_fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        if self.link:
            _point_link(self.link, self._pty.slave_path)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="idcard-simulator", daemon=True)
        self._thread.start()
        log.info("ID card simulator listening on %s (%d baud)", self.path, self.baud)

    def stop(self) -> None:
        """Stop answering and close the pty: to the driver, the reader is unplugged."""
        if self._thread is None:
            return
        self._stopping.set()
        self._thread.join()
        self._thread = None
        assert self._pty is not None
        if self.link and self.link.is_symlink() and os.readlink(self.link) == self._pty.slave_path:
            self.link.unlink()
        self._pty.close()
        self._pty = None
        log.info("ID card simulator stopped")

    def _serve(self) -> None:
        assert self._pty is not None
        master = self._pty.master_fd
        buffer = bytearray()
        while not self._stopping.is_set():
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                buffer += os.read(master, READ_BUFFER_SIZE)
            except BlockingIOError:
                continue
            except OSError:
                log.warning("ID card simulator lost its pty")
                return
            for request in _take_frames(buffer):
                self._answer(request)

    # ---- answering -----------------------------------------------------------------------------

    def _answer(self, frame: bytes) -> None:
        # The request took its own time on the wire: the module could not have seen its last
        # byte earlier than this, so the answer starts no sooner.
        request_end = time.perf_counter() + line_time(len(frame), self.baud)
        self.requests.append(frame)
        command = None
        try:
            request = protocol.parse_request(frame)
        except IdCardError:
            answer = _Answer(Response(_frame_error(frame)))
        else:
            command = _command_of(request)
            answer = self._respond(request)
        if answer.response is not None:
            encoded = answer.response.encode()
            self._send(encoded[: len(encoded) // 2] if answer.cut_short else encoded, command,
                       request_end + answer.delay_s)
        if answer.new_baud is not None:
            self.baud = answer.new_baud

    def _respond(self, request: Request) -> _Answer:
        if request.cmd == protocol.SET_BAUD_CMD:
            if request.para >= len(protocol.BAUD_RATES):
                return _Answer(Response(Sw3.COMMAND_ERROR))
            return _Answer(Response(Sw3.SUCCESS), new_baud=protocol.BAUD_RATES[request.para])
        command = _command_of(request)
        if command is None:
            return _Answer(Response(Sw3.COMMAND_ERROR))
        if command is Command.RESET_SAM:
            return _Answer(Response(Sw3.SUCCESS))
        if command is Command.SAM_STATUS:
            return _Answer(Response(Sw3.SAM_SELF_TEST_FAILED if self.sam_fault else Sw3.SUCCESS))
        if command is Command.SAM_ID:
            return _Answer(Response(Sw3.SUCCESS, SIMULATED_SAM_ID))
        if self.sam_fault:
            return _Answer(Response(Sw3.SAM_SELF_TEST_FAILED))
        with self._state:
            return self._card_command(command)

    def _card_command(self, command: Command) -> _Answer:
        """Find, select and the reads, following the module's rules. Called with the state lock."""
        if command is Command.FIND_CARD:
            self._found = self._card is not None and not self._halted
            return _Answer(Response(Sw3.FIND_SUCCESS, bytes(4)) if self._found else Response(Sw3.NO_CARD))
        if command is Command.SELECT_CARD:
            self._selected = self._found
            return _Answer(Response(Sw3.SUCCESS, bytes(8)) if self._selected
                           else Response(Sw3.SELECT_FAILED))
        if command is Command.READ_APPENDED_ADDRESS:
            return _Answer(self._appended_address_answer())
        if self._card is None or not self._selected:
            return _Answer(Response(Sw3.READ_FAILED))
        if self._pull_during_read is not None:
            return self._pulled_card_answer(command)
        self._found = self._selected = False
        self._halted = True
        self.reads += 1
        return _Answer(Response(Sw3.SUCCESS, _card_data(self._card, command)))

    def _pulled_card_answer(self, command: Command) -> _Answer:
        """The card leaves the field while the module reads it."""
        mode, card = self._pull_during_read, self._card
        assert card is not None
        self._card, self._pull_during_read = None, None
        self._found = self._selected = self._halted = False
        if mode is RemovalMode.READ_FAILED:
            return _Answer(Response(Sw3.READ_FAILED), delay_s=PULLED_CARD_FAILURE_DELAY_S)
        if mode is RemovalMode.SILENT:
            return _Answer(None)
        return _Answer(Response(Sw3.SUCCESS, _card_data(card, command)), cut_short=True)

    def _appended_address_answer(self) -> Response:
        if self._card is None or not (self._selected or self._halted):
            return Response(Sw3.READ_FAILED)
        address = self._card.appended_address if isinstance(self._card, ResidentIdCard) else None
        if not address:
            return Response(Sw3.NO_SUCH_ITEM)
        return Response(Sw3.SUCCESS, encode_appended_address(address))

    def _send(self, frame: bytes, command: Command | None, starts_at: float) -> None:
        """Write `frame` at line rate from `starts_at`, spoiled by the next queued fault if it applies."""
        fault = None
        with self._state:
            if self._faults and self._faults[0][1] in (None, command):
                fault, _ = self._faults.popleft()
        if fault is Fault.SILENCE:
            return
        if fault is Fault.BAD_CHECKSUM:
            frame = frame[:-1] + bytes((frame[-1] ^ 0xFF,))
        elif fault is Fault.GARBAGE:
            frame = bytes((0x55,)) + self._random.randbytes(len(frame) - 1)
        elif fault is Fault.SHORT:
            frame = frame[: len(frame) // 2]
        self._write_paced(frame, starts_at)

    def _write_paced(self, frame: bytes, starts_at: float) -> None:
        """Each chunk is written when its last byte would have left a UART started at `starts_at`."""
        assert self._pty is not None
        for offset in range(0, len(frame), CHUNK_SIZE):
            chunk = frame[offset : offset + CHUNK_SIZE]
            due = starts_at + line_time(offset + len(chunk), self.baud)
            self._sleep(due - time.perf_counter())
            if self._stopping.is_set():
                return
            try:
                os.write(self._pty.master_fd, chunk)
            except BlockingIOError:
                pass  # the driver is not reading: the bytes are lost, as on a real line
            except OSError:
                return

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)


@dataclass(frozen=True)
class _Answer:
    """What the module does about one request."""

    response: Response | None  # None: it says nothing
    cut_short: bool = False  # only the first half reaches the line (card pulled mid-answer)
    delay_s: float = 0.0  # time the module spends before answering
    new_baud: int | None = None  # rate to switch to after answering


def _command_of(request: Request) -> Command | None:
    try:
        return Command((request.cmd, request.para))
    except ValueError:
        return None


def _card_data(card: IdCardRecord, command: Command) -> bytes:
    text, photo = encode_card(card), card.photo.wlt
    if command is Command.READ_TEXT_PHOTO_FINGERPRINT:
        return protocol.encode_text_photo_fingerprint(text, photo, card.fingerprints)
    return protocol.encode_text_photo(text, photo)


def _take_frames(buffer: bytearray) -> list[bytes]:
    """Remove complete request frames from `buffer`; drop noise before a preamble."""
    frames = []
    while True:
        start = buffer.find(protocol.PREAMBLE)
        if start < 0:
            del buffer[: max(len(buffer) - len(protocol.PREAMBLE) + 1, 0)]
            return frames
        del buffer[:start]
        if len(buffer) < protocol.HEADER_SIZE:
            return frames
        length = int.from_bytes(buffer[len(protocol.PREAMBLE) : protocol.HEADER_SIZE], "big")
        if length > protocol.MAX_LENGTH:
            frames.append(bytes(buffer[: protocol.HEADER_SIZE]))  # answered with a length error
            del buffer[: protocol.HEADER_SIZE]
            continue
        if len(buffer) < protocol.HEADER_SIZE + length:
            return frames
        frames.append(bytes(buffer[: protocol.HEADER_SIZE + length]))
        del buffer[: protocol.HEADER_SIZE + length]


def _frame_error(frame: bytes) -> Sw3:
    """What the module answers to a malformed request: a length or a checksum error."""
    length = int.from_bytes(frame[len(protocol.PREAMBLE) : protocol.HEADER_SIZE], "big")
    if not protocol.MIN_REQUEST_LENGTH <= length <= protocol.MAX_LENGTH:
        return Sw3.LENGTH_ERROR
    return Sw3.CHECKSUM_ERROR


def _point_link(link: Path, target: str) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    temporary = link.with_name(link.name + ".new")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, link)


# ---- sample cards (fictional people; numbers with valid check digits) --------------------------

def sample_photo(seed: str) -> bytes:
    """1024 deterministic bytes standing in for a WLT photo (not a decodable image)."""
    blocks = (hashlib.sha256(f"{seed}-{i}".encode()).digest() for i in range(32))
    return b"".join(blocks)


def _id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)


def sample_resident_card(**changes: Any) -> ResidentIdCard:
    """A resident card valid long-term (its holder was over 45 when it was issued)."""
    fields: dict[str, Any] = dict(
        name="王小梅", sex=Sex.FEMALE, ethnicity=ETHNICITIES["01"], birth_date=date(1949, 12, 31),
        address="北京市东城区示例胡同1号", id_number="11010519491231002X",
        issuing_authority="北京市公安局东城分局", validity=Validity(date(2015, 3, 1), None),
        photo=CardPhoto(sample_photo("resident")))
    fields.update(changes)
    return ResidentIdCard(**fields)


def sample_residence_permit(**changes: Any) -> ResidencePermitCard:
    fields: dict[str, Any] = dict(
        name="陈大文", sex=Sex.MALE, birth_date=date(1990, 1, 1), address="广东省深圳市福田区示例路8号",
        id_number=_id_number("81000019900101123"), issuing_authority="深圳市公安局",
        validity=Validity(date(2023, 9, 1), date(2028, 9, 1)), permit_number="H12345678",
        issue_count=1, photo=CardPhoto(sample_photo("permit")))
    fields.update(changes)
    return ResidencePermitCard(**fields)


def sample_foreign_card(**changes: Any) -> ForeignPermanentResidentCard:
    fields: dict[str, Any] = dict(
        english_name="SMITH, JOHN", chinese_name="史密斯", sex=Sex.MALE, card_number="USA110080010112",
        nationality="USA", birth_date=date(1980, 1, 1), validity=Validity(date(2020, 6, 1), date(2030, 6, 1)),
        card_version="02", authority_code="1100", photo=CardPhoto(sample_photo("foreign")))
    fields.update(changes)
    return ForeignPermanentResidentCard(**fields)


def sample_foreign_2023_card(**changes: Any) -> ForeignPermanentResident2023Card:
    """A 2023-edition card (type "Y"): first issued in Shanghai (31) to a Swedish (752) national."""
    fields: dict[str, Any] = {
        "chinese_name": "林安娜", "english_name": "LINDQVIST, ANNA MARIA", "sex": Sex.FEMALE,
        "card_number": _id_number("93175219850315002"), "nationality": "752", "birth_date": date(1985, 3, 15),
        "validity": Validity(date(2024, 1, 10), date(2034, 1, 10)), "renewal_count": 0,
        "previous_number_link": "", "photo": CardPhoto(sample_photo("foreign-2023"))}
    fields.update(changes)
    return ForeignPermanentResident2023Card(**fields)


SAMPLE_CARDS = {
    "resident": sample_resident_card,
    "permit": sample_residence_permit,
    "foreign": sample_foreign_card,
    "foreign2023": sample_foreign_2023_card,
}


def build(settings: Mapping[str, Any], context: DeviceContext) -> SerialIdCardReader:
    """Factory builder for `driver = "simulator"`: the real driver on a simulated module's pty."""
    simulator = IdCardSimulator(baud=settings["baud"])
    simulator.start()
    context.simulators["idcard"] = simulator
    context.closers.append(simulator.stop)
    reader = reader_from_settings(settings, simulator.path)
    context.closers.append(reader.close)
    return reader
