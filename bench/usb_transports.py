"""Benchmark: what the USB transports add, each beside its serial anchor measured in the same run.

1. ID card read cycle (find, select, read 30 01) over the HID transport (64-byte reports
   through the simulated HID-to-UART bridge) against the same cycle on the serial pty of the
   same simulated module (the anchor). Both run in this process with the simulator, so the
   difference is what the reports, the bridge hop and their threads add.
2. Turning one scan into text: key events of a keyboard-mode scanner (KeyboardScanDecoder)
   against the serial line decoder (ScanLineDecoder) on the same 40-character code.

    .venv/bin/python bench/usb_transports.py [--reads 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.idcard.contract import ReadOutcome
from devices.idcard.driver import SerialIdCardReader
from devices.idcard.hid_link import HidLink
from devices.idcard.hid_simulator import SIMULATED_HID_ID, HidBridgeSimulator
from devices.idcard.simulator import IdCardSimulator, sample_resident_card
from devices.scanner.decoder import ScanLineDecoder
from devices.scanner.keyboard import EV_KEY, EV_SYN, US_LAYOUT, KeyboardScanDecoder, KeyEvent

WARM_UP_READS = 3
CODE = "https://example.org/a?id=A1B2C3-20261206"  # 40 characters a hall's QR codes look like
KEY_ENTER, KEY_LEFTSHIFT = 28, 42


def time_reads(module: IdCardSimulator, reader: SerialIdCardReader, count: int) -> list[float]:
    times = []
    for _ in range(count):
        module.remove_card()
        module.insert_card(sample_resident_card())
        started = time.perf_counter()
        result = reader.read_card()
        times.append(time.perf_counter() - started)
        if result.outcome is not ReadOutcome.CARD:
            raise SystemExit(f"read cycle ended with {result.outcome.value}")
    return times


def key_events(text: str) -> list[KeyEvent]:
    """The events a keyboard-mode scanner sends for `text` and Enter (shift around capitals)."""
    by_char = {}
    for code, (plain, shifted) in US_LAYOUT.items():
        by_char.setdefault(plain, (code, False))
        by_char.setdefault(shifted, (code, True))
    events, t = [], 1.0
    for ch in text:
        code, shift = by_char[ch]
        keys = [(KEY_LEFTSHIFT, 1), (code, 1), (code, 0), (KEY_LEFTSHIFT, 0)] if shift else [(code, 1), (code, 0)]
        for key, value in keys:
            events += [KeyEvent(t, EV_KEY, key, value), KeyEvent(t, EV_SYN, 0, 0)]
            t += 0.001
    events += [KeyEvent(t, EV_KEY, KEY_ENTER, 1), KeyEvent(t, EV_KEY, KEY_ENTER, 0)]
    return events


def time_decoders(count: int = 3000) -> tuple[list[float], list[float]]:
    events, line = key_events(CODE), CODE.encode() + b"\r"
    keyboard, serial_line = [], []
    for _ in range(count):
        started = time.perf_counter()
        assert KeyboardScanDecoder().feed(events) == [CODE]
        keyboard.append(time.perf_counter() - started)
        started = time.perf_counter()
        scans = ScanLineDecoder().feed(line)
        serial_line.append(time.perf_counter() - started)
        assert scans[0].text == CODE
    return keyboard, serial_line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=20)
    args = parser.parse_args()

    module = IdCardSimulator()
    module.start()
    bridge = HidBridgeSimulator(module)
    serial_reader = SerialIdCardReader(module.path)
    hid_reader = SerialIdCardReader(SIMULATED_HID_ID, link=HidLink(SIMULATED_HID_ID, 115200, 0.5,
                                                                     bridge.open_reports))
    try:
        time_reads(module, serial_reader, WARM_UP_READS)
        serial_times = time_reads(module, serial_reader, args.reads)
        serial_reader.close()  # one host on the module's UART at a time: the bridge takes it now
        bridge.start()
        time_reads(module, hid_reader, WARM_UP_READS)
        hid_times = time_reads(module, hid_reader, args.reads)
    finally:
        hid_reader.close()
        serial_reader.close()
        bridge.stop()
        module.stop()
    keyboard, serial_line = time_decoders()

    ms, us = 1000, 1e6
    serial_median, hid_median = statistics.median(serial_times), statistics.median(hid_times)
    print(f"ID card read cycle at 115200 baud, {args.reads} reads each (after {WARM_UP_READS} warm-up), one process")
    print(f"  serial pty (anchor):            median {serial_median * ms:7.1f} ms")
    print(f"  HID reports via the bridge:     median {hid_median * ms:7.1f} ms   "
          f"(+{(hid_median - serial_median) * ms:.1f} ms, {hid_median / serial_median:.2f}x)")
    print(f"One {len(CODE)}-character scan decoded (CPU)")
    print(f"  serial line decoder (anchor):   median {statistics.median(serial_line) * us:7.1f} us")
    print(f"  keyboard events ({len(key_events(CODE))} events):   median {statistics.median(keyboard) * us:7.1f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
