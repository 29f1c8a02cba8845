"""Test-wide set-up: Kivy runs headless (SDL's offscreen driver) and writes nothing to $HOME."""

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kiosk-test-kivy-"))
# Tests must not pick up a technician's override files.
os.environ.pop("KIOSK_CONFIG", None)


@pytest.fixture(scope="session")
def simulator_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Camera scene videos rendered once per test session, shared by every runtime's data folder
    (link it in as `<data_dir>/simulators`)."""
    folder = tmp_path_factory.mktemp("simulator-cache") / "simulators"
    folder.mkdir()
    return folder
