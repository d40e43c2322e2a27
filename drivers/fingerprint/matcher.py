"""The reader vendor's fingerprint matcher behind a ctypes port: compares the sensor's character file with the
templates read from an ID card (30 10). The kiosk expects this C signature (vendors differ; write a small shim
library if yours does not match):

    int FP_Match(const unsigned char *card_template, const unsigned char *live_feature);   /* 0..100 */

both buffers 512 bytes. Without the library the port says `available = False` — never a crash. The repository's
stand-in (drivers/standin/fp_matcher_standin.c) has the same signature and understands only the simulators'
records, so the glue is exercised in tests and the demo.
"""

from __future__ import annotations

import ctypes
import os

from kiosk.errors import DeviceError

TEMPLATE_SIZE = 512


class CardTemplateMatcher:
    """Loads the library on first use (never at construction)."""

    def __init__(self, library_path: str, symbol: str = "FP_Match"):
        self.library_path, self.symbol = library_path, symbol
        self._fn = None
        self._broken = ""

    @property
    def available(self) -> bool:
        return bool(self.library_path) and not self._broken and os.path.isfile(self.library_path)

    @property
    def reason(self) -> str:
        if self._broken:
            return self._broken
        if not self.library_path:
            return "no fingerprint matcher configured (devices.fingerprint_matcher)"
        return "" if self.available else f"fingerprint matcher not found at {self.library_path}"

    def _load(self):
        if self._fn is None:
            try:
                fn = getattr(ctypes.CDLL(self.library_path), self.symbol)
            except (OSError, AttributeError) as e:
                self._broken = f"fingerprint matcher unusable: {e}"
                raise DeviceError("fingerprint", self._broken) from None
            fn.argtypes, fn.restype = [ctypes.c_char_p, ctypes.c_char_p], ctypes.c_int
            self._fn = fn
        return self._fn

    def best_score(self, card_templates: bytes, live_feature: bytes) -> int:
        """The best similarity (0..100) of the live feature with any template on the card."""
        fn = self._load()
        live = ctypes.create_string_buffer(bytes(live_feature[:TEMPLATE_SIZE]), TEMPLATE_SIZE)
        scores = []
        for i in range(0, len(card_templates) - TEMPLATE_SIZE + 1, TEMPLATE_SIZE):
            template = ctypes.create_string_buffer(bytes(card_templates[i : i + TEMPLATE_SIZE]), TEMPLATE_SIZE)
            scores.append(int(fn(template, live)))
        ctypes.memset(live, 0, TEMPLATE_SIZE)
        return max(scores, default=0)
