"""A simulated serial scanner on a pty: tests and the simulation panel "scan" a code.

`scan(text, encoding=..., terminator=...)` writes the bytes a real scanner sends for one
code; `send_raw` writes anything (noise, half a code). The driver opens a stable symlink,
so `unplug()` / `plug_in()` behave like pulling and replugging a USB-CDC scanner.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping

from devices.channels import PtyPair, open_pty

log = logging.getLogger(__name__)

PTY_LINK_NAME = "scanner.tty"
TERMINATORS = {"\r": b"\r", "\n": b"\n", "\r\n": b"\r\n"}


class ScannerSimulator:
    """A scanner whose trigger is a method call."""

    kind = "scanner"

    def __init__(self, link_path: Path) -> None:
        self.path = link_path
        self._pty: PtyPair | None = None

    def start(self) -> None:
        self.plug_in()

    def stop(self) -> None:
        self.unplug()

    def plug_in(self) -> None:
        if self._pty is not None:
            return
        self._pty = open_pty()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".new")
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(self._pty.slave_path)
        temporary.replace(self.path)

    def unplug(self) -> None:
        if self.path.is_symlink():
            self.path.unlink()
        if self._pty is not None:
            self._pty.close()
            self._pty = None

    def scan(self, text: str, encoding: str = "utf-8", terminator: str = "\r") -> None:
        """Send one code as a scanner set to `encoding` and `terminator` ("\\r", "\\n" or "\\r\\n")."""
        self.send_raw(text.encode(encoding) + TERMINATORS[terminator])

    def send_raw(self, data: bytes) -> None:
        if self._pty is None:
            raise RuntimeError("the simulated scanner is unplugged")
        os.write(self._pty.master_fd, data)

    def describe(self) -> str:
        target = self._pty.slave_path if self._pty else "unplugged"
        return f"serial port {self.path} ({target})"


def build(settings: Mapping[str, Any], context: Any):
    """Factory builder for `driver = "simulator"`: the real driver on a simulated scanner's pty."""
    from devices.scanner.driver import SerialScanner

    simulator = ScannerSimulator(Path(context.data_dir) / "scanner" / PTY_LINK_NAME)
    simulator.start()
    context.simulators["scanner"] = simulator
    context.closers.append(simulator.stop)
    scanner = SerialScanner(str(simulator.path), settings["baud"])
    context.closers.append(scanner.close)
    return scanner
