"""A terminal file changed on disk is taken at the next idle moment without a restart: live keys at
once, the runtime rebuilt for device and back-end keys, window keys kept until a restart; a bad
file is refused (logged once) and the kiosk keeps running on the configuration it has."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from terminal.config import load_config

BASE = """
[terminal]
data_dir = "{data}"
window_scale = 0.5
hall_name_en = "Old Hall"
[logging]
folder = "{data}/log"
level = "INFO"
[session]
idle_seconds = 60
warning_seconds = 10
[ui]
voice = false
[hall]
config_check_seconds = 0.5
"""
RUNTIME_START_SECONDS = 30.0


def rewrite(path: Path, text: str) -> None:
    """Write the file as the hall's tooling would, its modification time clearly later."""
    path.write_text(text, encoding="utf-8")
    later = time.time_ns() + 2_000_000_000
    os.utime(path, ns=(later, later))


def settled_check(app):
    """A changed file is read once it has stayed the same for one check (never half-written)."""
    assert app.config_watch.check() is None, "a file that just changed is not read at once"
    return app.config_watch.check()


@pytest.fixture()
def reload_app(ui_config, tmp_path):
    """An app on its home screen built from its own terminal file (runtime not started)."""
    from kiosk.headless import HeadlessKiosk

    override = tmp_path / "terminal.toml"
    override.write_text(BASE.format(data=tmp_path), encoding="utf-8")
    level = logging.getLogger().level
    with HeadlessKiosk(load_config([override])).open() as kiosk:
        yield kiosk.app, override
    logging.getLogger().setLevel(level)


def test_a_changed_file_is_applied_live_at_idle(reload_app):
    app, override = reload_app
    assert (app.lang, app.hall_name, app.idle.idle_seconds) == ("zh_CN", "出入境自助服务大厅（开发）", 60)
    rewrite(override, BASE.format(data=override.parent).replace('hall_name_en = "Old Hall"', (
        'hall_name_en = "New Hall"\ncounter_hint_en = "Counter 3"')).replace('level = "INFO"', 'level = "DEBUG"')
        .replace("idle_seconds = 60", "idle_seconds = 45").replace("voice = false", 'voice = false\ndefault_language = "en"'))

    change = settled_check(app)

    assert change is not None and not change.runtime and not change.needs_restart
    assert app.lang == "en" and app.hall_name == "New Hall"
    assert app.settings["terminal"]["counter_hint_en"] == "Counter 3"
    assert app.idle.idle_seconds == 45
    assert logging.getLogger().level == logging.DEBUG
    assert not app.backstage.rebuilding, "live keys need no runtime rebuild"
    assert app.config_watch.check() is None, "the same file is not applied twice"


def test_nothing_is_applied_while_a_citizen_uses_the_kiosk(reload_app, frames):
    app, override = reload_app
    app.toggle_language()  # the citizen chose English: the session is in use
    rewrite(override, BASE.format(data=override.parent).replace("Old Hall", "New Hall"))
    assert app.config_watch.check() is None
    assert app.settings["terminal"]["hall_name_en"] == "Old Hall"

    app.end_session("citizen left")
    frames(2)  # the watcher's own clock check may run here and take the first look at the file
    for _ in range(3):  # so the explicit checks may need one look fewer than settled_check's two
        app.config_watch.check()
        if app.settings["terminal"]["hall_name_en"] == "New Hall":
            break
    assert app.settings["terminal"]["hall_name_en"] == "New Hall", "applied once the kiosk is idle"


@pytest.mark.parametrize("bad, named", [
    ("idle_seconds = 1", "session.idle_seconds"),
    ("idle_seconds = = 60", "not valid TOML"),
    ("idle_second = 60", "session.idle_second"),
])
def test_a_bad_file_is_refused_logged_once_and_the_running_one_kept(reload_app, caplog, bad, named):
    app, override = reload_app
    running = app.settings
    rewrite(override, BASE.format(data=override.parent).replace("idle_seconds = 60", bad).replace("Old", "Bad"))
    with caplog.at_level(logging.ERROR, logger="terminal.config_watch"):
        assert settled_check(app) is None
        assert app.config_watch.check() is None
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and named in refusals[0] and str(override) in refusals[0]
    assert app.settings is running and app.hall_name == "出入境自助服务大厅（开发）"

    rewrite(override, BASE.format(data=override.parent).replace("Old Hall", "Fixed Hall"))
    assert settled_check(app) is not None
    assert app.settings["terminal"]["hall_name_en"] == "Fixed Hall"


