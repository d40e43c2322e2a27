"""Photo decoder adapters: the vendor's WLT library through ctypes, or an honest 'unavailable'.

No open WLT decoder exists. The common vendor export is `int unpack(char *src, char *dst, int bmpSave)` in
libwltrs.so (src: 1024 WLT bytes; dst: 38862-byte buffer receiving a 102×126 24-bit BMP; returns 1 on
success) — *unverified*: vendors differ, so the symbol name and the success value are options.
"""

from __future__ import annotations

import ctypes
import os

from kiosk.errors import DeviceError

BMP_SIZE = 14 + 40 + 126 * (102 * 3 + 2)  # header + info + rows padded to 4 bytes = 38862


class PhotoUnavailable:
    available = False

    def __init__(self, reason: str):
        self.reason = reason

    def decode(self, wlt: bytes) -> bytes:
        raise DeviceError("idcard", f"photo decoding unavailable: {self.reason}")


class WltLibraryDecoder:
    """Loads the library on first use (never at construction), so a missing file is reported, not fatal."""

    available = True
    reason = ""

    def __init__(self, path: str, symbol: str = "unpack", success: int = 1):
        self.path, self.symbol, self.success = path, symbol, success
        self._fn = None

    def _load(self):
        if self._fn is None:
            try:
                fn = getattr(ctypes.CDLL(self.path), self.symbol)
            except (OSError, AttributeError) as e:
                raise DeviceError("idcard", f"WLT library {self.path}: {e}") from None
            fn.argtypes, fn.restype = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int], ctypes.c_int
            self._fn = fn
        return self._fn

    def decode(self, wlt: bytes) -> bytes:
        if len(wlt) > 1024:  # a card's photo block is 1024 bytes: anything longer is not one
            raise DeviceError("idcard", f"WLT photo is {len(wlt)} bytes, expected 1024")
        fn = self._load()
        src, dst = ctypes.create_string_buffer(bytes(wlt), 1024), ctypes.create_string_buffer(BMP_SIZE)
        rc = fn(src, dst, 0)
        if rc != self.success:
            raise DeviceError("idcard", f"WLT library returned {rc}")
        return dst.raw


def photo_decoder(library_path: str = "") -> WltLibraryDecoder | PhotoUnavailable:
    """From config devices.wlt_library: empty or missing file → unavailable, with the reason to show staff."""
    if not library_path:
        return PhotoUnavailable("no WLT library configured (devices.wlt_library); face-vs-ID comparison is off")
    if not os.path.isfile(library_path):
        return PhotoUnavailable(f"WLT library not found at {library_path}; face-vs-ID comparison is off")
    return WltLibraryDecoder(library_path)
