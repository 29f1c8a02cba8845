"""Logs: one rotating file, one line per event, masked, with Kivy's log in the same place."""

from __future__ import annotations

import logging
import os
import time

import pytest

from core.logs import LOG_FILE_NAME, remove_old_logs, setup_logging
from core.privacy import KNOWN_NAMES

SETTINGS = {"level": "INFO", "max_bytes": 10_000, "backup_count": 3, "max_age_days": 7}


@pytest.fixture()
def log_folder(tmp_path):
    setup_logging(SETTINGS, tmp_path)
    yield tmp_path
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "_kiosk_handler", False):
            logging.getLogger().removeHandler(handler)
            handler.close()


def read_log(folder) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return (folder / LOG_FILE_NAME).read_text(encoding="utf-8")


def test_personal_data_is_masked_in_the_file(log_folder):
    KNOWN_NAMES.add("李小龙")
    try:
        logging.getLogger("flows.test").info("read card of %s, id %s", "李小龙", "11010519491231002X")
    finally:
        KNOWN_NAMES.clear()
    text = read_log(log_folder)
    assert "李**" in text and "110105**********2X" in text
    assert "李小龙" not in text and "11010519491231002X" not in text


def test_traceback_is_one_line_and_masked(log_folder):
    try:
        raise ValueError("bad card 11010519491231002X")
    except ValueError:
        logging.getLogger("x").exception("failed")
    lines = [line for line in read_log(log_folder).splitlines() if "failed" in line]
    assert len(lines) == 1 and "Traceback" in lines[0] and "11010519491231002X" not in lines[0]


def test_kivy_log_reaches_the_same_file(log_folder):
    logging.getLogger("kivy").info("Window: hello from kivy")
    assert "Window: hello from kivy" in read_log(log_folder)


def test_file_rotates_by_size(log_folder):
    for i in range(400):
        logging.getLogger("bulk").info("event %04d %s", i, "x" * 60)
    assert (log_folder / f"{LOG_FILE_NAME}.1").exists()
    assert not (log_folder / f"{LOG_FILE_NAME}.4").exists()


def test_rotated_files_older_than_the_limit_are_deleted(tmp_path):
    old = tmp_path / f"{LOG_FILE_NAME}.2"
    fresh = tmp_path / f"{LOG_FILE_NAME}.1"
    old.write_text("old")
    fresh.write_text("fresh")
    eight_days_ago = time.time() - 8 * 86400
    os.utime(old, (eight_days_ago, eight_days_ago))
    assert remove_old_logs(tmp_path, max_age_days=7) == [old]
    assert fresh.exists() and not old.exists()
