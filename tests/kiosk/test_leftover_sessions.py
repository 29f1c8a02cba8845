"""A kiosk that stopped without wiping (a power cut, a crash, its crash-loop guard) leaves the last
citizen's session folder (photos, receipts) on disk; the next start removes it (issue 18)."""

from __future__ import annotations

import logging

from core.session import SESSIONS_FOLDER, Session, remove_leftover_sessions
from terminal.scratch import scratch_config


def test_session_folders_of_a_previous_run_are_removed_at_start(tmp_path, caplog):
    config = scratch_config(tmp_path)
    crashed = Session.from_config(config)
    photo = crashed.temp_dir / "capture.jpg"
    photo.write_bytes(b"\xff\xd8\xff fake photo")
    other = config.data_dir / SESSIONS_FOLDER / "not-a-session"
    other.mkdir()
    # the process dies here: no wipe

    with caplog.at_level(logging.WARNING, logger="core.session"):
        assert remove_leftover_sessions(config.data_dir / SESSIONS_FOLDER) == 1
    assert not photo.exists() and not crashed.temp_dir.exists()
    assert other.is_dir(), "only session folders are removed"
    assert any("left by the previous run removed" in r.getMessage() for r in caplog.records)
    assert remove_leftover_sessions(tmp_path / "never-made") == 0
