"""The pluggable WLT photo decoder: none by default, a vendor library through ctypes when configured.

The vendor library here is a stand-in compiled from C in the test (same C signature as vendor
SDKs), so the ctypes path runs for real.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from devices.idcard import wlt
from devices.idcard.driver import SerialIdCardReader
from devices.idcard.simulator import sample_resident_card

from .conftest import FAST_TIMEOUTS

FAKE_VENDOR_SOURCE = r"""
#include <string.h>
/* Writes a 102x126 24-bit BMP whose pixels repeat the first WLT byte; flag must be 602. */
int unpack(const unsigned char *wlt, unsigned char *bmp, int flag) {
    if (flag != 602) return -1;
    unsigned int size = 38862, offset = 54, header = 40, width = 102, height = 126;
    memset(bmp, 0, size);
    bmp[0] = 'B'; bmp[1] = 'M';
    memcpy(bmp + 2, &size, 4); memcpy(bmp + 10, &offset, 4); memcpy(bmp + 14, &header, 4);
    memcpy(bmp + 18, &width, 4); memcpy(bmp + 22, &height, 4);
    bmp[26] = 1; bmp[28] = 24;
    memset(bmp + 54, wlt[0], size - 54);
    return 1;
}
int refuse(const unsigned char *wlt, unsigned char *bmp, int flag) { return 0; }
int scribble(const unsigned char *wlt, unsigned char *bmp, int flag) { bmp[0] = 'X'; return 1; }
"""


@pytest.fixture(scope="module")
def vendor_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:  # kiosk.sh does not install one; the none-decoder tests still run
        pytest.skip("no C compiler to build the stand-in vendor library (apt-get install gcc)")
    folder = tmp_path_factory.mktemp("vendor")
    source, library = folder / "fakewlt.c", folder / "libfakewlt.so"
    source.write_text(FAKE_VENDOR_SOURCE)
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def test_no_decoder_gives_no_picture() -> None:
    decoder = wlt.build_decoder("none", "", "unpack")
    assert decoder.name == "none" and decoder.decode(bytes(1024)) is None


def test_vendor_library_decodes_to_a_102x126_bmp(vendor_library: Path) -> None:
    decoder = wlt.build_decoder("library", str(vendor_library), "unpack")
    bmp = decoder.decode(b"\x7f" + bytes(1023))
    assert bmp is not None and len(bmp) == wlt.BMP_SIZE == 38862
    assert wlt.is_photo_bmp(bmp) and struct.unpack_from("<ii", bmp, 18) == (102, 126)
    assert bmp[54:60] == b"\x7f" * 6


@pytest.mark.parametrize("function", ["refuse", "scribble"])
def test_a_vendor_failure_means_no_picture(vendor_library: Path, function: str) -> None:
    assert wlt.build_decoder("library", str(vendor_library), function).decode(bytes(1024)) is None


def test_the_flag_is_passed_through(vendor_library: Path) -> None:
    assert wlt.build_decoder("library", str(vendor_library), "unpack", flag=1).decode(bytes(1024)) is None


@pytest.mark.parametrize(("library", "function"), [("/nonexistent/libwlt.so", "unpack"), (None, "missing")])
def test_a_library_that_cannot_load_is_a_configuration_error(vendor_library: Path, library, function) -> None:
    with pytest.raises(wlt.WltDecoderError, match="cannot be loaded"):
        wlt.build_decoder("library", library or str(vendor_library), function)


def test_the_driver_attaches_the_decoded_picture(simulator, vendor_library: Path) -> None:
    simulator.insert_card(sample_resident_card())
    decoder = wlt.build_decoder("library", str(vendor_library), "unpack")
    reader = SerialIdCardReader(simulator.path, timeouts=FAST_TIMEOUTS, decoder=decoder)
    try:
        record = reader.read_card().record
    finally:
        reader.close()
    assert record is not None and record.photo.bmp is not None and wlt.is_photo_bmp(record.photo.bmp)
    assert record.photo.wlt == sample_resident_card().photo.wlt
