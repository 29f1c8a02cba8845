"""Spoken prompts: each step's instruction read aloud by espeak-ng, in the citizen's language.

Speech runs in a child process so the screen never waits for it; a new prompt stops the one
still speaking, and mute stops it at once. Everything spoken is also on screen (UX.md), so a
kiosk without espeak-ng or a sound card simply stays silent.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from typing import Sequence

log = logging.getLogger(__name__)

VOICES = {"zh_CN": "cmn", "en": "en-gb"}
# Slightly slower than espeak's default 175 words a minute: older citizens follow better.
WORDS_PER_MINUTE = 150


class Voice:
    def __init__(self, enabled: bool = True, program: str = "espeak-ng",
                 extra_args: Sequence[str] = ()) -> None:
        self.enabled = enabled
        self._program = shutil.which(program)
        self._extra_args = list(extra_args)
        self._speaking: subprocess.Popen | None = None
        if self._program is None:
            log.warning("%s not found: voice prompts are off (text is still shown)", program)

    @property
    def available(self) -> bool:
        return self._program is not None

    def command(self, text: str, language: str) -> list[str]:
        return [self._program or "espeak-ng", "-v", VOICES.get(language, "en-gb"),
                "-s", str(WORDS_PER_MINUTE), *self._extra_args, "--", text]

    def say(self, text: str, language: str) -> bool:
        """Start speaking `text`; return False when muted or unavailable."""
        self.stop()
        if not (self.enabled and self.available and text.strip()):
            return False
        try:
            self._speaking = subprocess.Popen(self.command(text, language), stdin=subprocess.DEVNULL,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as exc:
            log.warning("voice prompt failed: %s", exc)
            return False
        return True

    def stop(self) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()
            try:
                self._speaking.wait(timeout=1)
            except subprocess.TimeoutExpired:
                self._speaking.kill()
        self._speaking = None

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        if not enabled:
            self.stop()

    def wait(self, timeout: float = 10) -> int | None:
        """Wait for the current prompt to end (tests, and the screenshot tool)."""
        if self._speaking is None:
            return None
        return self._speaking.wait(timeout=timeout)
