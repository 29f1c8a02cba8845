"""`devices test-print` and `devices render-receipt`: exit codes and one-line failures, no tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from terminal.cli import main


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "terminal.toml"
    path.write_text(f'[terminal]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    return path


def test_test_print_on_the_simulated_printer(config_file, tmp_path, capsys):
    assert main(["-c", str(config_file), "devices", "test-print"]) == 0
    out = capsys.readouterr().out
    assert "ready" in out and "virtual printer drew" in out
    [png] = (tmp_path / "data" / "printer" / "receipts").glob("receipt-*.png")
    assert Image.open(png).width == 512 + 32


def test_test_print_on_a_missing_port_says_so_in_one_line(config_file, capsys):
    assert main(["-c", str(config_file), "devices", "test-print", "--port", "/dev/ttyNO-SUCH-PORT"]) == 1
    err = capsys.readouterr().err
    line = next(text for text in err.splitlines() if text.startswith("test-print:"))
    assert "/dev/ttyNO-SUCH-PORT" in line
    assert "Traceback" not in err


def test_render_receipt_draws_a_captured_file(config_file, tmp_path, capsys):
    capture = tmp_path / "capture.bin"
    assert main(["-c", str(config_file), "devices", "test-print", "--file", str(capture)]) == 0
    out_png = tmp_path / "out.png"
    assert main(["-c", str(config_file), "devices", "render-receipt", str(capture), "-o", str(out_png)]) == 0
    assert "1 receipt(s)" in capsys.readouterr().out
    assert Image.open(out_png).width == 512 + 32


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"),
    (b"\x1b\xff", "unsupported command"),
    (b"\x1b@", "prints nothing"),
])
def test_render_receipt_failures_are_one_line(config_file, tmp_path, capsys, content, message):
    source = tmp_path / "in.bin"
    if content is not None:
        source.write_bytes(content)
    assert main(["-c", str(config_file), "devices", "render-receipt", str(source), "-o", str(tmp_path / "o.png")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("render-receipt:")
