"""Fingerprint against the ID card (the fallback when the face path ends without a match): the R30x sensor
captures and uploads the finger's character file; the vendor matcher (ctypes) compares it with the card's
templates. Runs in a worker; answers a FingerprintResult and never raises."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from drivers.fingerprint.port import FingerprintPort, FingerprintResult
from kiosk.errors import KioskError

if TYPE_CHECKING:
    from drivers.fingerprint.matcher import CardTemplateMatcher
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)


class CardFingerprints:
    def __init__(
        self, sensor: FingerprintPort | None, matcher: CardTemplateMatcher, threshold: int = 60, timeout_s: float = 10.0
    ):
        self.sensor, self.matcher, self.threshold, self.timeout_s = sensor, matcher, threshold, timeout_s

    @property
    def available(self) -> bool:
        return self.sensor is not None and self.matcher.available

    def check(self, card_templates: bytes, stop: threading.Event | None = None) -> FingerprintResult:
        if not card_templates:
            return FingerprintResult("unavailable", reason="the card holds no fingerprints")
        sensor = self.sensor
        if sensor is None or not self.matcher.available:
            return FingerprintResult("unavailable", reason=self.matcher.reason or "no sensor")
        try:
            feature = sensor.capture_feature(self.timeout_s, stop)
            if feature is None:
                return FingerprintResult("no_finger")
            score = self.matcher.best_score(card_templates, feature)
        except KioskError as e:
            log.warning("fingerprint check: %s", type(e).__name__)
            return FingerprintResult("unavailable", reason=type(e).__name__)
        return FingerprintResult("match" if score >= self.threshold else "no_match", score=score)

    def close(self) -> None:
        if self.sensor is None:
            return
        try:
            self.sensor.close()
        except Exception:
            pass


def card_fingerprints_from_config(config: KioskConfig) -> CardFingerprints | None:
    """devices.fingerprint (an R30x sensor URL, or sim://fingerprint) plus devices.fingerprint_matcher, or None."""
    d = config.devices
    if d.fingerprint.strip() in ("", "none") or not d.fingerprint_matcher:
        return None
    from drivers.fingerprint.matcher import CardTemplateMatcher
    from drivers.registry import create

    return CardFingerprints(create("fingerprint", d.fingerprint), CardTemplateMatcher(d.fingerprint_matcher))
