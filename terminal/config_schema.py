"""The whole configuration schema, assembled from each layer's own fragment.

Each package owns the keys it reads (devices, back end, photo, flows); this module only puts
the fragments together, so a newcomer finds every allowed key from here.
"""

from __future__ import annotations

from backend.config_schema import BACKEND_SCHEMA
from core.schema import Field, Schema
from devices.config_schema import DEVICES_SCHEMA
from flows.config_schema import FLOWS_SCHEMA
from photo.config_schema import PHOTO_SCHEMA
from terminal.hall_schema import HALL_SCHEMA

LANGUAGES = ("zh_CN", "en")

TERMINAL_SCHEMA: Schema = {
    "id": Field(str, "Terminal id as registered with the back end, e.g. 'SH-PD-EXIT-07'."),
    "hall_name_zh": Field(str, "Hall name shown in the top bar (Chinese)."),
    "hall_name_en": Field(str, "Hall name shown in the top bar (English)."),
    "counter_hint_zh": Field(str, "Where to go when the kiosk cannot help (Chinese)."),
    "counter_hint_en": Field(str, "Where to go when the kiosk cannot help (English)."),
    "green_channel_phone": Field(str, "The hall's 24-hour green-channel (urgent cases) phone number shown by the "
                                      "urgent service, e.g. '0731-84590110' (digits, dashes, spaces, a leading +)."),
    "orientation": Field(str, "Screen geometry.", choices=("portrait", "landscape")),
    "fullscreen": Field(bool, "Fullscreen, no decorations (true on a real kiosk)."),
    "window_scale": Field(float, "Window size factor in development (1.0 = real size).",
                          minimum=0.2, maximum=1.0),
    "data_dir": Field(str, "Folder for journal, outbox, simulator state (relative: to the project)."),
}

UI_SCHEMA: Schema = {
    "default_language": Field(str, "Language at the start of each session.", choices=LANGUAGES),
    "large_text": Field(bool, "Start sessions in large-text mode."),
    "high_contrast": Field(bool, "Start sessions in high-contrast mode."),
    "voice": Field(bool, "Speak each step's prompt (espeak-ng)."),
    "simulation_button": Field(bool, "Offer the developer's Simulate button in the top bar while devices are "
                                     "simulated (false in a hall's production file)."),
    "attract_service": Field(str, "Service a card placed on the attract screen starts (the one most citizens "
                                  "choose here; '' = none: the card waits for a touch)."),
    "arrangement": Field(str, "Portrait layout: 'standard', or 'wheelchair' (everything touchable in the lower "
                              "part of the screen, within reach from a wheelchair; citizens may also switch it "
                              "for their session with the top bar's button).",
                         choices=("standard", "wheelchair")),
    "touch_map_file": Field(str, "Test only, never in a hall: write what can be touched on screen to this JSON "
                                 "file (kiosk/ui/touch_map.py; '' = off)."),
    "maintenance_pin_hash": Field(str, "scrypt hash of the maintenance PIN ('' = maintenance locked).",
                                  secret=True),
}

SESSION_SCHEMA: Schema = {
    "idle_seconds": Field(int, "Seconds without a touch before the idle warning.",
                          minimum=10, maximum=3600),
    "warning_seconds": Field(int, "Length of the idle countdown before the session is wiped.",
                             minimum=3, maximum=300),
}

LOGGING_SCHEMA: Schema = {
    "folder": Field(str, "Log folder (relative: to the project)."),
    "level": Field(str, "Least severe level written.", choices=("DEBUG", "INFO", "WARNING", "ERROR")),
    "max_bytes": Field(int, "Rotate a log file at this size.", minimum=10_000, maximum=1_000_000_000),
    "backup_count": Field(int, "Rotated files kept.", minimum=1, maximum=1000),
    "max_age_days": Field(int, "Rotated files older than this are deleted.", minimum=1, maximum=3650),
}

ROOT_SCHEMA: Schema = {
    "terminal": TERMINAL_SCHEMA,
    "ui": UI_SCHEMA,
    "session": SESSION_SCHEMA,
    "logging": LOGGING_SCHEMA,
    "backend": BACKEND_SCHEMA,
    "devices": DEVICES_SCHEMA,
    "photo": PHOTO_SCHEMA,
    "flows": FLOWS_SCHEMA,
    "hall": HALL_SCHEMA,
}
