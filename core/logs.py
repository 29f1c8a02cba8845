"""Logging set-up: one rotating file, one line per event, personal data masked everywhere.

Kivy's own logger writes through the same handlers, so a technician reads one file.
"""

from __future__ import annotations

import logging
import logging.handlers
import time
from pathlib import Path
from typing import Any, Mapping

from core.privacy import KNOWN_NAMES, PersonalDataFilter, mask_text

LOG_FILE_NAME = "kiosk.log"
LINE_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class OneLineMaskingFormatter(logging.Formatter):
    """Keeps every event on one line and masks tracebacks too (the filter sees only the message)."""

    def __init__(self) -> None:
        super().__init__(LINE_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record).replace("\n", " | ")
        return mask_text(text, KNOWN_NAMES.snapshot())


def setup_logging(settings: Mapping[str, Any], folder: Path, console: bool = False) -> Path:
    """Send every logger to a size-rotated file in `folder`; remove files older than the limit."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_old_logs(folder, settings["max_age_days"])
    mask = PersonalDataFilter()
    log_path = folder / LOG_FILE_NAME
    file_handler = logging.handlers.RotatingFileHandler(
        log_path, maxBytes=settings["max_bytes"], backupCount=settings["backup_count"], encoding="utf-8")
    handlers: list[logging.Handler] = [file_handler]
    if console:
        handlers.append(logging.StreamHandler())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_kiosk_handler", False):
            root.removeHandler(old)
            old.close()
    for handler in handlers:
        handler.addFilter(mask)
        handler.setFormatter(OneLineMaskingFormatter())
        handler._kiosk_handler = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(settings["level"])
    route_kivy_logger()
    return log_path


def route_kivy_logger() -> None:
    """Kivy's logger does not propagate by default; let it reach our handlers instead of its own file."""
    kivy_logger = logging.getLogger("kivy")
    kivy_logger.propagate = True
    for handler in list(kivy_logger.handlers):
        if not getattr(handler, "_kiosk_handler", False):
            kivy_logger.removeHandler(handler)


def remove_old_logs(folder: Path, max_age_days: int, now: float | None = None) -> list[Path]:
    """Delete rotated log files older than `max_age_days`; return what was removed."""
    limit = (now if now is not None else time.time()) - max_age_days * 86400
    removed = []
    for path in folder.glob(LOG_FILE_NAME + ".*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
