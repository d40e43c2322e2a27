"""Brute force on lookups: failures counted in the database, shared by restarts and by every server process.
Wrong codes lock a phone number, misses lock a kiosk, per office; staff lift a lock before it runs out."""

from __future__ import annotations

from kiosk.domain.checkin import normalise_phone
from office.core import Core
from office.errors import ApiError
from office.pki import Identity

LOCKOUT_S = 900  # failed lookups are counted over this window, and a lock lasts this long
PHONE_ATTEMPTS = 5  # wrong codes for one (normalised) phone number → that booking is locked
KIOSK_PHONE_ATTEMPTS = 20  # wrong phone+code tries from one kiosk → its phone lookups are locked
KIOSK_MISSES = 60  # lookups that found nothing (any kind) from one kiosk → its lookups locked


class Lockouts(Core):
    def _count(self, conn, scope: str, subject: str) -> tuple[int, float]:
        since = self.clock().timestamp() - LOCKOUT_S
        n, last = conn.execute(
            "SELECT COUNT(*), MAX(at) FROM failures WHERE scope=? AND subject=? AND at > ?", (scope, subject, since)
        ).fetchone()
        return n, last or 0.0

    @staticmethod
    def _subject(office: str, name: str) -> str:
        """Failures count per office: a kiosk's misses lock that phone number (or that kiosk) at its own office
        only, so one kiosk cannot lock out the applicants of another office, and a counter lifts only its own."""
        return f"{office}/{name}"

    def _check_locks(self, caller: Identity, phone: str | None) -> None:
        conn = self.store.read()
        kiosk = self._subject(caller.office, caller.name)
        checks = [("kiosk", kiosk, KIOSK_MISSES)]
        if phone:
            checks += [
                ("phone", self._subject(caller.office, normalise_phone(phone)), PHONE_ATTEMPTS),
                ("kiosk_phone", kiosk, KIOSK_PHONE_ATTEMPTS),
            ]
        for scope, subject, limit in checks:
            n, last = self._count(conn, scope, subject)
            if n >= limit:
                retry = max(1, int(last + LOCKOUT_S - self.clock().timestamp()))
                raise ApiError(429, "too_many_attempts", retry_after_s=retry)

    def _fail(self, caller: Identity, phone: str | None) -> None:
        at, kiosk = self.clock().timestamp(), self._subject(caller.office, caller.name)
        rows = [("kiosk", kiosk, at)]
        if phone:
            rows += [("phone", self._subject(caller.office, phone), at), ("kiosk_phone", kiosk, at)]
        with self.store.write() as conn:
            conn.executemany("INSERT INTO failures (scope, subject, at) VALUES (?,?,?)", rows)

    def release_lock(self, conn, office: str, phone: str | None = None, kiosk: str | None = None) -> dict:
        """Staff lift a lockout at their office: a phone number's, or a kiosk's."""
        released = 0
        if phone:
            released += conn.execute(
                "DELETE FROM failures WHERE scope='phone' AND subject=?",
                (self._subject(office, normalise_phone(phone)),),
            ).rowcount
        if kiosk:
            released += conn.execute(
                "DELETE FROM failures WHERE scope IN ('kiosk','kiosk_phone') AND subject=?",
                (self._subject(office, kiosk),),
            ).rowcount
        return {"released": released}
