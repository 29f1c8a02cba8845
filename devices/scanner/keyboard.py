"""A scanner in USB keyboard mode, as key events -> scans: key codes, shift, the terminator.

A keyboard-mode scanner "types" each code: for every character a key press and release (with
left shift held around capitals and symbols), then Enter or Tab, as set in its menu. The
kernel hands those to us as Linux input events (struct input_event: time, type, code, value);
only EV_KEY presses matter here. Codes are those of linux/input-event-codes.h, a stable ABI,
written out so this module needs no binding; the text is what a US keyboard layout gives,
the layout scanners are set to out of the box.

Noise is dropped as by the serial decoder: a key this layout has no character for spoils
the scan it is in (a half code must never fill a form), and a scan whose keys pause longer
than a scanner ever pauses inside a code, or whose device went away, is thrown away unfinished.
Scanned text is never logged.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass

log = logging.getLogger(__name__)

EV_SYN = 0x00
EV_KEY = 0x01
KEY_RELEASE, KEY_PRESS, KEY_REPEAT = 0, 1, 2

KEY_TAB = 15
KEY_ENTER = 28
KEY_LEFTSHIFT = 42
KEY_RIGHTSHIFT = 54
KEY_CAPSLOCK = 58
KEY_KPENTER = 96
SHIFT_KEYS = frozenset({KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
# Keys a scanner may press that type nothing (modifiers, lock keys); ignored, not noise.
SILENT_KEYS = frozenset({29, 56, 97, 100, 125, 126, 69, 70})  # ctrl, alt, meta, num/scroll lock

# What ends a scan, by the configuration's `terminator` setting.
TERMINATOR_KEYS: dict[str, frozenset[int]] = {
    "enter": frozenset({KEY_ENTER, KEY_KPENTER}),
    "tab": frozenset({KEY_TAB}),
}

# code -> (unshifted, shifted) on the US layout.
_ROWS: dict[int, tuple[str, str]] = {
    **{code: pair for code, pair in zip(range(2, 14), zip("1234567890-=", "!@#$%^&*()_+", strict=True))},
    **{code: (ch, ch.upper()) for code, ch in zip(range(16, 26), "qwertyuiop", strict=True)},
    26: ("[", "{"), 27: ("]", "}"),
    **{code: (ch, ch.upper()) for code, ch in zip(range(30, 39), "asdfghjkl", strict=True)},
    39: (";", ":"), 40: ("'", '"'), 41: ("`", "~"), 43: ("\\", "|"),
    **{code: (ch, ch.upper()) for code, ch in zip(range(44, 51), "zxcvbnm", strict=True)},
    51: (",", "<"), 52: (".", ">"), 53: ("/", "?"), 57: (" ", " "),
}
# The keypad types the same whatever shift says (num lock is on on a scanner).
_KEYPAD: dict[int, str] = {
    71: "7", 72: "8", 73: "9", 74: "-", 75: "4", 76: "5", 77: "6", 78: "+", 79: "1", 80: "2",
    81: "3", 82: "0", 83: ".", 55: "*", 98: "/",
}
US_LAYOUT: dict[int, tuple[str, str]] = {**_ROWS, **{code: (ch, ch) for code, ch in _KEYPAD.items()}}

# A scanner types a whole code in one burst (a few ms a key); a pause this long inside a
# code means it was cut short (unplugged, reset) and the rest will never come.
KEY_GAP_TIMEOUT = 0.5
# The longest scan kept, as for serial scanners: a version 40 QR code holds 7089 digits.
MAX_SCAN_CHARACTERS = 8192

# struct input_event on 64-bit Linux: struct timeval (two longs), __u16 type, __u16 code, __s32 value.
INPUT_EVENT = struct.Struct("@llHHi")


@dataclass(frozen=True)
class KeyEvent:
    """One input event as the kernel reports it (time in seconds)."""

    time: float
    type: int
    code: int
    value: int

    def pack(self) -> bytes:
        """The struct input_event bytes of this event (what /dev/input/eventN delivers)."""
        seconds = int(self.time)
        return INPUT_EVENT.pack(seconds, round((self.time - seconds) * 1_000_000), self.type, self.code, self.value)


def parse_input_events(data: bytes) -> tuple[list[KeyEvent], bytes]:
    """The whole struct input_event records in `data`, and the bytes of an unfinished one."""
    whole = len(data) - len(data) % INPUT_EVENT.size
    events = [KeyEvent(sec + usec / 1_000_000, type_, code, value)
              for sec, usec, type_, code, value in INPUT_EVENT.iter_unpack(data[:whole])]
    return events, data[whole:]


class KeyboardScanDecoder:
    """Key events in, finished scans' text out. Times come from the events themselves, so a
    recorded stream decodes the same whenever it is replayed."""

    def __init__(self, terminator: str = "enter") -> None:
        self._terminators = TERMINATOR_KEYS[terminator]
        self._shift_down: set[int] = set()
        self._caps_lock = False
        self._chars: list[str] = []
        self._spoiled = False
        self._last_key_time: float | None = None

    def feed(self, events: list[KeyEvent]) -> list[str]:
        """The texts of the scans these events finish (in order)."""
        finished = []
        for event in events:
            if event.type != EV_KEY:
                continue
            text = self._key(event)
            if text is not None:
                finished.append(text)
        return finished

    def reset(self) -> None:
        """The device went away: what was typed so far will never be finished."""
        if self._chars or self._spoiled:
            log.warning("keyboard scanner: a scan cut short (%d characters) was dropped", len(self._chars))
        self._shift_down.clear()
        self._caps_lock = False
        self._start_scan()

    def _key(self, event: KeyEvent) -> str | None:
        if event.code in SHIFT_KEYS:
            if event.value == KEY_RELEASE:
                self._shift_down.discard(event.code)
            else:
                self._shift_down.add(event.code)
            return None
        if event.value != KEY_PRESS:  # releases type nothing; a scanner never holds a key to repeat
            return None
        self._drop_stale_scan(event.time)
        self._last_key_time = event.time
        if event.code in self._terminators:
            return self._finish()
        if event.code == KEY_CAPSLOCK:
            self._caps_lock = not self._caps_lock
        elif event.code in US_LAYOUT:
            self._type(event.code)
        elif event.code not in SILENT_KEYS:
            self._spoiled = True
        return None

    def _type(self, code: int) -> None:
        plain, shifted = US_LAYOUT[code]
        upper = bool(self._shift_down)
        if plain.isalpha() and self._caps_lock:
            upper = not upper
        if len(self._chars) < MAX_SCAN_CHARACTERS:
            self._chars.append(shifted if upper else plain)
        else:
            self._spoiled = True

    def _drop_stale_scan(self, now: float) -> None:
        if (self._chars or self._spoiled) and self._last_key_time is not None \
                and now - self._last_key_time > KEY_GAP_TIMEOUT:
            log.warning("keyboard scanner: an unfinished scan (%d characters) paused %.1f s and was dropped",
                        len(self._chars), now - self._last_key_time)
            self._start_scan()

    def _finish(self) -> str | None:
        text, spoiled = "".join(self._chars), self._spoiled
        self._start_scan()
        if spoiled:
            log.warning("keyboard scanner: a scan with keys the US layout has no character for was dropped")
            return None
        return text if text.strip() else None

    def _start_scan(self) -> None:
        self._chars = []
        self._spoiled = False
