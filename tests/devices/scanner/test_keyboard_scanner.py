"""A QR scanner in USB keyboard mode, read from recorded key event streams (evtest format).

The streams go through a pipe as struct input_event bytes, so the driver parses what a device
node delivers. No test here runs against a uinput device: this machine has no /dev/uinput
(nor /dev/input), so a virtual keyboard cannot be created; the recorded streams carry the logic.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from devices.base import DeviceStatus
from devices.scanner.contract import ScannerError
from devices.scanner.input_devices import InputDeviceSpec, RawEventSource, find_input_device
from devices.scanner.keyboard import US_LAYOUT, KeyboardScanDecoder, KeyEvent, parse_input_events
from devices.scanner.keyboard_driver import KeyboardScanner

from .recording import FakeInputBus, as_bytes, load, scanner_device

WAIT = 2.0


@pytest.fixture
def bus() -> Iterator[FakeInputBus]:
    fake = FakeInputBus()
    fake.plug(scanner_device())
    yield fake
    fake.close()


def make_scanner(bus: FakeInputBus, spec: str = "Netum Scanner", terminator: str = "enter") -> KeyboardScanner:
    return KeyboardScanner(spec, terminator, list_devices=bus.listing, open_source=bus.open)


def texts(scanner: KeyboardScanner, count: int) -> list[str]:
    found = []
    for _ in range(count):
        scan = scanner.read_scan(WAIT)
        assert scan is not None, f"only {len(found)} of {count} scans arrived"
        found.append(scan.text)
    return found


def test_shift_gives_capitals_and_symbols(bus) -> None:
    scanner = make_scanner(bus)
    bus.send("/dev/input/event5", as_bytes(load("shift_and_symbols.evtest")))
    scan = scanner.read_scan(WAIT)
    assert scan is not None and (scan.text, scan.encoding) == ("Ab-12/CD?x", "keyboard")
    assert scanner.status() is DeviceStatus.READY
    scanner.close()


def test_two_payloads_each_ended_by_enter(bus) -> None:
    scanner = make_scanner(bus)
    bus.send("/dev/input/event5", as_bytes(load("two_payloads.evtest")))
    assert texts(scanner, 2) == ["https://example.org/q?id=A1B2&n=7", "APPT-20261206-0042"]
    assert scanner.poll() is None
    scanner.close()


def test_the_configured_terminator_ends_a_scan(bus) -> None:
    events = load("tab_terminated.evtest")
    assert KeyboardScanDecoder("tab").feed(events) == ["TAB-123"]
    assert KeyboardScanDecoder("enter").feed(events) == []  # Tab is not a terminator there: nothing typed it
    scanner = make_scanner(bus, terminator="tab")
    bus.send("/dev/input/event5", as_bytes(events))
    assert texts(scanner, 1) == ["TAB-123"]
    scanner.close()


def test_a_device_lost_mid_scan_forgets_the_half_typed_code() -> None:
    """The replugged scanner may start its next code within the pause limit: only the reset on
    the device's loss keeps the two apart."""
    cut = load("cut_in_the_middle.evtest")
    end = cut[-1].time
    after = [KeyEvent(end + 0.01 + i / 1000, event.type, event.code, event.value)
             for i, event in enumerate(load("after_replug.evtest"))]
    decoder = KeyboardScanDecoder()
    assert decoder.feed(cut) == []
    decoder.reset()
    assert decoder.feed(after) == ["AFTER-REPLUG"]
    assert KeyboardScanDecoder().feed(cut + after) == ["CUT-12AFTER-REPLUG"]  # what the reset prevents


def test_a_paused_scan_is_dropped_and_the_next_one_kept() -> None:
    assert KeyboardScanDecoder().feed(load("paused_scan.evtest")) == ["WHOLE"]


def test_a_scan_with_a_key_the_layout_cannot_type_is_dropped() -> None:
    assert KeyboardScanDecoder().feed(load("unknown_key.evtest")) == ["GOOD"]


def test_keypad_digits_and_caps_lock() -> None:
    caps, kp1, kp_dot, a, enter, shift = 58, 79, 83, 30, 28, 42
    presses = [caps, a, kp1, kp_dot, caps, a, enter]
    events = [KeyEvent(1.0 + i / 1000, 1, code, value) for i, code in enumerate(presses) for value in (1, 0)]
    assert KeyboardScanDecoder().feed(events) == ["A1.a"]
    shifted_caps = [KeyEvent(2.0, 1, caps, 1), KeyEvent(2.001, 1, shift, 1), KeyEvent(2.002, 1, a, 1),
                    KeyEvent(2.003, 1, shift, 0), KeyEvent(2.004, 1, enter, 1)]
    assert KeyboardScanDecoder().feed(shifted_caps) == ["a"]  # shift undoes caps lock for letters