def test_window_keys_wait_for_a_restart_and_say_so(reload_app, caplog):
    app, override = reload_app
    rewrite(override, BASE.format(data=override.parent).replace("window_scale = 0.5", (
        'window_scale = 0.5\norientation = "landscape"')).replace("Old Hall", "New Hall"))
    with caplog.at_level(logging.WARNING, logger="terminal.config_watch"):
        change = settled_check(app)
    assert change.needs_restart == {"terminal.orientation"}
    assert app.settings["terminal"]["orientation"] == "portrait", "the window cannot turn without a restart"
    assert app.settings["terminal"]["hall_name_en"] == "New Hall"
    assert any("needs a restart" in r.getMessage() and "terminal.orientation" in r.getMessage()
               for r in caplog.records)


def test_device_and_back_end_keys_rebuild_the_runtime_at_idle(reload_app, frames):
    app, override = reload_app
    app.backstage.start()
    assert app.backstage.wait(RUNTIME_START_SECONDS), app.backstage.failure
    first = app.backstage.runtime
    assert first.config["backend"]["retries"] == 2

    rewrite(override, BASE.format(data=override.parent) + "[backend]\nretries = 0\n"
            "[devices.printer]\nprofile = \"TM-T20II\"\n")
    change = settled_check(app)
    assert change.runtime == {"backend.retries", "devices.printer.profile"}
    assert not app.backstage.ready(), "services read 'starting' while the runtime is rebuilt"
    deadline = time.monotonic() + RUNTIME_START_SECONDS
    while not app.backstage.ready() and time.monotonic() < deadline:
        frames(1)
        time.sleep(0.02)
    runtime = app.backstage.runtime
    assert runtime is not None and runtime is not first, app.backstage.failure
    assert runtime.config["backend"]["retries"] == 0 and runtime.backend.settings.retries == 0
    assert runtime.config["devices"]["printer"]["profile"] == "TM-T20II"
    assert runtime.session is app.session


def test_a_gbk_or_half_written_file_is_refused_and_reported_to_the_hall(reload_app, caplog):
    """Issue 18: a hall file saved as GBK, or caught half-written, used to raise UnicodeDecodeError
    inside the clock callback. It is refused like any bad file, with its byte offset, the running
    configuration is kept, and the terminal's alert (sent with heartbeats) names the file."""
    app, override = reload_app
    running = app.settings
    text = BASE.format(data=override.parent).replace("Old Hall", "New Hall").replace(
        "[session]", '[session]\n# 北京大厅的设置')
    override.write_bytes(text.encode("gbk"))
    later = time.time_ns() + 2_000_000_000
    os.utime(override, ns=(later, later))
    offset = text.encode("gbk").index("北".encode("gbk"))
    with caplog.at_level(logging.ERROR, logger="terminal.config_watch"):
        assert settled_check(app) is None
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and f"{override}: (encoding): not UTF-8 at byte {offset}" in refusals[0]
    assert app.settings is running and app.settings["terminal"]["hall_name_en"] == "Old Hall"
    alert = app.backstage.alerts.current()["config"]
    assert alert.startswith(f"terminal.toml refused: not UTF-8 at byte {offset}")
    assert len(alert) <= 200

    half = text.encode("utf-8")
    override.write_bytes(half[:half.index("北".encode()) + 2])  # the writer stopped mid-character
    os.utime(override, ns=(later + 10**9, later + 10**9))
    assert settled_check(app) is None
    assert "the file ends in the middle of a character" in app.backstage.alerts.current()["config"]
    assert app.settings is running

    rewrite(override, text)  # the hall pushes it again as UTF-8
    assert settled_check(app) is not None
    assert app.settings["terminal"]["hall_name_en"] == "New Hall"
    assert "config" not in app.backstage.alerts.current(), "a good file clears the alert"


def test_a_bad_value_alert_names_the_key_but_never_the_value(reload_app):
    app, override = reload_app
    rewrite(override, BASE.format(data=override.parent).replace("voice = false", 'voice = "secret-ish"'))
    assert settled_check(app) is None
    alert = app.backstage.alerts.current()["config"]
    assert alert == "terminal.toml refused: ui.voice is not allowed; running on the previous configuration"


def test_a_file_still_being_written_is_not_read_until_it_holds_still(reload_app):
    """The hall's tool writes the file in pieces: the watcher sees it change between two checks
    and waits; a piece cut after a whole line would be valid TOML, so waiting is what keeps it out."""
    app, override = reload_app
    full = BASE.format(data=override.parent).replace("Old Hall", "New Hall").replace(
        "voice = false", "voice = false\nlarge_text = true")
    head = full[:full.index("[session]")]  # valid TOML on its own: terminal and logging only
    override.write_text(head, encoding="utf-8")
    assert app.config_watch.check() is None
    rewrite(override, full)  # the rest arrives before the next check
    assert app.config_watch.check() is None, "still changing at this check"
    change = app.config_watch.check()
    assert change is not None and app.settings["ui"]["large_text"] is True
    assert app.idle.idle_seconds == 60, "the half-written file (no [session]) was never applied"
