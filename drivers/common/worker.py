"""The one background thread each polling device driver runs (shared by the ID card reader and the scanner)."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

log = logging.getLogger(__name__)


class DeviceThread:
    def __init__(self, name: str):
        self.name = name
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, target: Callable[..., None], *args) -> None:
        if self._thread is None:
            self.stopping.clear()
            self._thread = threading.Thread(target=target, args=args, name=self.name, daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)
            self._thread = None


def deliver(on_event: Callable[[Any], None], event: object) -> None:
    """Hand an event to the listener; a failing listener (a UI bug) must not stop the device thread."""
    try:
        on_event(event)
    except Exception:
        log.exception("device event listener failed on %s", type(event).__name__)
