"""Photo decoder port: the ctypes adapter against a stand-in vendor library, and the honest 'unavailable'."""

import ctypes.util
import shutil
import subprocess

import pytest

from drivers.idcard.photo import BMP_SIZE, PhotoUnavailable, WltLibraryDecoder, photo_decoder
from kiosk.errors import DeviceError

FAKE_LIB = r"""
#include <string.h>
/* Stand-in for the vendor's libwltrs.so: same export, writes "BM" and echoes the first WLT bytes. */
int unpack(char *src, char *dst, int bmpSave) {
    if (src[0] == 0) return -1;
    memset(dst, 0, 38862); dst[0] = 'B'; dst[1] = 'M'; memcpy(dst + 54, src, 16);
    return 1;
}
"""


def test_no_library_configured_says_so():
    d = photo_decoder("")
    assert isinstance(d, PhotoUnavailable) and not d.available and "face-vs-ID" in d.reason
    with pytest.raises(DeviceError, match="unavailable"):
        d.decode(bytes(1024))


def test_missing_library_file_says_so(tmp_path):
    d = photo_decoder(str(tmp_path / "libwltrs.so"))
    assert not d.available and "not found" in d.reason


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler for the stand-in library")
def test_ctypes_adapter_calls_the_vendor_export(tmp_path):
    src, lib = tmp_path / "wlt.c", tmp_path / "libwltrs.so"
    src.write_text(FAKE_LIB)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    d = photo_decoder(str(lib))
    assert d.available
    bmp = d.decode(b"\x01" * 1024)
    assert len(bmp) == BMP_SIZE and bmp[:2] == b"BM" and bmp[54:70] == b"\x01" * 16
    with pytest.raises(DeviceError, match="returned -1"):
        d.decode(bytes(1024))


def test_library_without_the_export_is_an_error_not_a_crash(tmp_path):
    d = WltLibraryDecoder(ctypes.util.find_library("c") or "libc.so.6", symbol="no_such_export")
    with pytest.raises(DeviceError):
        d.decode(bytes(1024))
