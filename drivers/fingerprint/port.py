"""Fingerprint comparison as the kiosk sees it. Optional: the kiosk runs without any fingerprint device.

Comparing a live finger with the templates on an ID card (read 30 10) needs the reader vendor's SDK (the
template format is closed); a standalone R30x sensor can only search its own enrolled library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol


@dataclass(frozen=True)
class FingerprintResult:
    outcome: Literal["match", "no_match", "no_finger", "unavailable"]
    score: int = 0
    page: int = -1
    reason: str = ""


class FingerprintPort(Protocol):
    available: bool
    reason: str  # why not, when unavailable

    def verify_against_card(self, card_templates: bytes, timeout_s: float) -> FingerprintResult: ...

    def identify(self, timeout_s: float) -> FingerprintResult: ...

    def close(self) -> None: ...


class NoFingerprint:
    """`none`: no device; every check says so instead of failing."""

    available = False

    def __init__(self, reason: str = "no fingerprint device configured"):
        self.reason = reason

    def verify_against_card(self, card_templates: bytes, timeout_s: float) -> FingerprintResult:
        return FingerprintResult("unavailable", reason=self.reason)

    def identify(self, timeout_s: float) -> FingerprintResult:
        return FingerprintResult("unavailable", reason=self.reason)

    def close(self) -> None:
        pass


def none_factory(url: str = "none", **options) -> NoFingerprint:
    return NoFingerprint()
