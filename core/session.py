"""The citizen's session: the only place personal data lives, and the one place that wipes it.

Flows put card records, photos and form data here (and temporary files in `temp_dir`).
`wipe()` erases all of it, runs each registered clean-up, and forgets the names the log
filter was masking. The app calls it on cancel, on finishing and on idle timeout.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from core.privacy import KNOWN_NAMES, KnownNames

if TYPE_CHECKING:
    from core.config import Config

log = logging.getLogger(__name__)

SESSIONS_FOLDER = "sessions"  # under the data folder: each session's temporary files


class Session:
    """Holds one citizen's data and preferences from the first touch until the wipe."""

    @classmethod
    def from_config(cls, config: Config) -> Session:
        """A session in the terminal's defaults ([ui]), its temp files under the data folder."""
        ui = config["ui"]
        return cls(config.data_dir / SESSIONS_FOLDER, ui["default_language"], ui["large_text"], ui["high_contrast"])

    def __init__(self, temp_root: Path, language: str, large_text: bool = False,
                 high_contrast: bool = False, names: KnownNames = KNOWN_NAMES) -> None:
        self._temp_root = temp_root
        self._defaults = (language, large_text, high_contrast)
        self._names = names
        self._cleanups: list[Callable[[], None]] = []
        self._temp_dir: Path | None = None
        self.id = ""
        self.data: dict[str, Any] = {}
        self.language, self.large_text, self.high_contrast = self._defaults
        self._new_id()

    def _new_id(self) -> None:
        self.id = uuid.uuid4().hex[:12]

    @property
    def temp_dir(self) -> Path:
        """A private folder for this session's files (captured photos, receipts), made on demand."""
        if self._temp_dir is None:
            self._temp_root.mkdir(parents=True, exist_ok=True)
            self._temp_dir = Path(tempfile.mkdtemp(prefix=f"{SESSION_FOLDER_PREFIX}{self.id}-", dir=self._temp_root))
        return self._temp_dir

    def remember_person(self, *names: str) -> None:
        """Register names so the log filter masks them wherever they appear."""
        self._names.add(*names)

    def on_wipe(self, cleanup: Callable[[], None]) -> None:
        """Run `cleanup` when the session is wiped (a flow releasing its card, camera frames, ...)."""
        self._cleanups.append(cleanup)

    def wipe(self, reason: str) -> None:
        """Erase everything personal, restore the terminal's defaults and start a fresh session id."""
        cleanups, self._cleanups = self._cleanups, []
        for cleanup in cleanups:
            try:
                cleanup()
            except Exception:  # one failing clean-up must not stop the others
                log.exception("session clean-up failed")
        self.data.clear()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
        self._names.clear()
        log.info("session %s wiped (%s)", self.id, reason)
        self.language, self.large_text, self.high_contrast = self._defaults
        self._new_id()

    def set_defaults(self, language: str, large_text: bool = False, high_contrast: bool = False) -> None:
        """New terminal defaults (a configuration reloaded at idle); taken by the next session."""
        self._defaults = (language, large_text, high_contrast)

    @property
    def is_empty(self) -> bool:
        return not self.data and self._temp_dir is None


SESSION_FOLDER_PREFIX = "session-"


def remove_leftover_sessions(temp_root: Path) -> int:
    """Delete the session folders a previous process left behind (a crash, a power cut, a kiosk
    stopped by its crash-loop guard): captured photos and receipts of a citizen long gone. Called
    once at start, before any session of this process exists. Returns how many were removed."""
    if not temp_root.is_dir():
        return 0
    leftovers = [path for path in temp_root.iterdir() if path.is_dir() and path.name.startswith(SESSION_FOLDER_PREFIX)]
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)
    if leftovers:
        log.warning("%d session folder(s) left by the previous run removed", len(leftovers))
    return len(leftovers)