def test_events_split_across_reads_are_joined() -> None:
    data = as_bytes(load("shift_and_symbols.evtest"))
    events, rest = parse_input_events(data[:100])
    more, rest = parse_input_events(rest + data[100:])
    assert rest == b"" and events + more == load("shift_and_symbols.evtest")


def test_the_layout_matches_the_kernel_key_codes() -> None:
    """The table is written out by hand (no binding needed at run time); python-evdev's ecodes
    come from the kernel headers it was built against."""
    from evdev import ecodes

    names = {"1": "KEY_1", "0": "KEY_0", "-": "KEY_MINUS", "=": "KEY_EQUAL", "q": "KEY_Q", "p": "KEY_P",
             "[": "KEY_LEFTBRACE", "]": "KEY_RIGHTBRACE", "a": "KEY_A", "l": "KEY_L", ";": "KEY_SEMICOLON",
             "'": "KEY_APOSTROPHE", "`": "KEY_GRAVE", "\\": "KEY_BACKSLASH", "z": "KEY_Z", "m": "KEY_M",
             ",": "KEY_COMMA", ".": "KEY_DOT", "/": "KEY_SLASH", " ": "KEY_SPACE"}
    for character, name in names.items():
        assert US_LAYOUT[getattr(ecodes, name)][0] == character, name
    assert US_LAYOUT[ecodes.KEY_KP7] == ("7", "7") and US_LAYOUT[ecodes.KEY_KPSLASH] == ("/", "/")
    assert (ecodes.KEY_ENTER, ecodes.KEY_KPENTER, ecodes.KEY_TAB) == (28, 96, 15)


# ---- unplugged and replugged


def test_a_scan_cut_by_an_unplug_is_dropped_and_the_replugged_scanner_is_found_renumbered(bus) -> None:
    """GIVEN a scan cut in the middle by an unplug WHEN the scanner comes back as another
    /dev/input/eventN THEN scanner.offline while it is out, and only whole scans after."""
    scanner = make_scanner(bus)
    assert scanner.status() is DeviceStatus.READY
    bus.send("/dev/input/event5", as_bytes(load("cut_in_the_middle.evtest")))
    bus.unplug("/dev/input/event5")
    with pytest.raises(ScannerError) as error:
        scanner.read_scan(0.5)
    assert error.value.message_key == "scanner.offline"
    assert "went away" in error.value.detail
    assert scanner.status() is DeviceStatus.DISCONNECTED
    with pytest.raises(ScannerError, match="no input device 'Netum Scanner' is plugged in"):
        scanner.poll()

    bus.plug(scanner_device("/dev/input/event7"))
    assert scanner.status() is DeviceStatus.READY
    assert scanner.describe() == "evdev 'Netum Scanner' on /dev/input/event7"
    bus.send("/dev/input/event7", as_bytes(load("after_replug.evtest")))
    assert texts(scanner, 1) == ["AFTER-REPLUG"]
    assert bus.opened == ["/dev/input/event5", "/dev/input/event7"]
    scanner.close()


def test_background_mode_reconnects_on_replug(bus, monkeypatch) -> None:
    monkeypatch.setattr("devices.scanner.driver.RECONNECT_INTERVAL", 0.05)
    scanner = make_scanner(bus, spec="usb:0483:5750")
    seen: list[str] = []
    scanner.subscribe(lambda scan: seen.append(scan.text))
    bus.send("/dev/input/event5", as_bytes(load("shift_and_symbols.evtest")))
    wait_until(lambda: seen == ["Ab-12/CD?x"])
    bus.unplug("/dev/input/event5")
    wait_until(lambda: scanner.status() is DeviceStatus.DISCONNECTED)
    bus.plug(scanner_device("/dev/input/event9"))
    wait_until(lambda: scanner.status() is DeviceStatus.READY)
    bus.send("/dev/input/event9", as_bytes(load("after_replug.evtest")))
    wait_until(lambda: seen == ["Ab-12/CD?x", "AFTER-REPLUG"])
    scanner.close()


