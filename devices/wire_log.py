"""What a driver may write to its log about a frame on the wire.

Frames carry personal data: an ID card answer holds the name, ID number and photo, a permit
chip its holder and endorsements, a fingerprint module the print itself. A DEBUG log of the
whole frame in hex would put all of that in the kiosk's log files, which the privacy rule
forbids at every level. What a technician needs to follow an exchange is the frame's start
(marker, sequence, command, status, announced length: protocol fields, never payload), its
size and a digest to tell two frames apart.
"""

from __future__ import annotations

import hashlib

# Every protocol the kiosk speaks keeps its header within the first 8 bytes.
HEADER_BYTES = 8


def frame_summary(frame: bytes, header_bytes: int = HEADER_BYTES) -> str:
    """The frame's header in hex, its length and a short SHA-256: never its payload."""
    head = frame[:header_bytes].hex(" ")
    more = " …" if len(frame) > header_bytes else ""
    digest = hashlib.sha256(frame).hexdigest()[:12]
    return f"{head}{more} ({len(frame)} bytes, sha256 {digest})"
