"""Today's bookings of this kiosk's office as last fetched, sealed in the journal's file for offline check-in
(kiosk.services.bookings_cache fetches and queries them)."""

from __future__ import annotations

from kiosk.services.journal.store import Store


class BookingsStore(Store):
    def save_bookings(self, office: str, day: str, appointments: list[dict]) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO bookings_cache (office, day, fetched_at, data) VALUES (?,?,?,?)",
                (office, day, self._now(), self._seal(appointments)),
            )

    def load_bookings(self, office: str, day: str) -> tuple[list[dict], str | None]:
        with self._lock:
            row = self._conn.execute(
                "SELECT fetched_at, data FROM bookings_cache WHERE office=? AND day=?", (office, day)
            ).fetchone()
        return (self._open(row["data"]), row["fetched_at"]) if row else ([], None)

    def _purge_bookings(self, before_day: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM bookings_cache WHERE day < ?", (before_day,))