def wait_until(condition, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


# ---- which device


def test_devices_are_found_by_name_or_usb_identity() -> None:
    scanner = scanner_device(uniq="SN01")
    keyboard = scanner_device("/dev/input/event2", "AT Translated Set 2 keyboard", vendor=0x0001, product=0x0001)
    buttons = scanner_device("/dev/input/event6", "Netum Scanner Consumer Control", letters=False)
    devices = [keyboard, scanner, buttons]
    assert find_input_device(InputDeviceSpec.parse("Netum Scanner"), devices) == scanner
    assert find_input_device(InputDeviceSpec.parse("usb:0483:5750"), devices) == scanner
    assert find_input_device(InputDeviceSpec.parse("usb:0483:5750:SN01"), devices) == scanner
    with pytest.raises(OSError, match="no input device usb:0483:5750:SN02"):
        find_input_device(InputDeviceSpec.parse("usb:0483:5750:SN02"), devices)
    twin = scanner_device("/dev/input/event8", uniq="SN02")
    with pytest.raises(OSError, match="2 input devices match usb:0483:5750: .*event5.*event8"):
        find_input_device(InputDeviceSpec.parse("usb:0483:5750"), [*devices, twin])


@pytest.mark.parametrize(("setting", "problem"), [
    ("", "is empty"),
    ("usb:483:5750", "vendor id"),
    ("usb:0483", "needs a vendor and a product id"),
])
def test_bad_input_device_settings_are_refused_with_the_reason(setting: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        InputDeviceSpec.parse(setting)


def test_raw_source_reports_the_end_of_the_stream_as_a_lost_device() -> None:
    read_end, write_end = os.pipe()
    source = RawEventSource(read_end)
    os.write(write_end, KeyEvent(1.5, 1, 30, 1).pack())
    assert source.read(WAIT) == [KeyEvent(1.5, 1, 30, 1)]
    assert source.read(0.01) == []
    os.close(write_end)
    with pytest.raises(OSError):
        source.read(WAIT)
    source.close()


def test_the_factory_refuses_an_evdev_scanner_without_its_device(tmp_path) -> None:
    from core.schema import ConfigError
    from devices.factory import DeviceContext, build_device

    with pytest.raises(ConfigError, match="devices.scanner.input_device: is empty"):
        build_device("scanner", {"driver": "evdev", "input_device": "", "terminator": "enter"},
                     DeviceContext(tmp_path))


def test_the_schema_checks_the_input_device_when_the_configuration_loads() -> None:
    from core.schema import ConfigError
    from devices.scanner.schema import SCHEMA

    SCHEMA["input_device"].check("", "hall.toml", "devices.scanner.input_device")  # blank: not used
    SCHEMA["input_device"].check("usb:0483:5750", "hall.toml", "devices.scanner.input_device")
    with pytest.raises(ConfigError, match="hall.toml: devices.scanner.input_device: product id"):
        SCHEMA["input_device"].check("usb:0483:57", "hall.toml", "devices.scanner.input_device")
    with pytest.raises(ConfigError, match="one of 'enter', 'tab'"):
        SCHEMA["terminator"].check("cr", "hall.toml", "devices.scanner.terminator")


def test_devices_list_shows_typing_devices_and_which_is_the_scanner() -> None:
    from devices.common_cli import keyboard_input_devices

    devices = [scanner_device("/dev/input/event5"), scanner_device("/dev/input/event6", letters=False),
               scanner_device("/dev/input/event2", "AT Translated Set 2 keyboard", vendor=1, product=1)]
    config = {"scanner": {"driver": "evdev", "input_device": "usb:0483:5750", "terminator": "enter"}}
    assert keyboard_input_devices(config, lambda: devices) == [
        "/dev/input/event2  0001:0001  serial -  'AT Translated Set 2 keyboard'  usb-0000:00:14.0-1.2/input0",
        "/dev/input/event5  0483:5750  serial -  'Netum Scanner'  usb-0000:00:14.0-1.2/input0  <- scanner",
    ]


def test_udev_rules_give_the_keyboard_scanner_to_the_kiosk_group() -> None:
    from devices.udev_rules import udev_rules

    text = udev_rules({"scanner": {"driver": "evdev", "input_device": "usb:0483:5750:SN01", "port": ""}})
    assert ('SUBSYSTEM=="input", KERNEL=="event*", ATTRS{idVendor}=="0483", ATTRS{idProduct}=="5750", '
            'ATTRS{serial}=="SN01", SYMLINK+="kiosk-scanner", GROUP="kiosk", MODE="0660"') in text.splitlines()
    assert "KERNEL" not in udev_rules({"scanner": {"driver": "evdev", "input_device": "Netum Scanner"}})
