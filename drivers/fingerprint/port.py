"""Fingerprint as the kiosk sees it. Optional: without a sensor and a matcher the kiosk has no fingerprint step.

The kiosk compares a live finger with the templates on the applicant's ID card (read 30 10), one to one: the
sensor captures the finger's character file (`FingerprintPort`), and the reader vendor's matcher compares it with
the card's templates (matcher.py; their format is closed).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal, Protocol


@dataclass(frozen=True)
class FingerprintResult:
    outcome: Literal["match", "no_match", "no_finger", "unavailable"]
    score: int = 0
    reason: str = ""


class FingerprintPort(Protocol):
    """A sensor as the fingerprint check uses it (drivers.fingerprint.driver.R30xSensor and its simulator)."""

    def capture_feature(self, timeout_s: float = 10.0, stop: threading.Event | None = None) -> bytes | None:
        """The character file of the finger laid on the glass; None if none came in time or `stop` was set."""
        ...

    def close(self) -> None: ...
