"""Decoding the chip's WLT photo: pluggable, because only vendor libraries can do it.

The 1024-byte WLT image decodes to a 102 x 126 24-bit BMP, but the format is not public and
no open decoder exists (DOMAIN.md section 2). A hall that licensed its reader vendor's SDK
configures the library; everywhere else the record simply has no picture (the raw WLT bytes
are still kept) and nothing else changes: the flow compares faces against the photo the
back end holds, never depends on this one.
"""

from __future__ import annotations

import ctypes
import logging
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

PHOTO_WIDTH = 102
PHOTO_HEIGHT = 126
BMP_ROW_SIZE = (PHOTO_WIDTH * 3 + 3) // 4 * 4
BMP_HEADER_SIZE = 54
BMP_SIZE = BMP_HEADER_SIZE + BMP_ROW_SIZE * PHOTO_HEIGHT  # 38862, the buffer vendor SDKs fill
VENDOR_SUCCESS = 1  # what vendor `unpack` functions return when they decoded the photo
# The third argument vendor examples pass (602: BMP into the buffer, no file written). It is
# not the same for every vendor, hence configurable (`wlt_flag`); this is its default.
DEFAULT_VENDOR_FLAG = 602


class WltDecoder(Protocol):
    """Turns WLT bytes into BMP bytes, or None when it cannot. Must not raise."""

    name: str

    def decode(self, wlt: bytes) -> bytes | None:
        ...


class NoWltDecoder:
    """The default: no vendor library, so no picture."""

    name = "none"

    def decode(self, wlt: bytes) -> bytes | None:
        return None


class VendorLibraryDecoder:
    """A vendor shared library loaded with ctypes.

    Expected C signature (the one the common Linux and Windows SDKs export):
        int <function>(const unsigned char *wlt, unsigned char *bmp, int flag);
    writing a complete 102 x 126 BMP into `bmp` and returning 1 on success.
    """

    def __init__(self, library: Path, function: str = "unpack", flag: int = DEFAULT_VENDOR_FLAG) -> None:
        self.name = f"{library.name}:{function}"
        self._flag = flag
        # Loading is done once, at build time, so a wrong path is reported when the kiosk
        # starts rather than when the first citizen puts a card down.
        self._unpack = getattr(ctypes.CDLL(str(library)), function)
        self._unpack.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int)
        self._unpack.restype = ctypes.c_int

    def decode(self, wlt: bytes) -> bytes | None:
        buffer = ctypes.create_string_buffer(BMP_SIZE)
        result = self._unpack(wlt, buffer, self._flag)
        if result != VENDOR_SUCCESS:
            log.warning("WLT decoder %s returned %d; the record has no picture", self.name, result)
            return None
        bmp = buffer.raw
        if not is_photo_bmp(bmp):
            log.warning("WLT decoder %s wrote no %dx%d BMP; the record has no picture",
                        self.name, PHOTO_WIDTH, PHOTO_HEIGHT)
            return None
        return bmp


def is_photo_bmp(data: bytes) -> bool:
    """True when `data` starts with a BMP header for a 102 x 126 picture."""
    if len(data) < BMP_HEADER_SIZE or data[:2] != b"BM":
        return False
    width, height = struct.unpack_from("<ii", data, 18)
    return width == PHOTO_WIDTH and abs(height) == PHOTO_HEIGHT


class WltDecoderError(Exception):
    """The configured vendor library cannot be loaded (a configuration problem, found at start)."""


def build_decoder(kind: str, library: str, function: str, flag: int = DEFAULT_VENDOR_FLAG,
                  resolve: Callable[[str], Path] = Path) -> WltDecoder:
    """The decoder `[devices.idcard] wlt_decoder` names; "library" loads `wlt_library`."""
    if kind == "none":
        return NoWltDecoder()
    path = resolve(library)
    try:
        return VendorLibraryDecoder(path, function, flag)
    except (OSError, AttributeError) as exc:
        raise WltDecoderError(f"WLT decoder library {path} (function {function!r}) cannot be loaded: {exc}") from None
