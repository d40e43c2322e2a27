"""Is the office server reachable? Up/down transitions go to one callback (the flow gets BackendUp/BackendDown).

Also the kiosk's local clock: offices are in China (UTC+8, no daylight saving).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Callable

from kiosk.domain.dates import CHINA

log = logging.getLogger(__name__)


def local_now() -> datetime:
    return datetime.now(CHINA)


class BackendStatus:
    """Starts unknown (None); `report` calls `on_change(up, reason)` only when the state flips."""

    def __init__(self, on_change: Callable[[bool, str], None] | None = None):
        self._on_change = on_change
        self._lock = threading.Lock()
        self.up: bool | None = None
        self.reason = ""
        self.changes = 0

    def report(self, up: bool, reason: str = "") -> None:
        with self._lock:
            changed = self.up is not up
            self.up, self.reason = up, reason
            if changed:
                self.changes += 1
        if changed and up:
            log.info("office server reachable")
        if changed and self._on_change is not None:
            self._on_change(up, reason)

    def snapshot(self) -> dict:
        return {"up": self.up, "reason": self.reason, "changes": self.changes}
