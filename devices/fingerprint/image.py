"""A finger image as an 8-bit greyscale PNG (each 4-bit value times 17), for the technician."""

from __future__ import annotations

import io

from devices.fingerprint.contract import FingerImage


def png_bytes(image: FingerImage) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("L", (image.width, image.height), image.greyscale()).save(out, format="PNG")
    return out.getvalue()
