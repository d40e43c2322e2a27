"""The offline journal: one SQLite file on the state disk holding the outbox of requests for the office server
(outbox.py), the offline ticket numbers and the walk-in couples served today (numbering.py) and the bookings
cache for offline check-in (bookings.py); store.py opens it.

SQLite in WAL mode with synchronous=FULL (a committed entry survives power loss). Request bodies (ID numbers,
addresses) and the bookings cache are encrypted with Fernet. The key is a systemd credential sealed to the TPM2
where the installer could seal one (kiosk.services.secrets); otherwise a file created 0600 in the state dir.
Settled entries are pruned and SQLite overwrites what it frees (secure_delete).
"""

from __future__ import annotations

from datetime import timedelta

from kiosk.services.journal.bookings import BookingsStore
from kiosk.services.journal.numbering import OfflineRangeExhausted, OfflineTickets
from kiosk.services.journal.outbox import Entry
from kiosk.services.journal.store import JournalError

__all__ = ["Entry", "Journal", "JournalError", "OfflineRangeExhausted"]


class Journal(OfflineTickets, BookingsStore):
    """The journal's parts over one connection, one lock and one key."""

    def purge(self, retention_days: int) -> int:
        """Delete settled entries (and old counters and caches) older than the retention period; prune the rest."""
        cutoff = (self.clock() - timedelta(days=retention_days)).isoformat(timespec="milliseconds")
        n = self._purge_entries(cutoff)
        self._purge_counters(cutoff[:10])
        self._purge_bookings(self.clock().date().isoformat())
        return n
