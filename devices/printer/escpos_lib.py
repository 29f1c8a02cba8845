"""python-escpos, imported with its printer capabilities cached in a lasting folder: the
project's modules take python-escpos' names from here, never from `escpos` directly.

On import python-escpos reads its printer database (a 1 MB YAML file, about 150 ms to parse)
and keeps the result as a pickle in `$ESCPOS_CAPABILITIES_PICKLE_DIR`, or else in a new
temporary folder: without the variable the pickle is never found again, every start parses
the YAML, and every process leaves one more folder in /tmp (issue 23 counted 152 after a day).
It also calls `tempfile.mkdtemp()` for the variable's default even when the variable is set.

Importing this module sets the variable, unless the environment already does, to `<user cache>/exit-entry-kiosk/escpos`
(`$XDG_CACHE_HOME` or `~/.cache`), and imports `escpos.capabilities` with that stray
`mkdtemp()` answered by the cache folder itself, so no folder is made in /tmp.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

PICKLE_DIR_VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"
CACHE_NAME = Path("exit-entry-kiosk") / "escpos"
CAPABILITIES_MODULE = "escpos.capabilities"


def lasting_cache_folder() -> Path:
    """The user's cache folder for python-escpos' pickle, made if missing. With no writable
    home (a locked-down service account) one fixed folder under the system's temporary
    folder, reused by every start, instead of a new one per start."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    for folder in (Path(base) / CACHE_NAME, Path(tempfile.gettempdir()) / f"exit-entry-kiosk-escpos-{os.getuid()}"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    raise OSError(f"no writable folder for python-escpos' capabilities cache (tried {base})")


def import_capabilities() -> Any:
    """`escpos.capabilities`, imported once with the lasting cache (see the module docstring)."""
    if CAPABILITIES_MODULE in sys.modules:
        return sys.modules[CAPABILITIES_MODULE]
    folder = os.environ.get(PICKLE_DIR_VARIABLE)
    if not folder:
        folder = str(lasting_cache_folder())
        os.environ[PICKLE_DIR_VARIABLE] = folder
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(*args: Any, **kwargs: Any) -> str:
        # Only the capabilities module's own call (made for the variable's default) is answered
        # with the cache folder; any other thread creating a temporary folder meanwhile gets one.
        if sys._getframe(1).f_globals.get("__name__") == CAPABILITIES_MODULE:
            return folder
        return real_mkdtemp(*args, **kwargs)

    tempfile.mkdtemp = mkdtemp  # type: ignore[assignment]
    try:
        import escpos.capabilities
    finally:
        tempfile.mkdtemp = real_mkdtemp
    return escpos.capabilities


import_capabilities()

# What the project uses of python-escpos, imported once the cache is in place.
from escpos.constants import QR_ECLEVEL_H, QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposLibraryError
from escpos.printer import Dummy

__all__ = ["QR_ECLEVEL_H", "QR_ECLEVEL_L", "QR_ECLEVEL_M", "QR_ECLEVEL_Q", "Dummy", "Escpos", "EscposLibraryError",
           "import_capabilities"]
