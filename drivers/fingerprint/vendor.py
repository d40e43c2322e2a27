"""Outline of a vendor SDK plug-in: comparing a live finger with the ID card's templates (read 30 10).

Reader vendors ship this as a closed shared library; the export names and signatures differ by vendor and
are *unverified* here. A deployment that has an SDK writes a small adapter on this outline (load lazily with
ctypes, map return codes to FingerprintResult, raise only kiosk errors) and points the config at it as
`vendor:///path/to/lib.so`. Without the library this adapter reports itself unavailable — never a crash.
"""

from __future__ import annotations

import ctypes
import os

from drivers.fingerprint.port import FingerprintResult


class VendorFingerprintSdk:
    # Typical shape of such an SDK (*unverified*): init() → 0 ok; capture(buf, size) → 0 ok;
    # match(card_template, live_feature) → similarity 0..100.
    INIT, CAPTURE, MATCH = "FP_Init", "FP_CaptureFeature", "FP_Match"

    def __init__(self, library_path: str, threshold: int = 60):
        self.library_path, self.threshold = library_path, threshold
        self._lib = None
        self._broken = ""

    @property
    def available(self) -> bool:
        return not self._broken and os.path.isfile(self.library_path)

    @property
    def reason(self) -> str:
        if self._broken:
            return self._broken
        return "" if self.available else f"fingerprint SDK not found at {self.library_path}"

    def _load(self):
        if self._lib is None:
            lib = ctypes.CDLL(self.library_path)
            for name in (self.INIT, self.CAPTURE, self.MATCH):
                getattr(lib, name)  # AttributeError if this vendor names things differently
            if lib[self.INIT]() != 0:
                raise OSError("SDK init failed")
            self._lib = lib
        return self._lib

    def verify_against_card(self, card_templates: bytes, timeout_s: float = 10.0) -> FingerprintResult:
        if not self.available or not card_templates:
            return FingerprintResult("unavailable", reason=self.reason or "the card holds no fingerprints")
        try:
            lib = self._load()
        except (OSError, AttributeError) as e:
            self._broken = f"fingerprint SDK unusable: {e}"
            return FingerprintResult("unavailable", reason=self.reason)
        live = ctypes.create_string_buffer(512)
        if lib[self.CAPTURE](live, 512) != 0:
            return FingerprintResult("no_finger")
        best = max(
            lib[self.MATCH](ctypes.c_char_p(card_templates[i : i + 512]), live)
            for i in range(0, len(card_templates), 512)
        )
        return FingerprintResult("match" if best >= self.threshold else "no_match", score=best)

    def identify(self, timeout_s: float = 10.0) -> FingerprintResult:
        return FingerprintResult("unavailable", reason="the SDK compares with card templates only")

    def close(self) -> None:
        self._lib = None


def factory(url: str, **options) -> VendorFingerprintSdk:
    """vendor:///opt/vendor/libfingerprint.so"""
    return VendorFingerprintSdk(url.split("://", 1)[1], **options)
