"""Test-wide set-up: Kivy runs headless (SDL's offscreen driver) and writes nothing to $HOME."""

import os
import tempfile

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kiosk-test-kivy-"))
# Tests must not pick up a technician's override files.
os.environ.pop("KIOSK_CONFIG", None)
