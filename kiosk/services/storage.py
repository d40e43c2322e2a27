"""The state directory's disk. When it fills, the journal cannot take a write: the kiosk then serves online only
(each request sent directly, answered before the applicant is told yes), refuses what it could only have accepted
offline, and tells the technician; what the journal already holds stays there and is sent as usual, and its
answers are recorded once space returns (the server applies each Idempotency-Key once)."""

from __future__ import annotations

import errno
import shutil
import sqlite3
import threading
from pathlib import Path

from kiosk.errors import KioskError

SQLITE_FULL, SQLITE_IOERR = 13, 10
SPACE_BACK_BYTES = 1 << 20  # free again after a failed write: writes are expected to work


class StorageFull(KioskError):
    """The state directory's disk is full (or refuses writes): nothing can be journaled."""


def disk_full(e: BaseException) -> bool:
    """Is this a write refused for want of space (or an I/O error writing), not a bug?"""
    if isinstance(e, sqlite3.Error):
        code = getattr(e, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in (SQLITE_FULL, SQLITE_IOERR) or "disk is full" in str(e)
    return isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO)


class StorageWatch:
    """Whether the journal's writes are failing (since when, how often) and the free space of its disk."""

    def __init__(self, state_dir: Path | str):
        self.state_dir = Path(state_dir)
        self._lock = threading.Lock()
        self.failing_since: str | None = None
        self.failures = 0
        self.last_error = ""

    def failed(self, e: BaseException, when: str = "") -> None:
        with self._lock:
            self.failures += 1
            self.last_error = str(e) or type(e).__name__
            if self.failing_since is None:
                self.failing_since = when

    def recovered(self) -> None:
        with self._lock:
            self.failing_since = None

    def snapshot(self) -> dict:
        free: int | None
        total: int | None
        try:
            usage = shutil.disk_usage(self.state_dir)
            free, total = usage.free, usage.total
        except OSError:
            free = total = None
        with self._lock:
            if self.failing_since is not None and free is not None and free >= SPACE_BACK_BYTES:
                self.failing_since = None  # the space is back: the next write will go through
            return {
                "free_bytes": free,
                "total_bytes": total,
                "failing": self.failing_since is not None,
                "failing_since": self.failing_since,
                "failures": self.failures,
                "last_error": self.last_error,
            }
