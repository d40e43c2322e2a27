"""Today's bookings for this kiosk's office, kept (encrypted, in the journal database) for offline check-in.

The server sends the least a kiosk needs: only the bookings whose check-in window is still open, ID numbers as
memory-hard hashes (scrypt) and QR tokens as keyed hashes under the office's salt of the day, names masked, no
phones or codes (so offline, applicants check in with the QR code or their ID card).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from kiosk.domain.checkin import booked_party, token_key
from kiosk.services.journal import Journal
from kiosk.services.office_client import OfficeClient


class BookingsCache:
    def __init__(self, journal: Journal, client: OfficeClient, office: str, clock: Callable[[], datetime]):
        self.journal, self.client, self.office, self.clock = journal, client, office, clock

    def _today(self) -> str:
        return self.clock().date().isoformat()

    def refresh(self) -> int:
        """Fetch today's bookings from the server (raises BackendError when it cannot)."""
        today = self._today()
        appointments = self.client.appointments_of(self.office, today)
        self.journal.save_bookings(self.office, today, appointments)
        return len(appointments)

    def appointments(self) -> list[dict]:
        return self.journal.load_bookings(self.office, self._today())[0]

    def fetched_at(self) -> str | None:
        return self.journal.load_bookings(self.office, self._today())[1]

    def find(
        self,
        token: str | None = None,
        id_number: str | None = None,
        office: str | None = None,
        phone: str | None = None,
        code: str | None = None,
    ) -> list[dict]:
        """The same queries as the server's lookup, answered from the cache."""
        found = []
        for a in self.appointments():
            if not isinstance(a, dict):  # garbled in the office's list: never found (each is checked when used)
                continue
            if token and a.get("token_match") and a["token_match"] == token_key(a, token):
                found.append(a)
            elif id_number and (office or self.office) == a.get("office") and booked_party(a, id_number) is not None:
                found.append(a)
        return found
