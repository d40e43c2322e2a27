"""Offline ticket numbers and the walk-in couples served today.

Offline numbers come from a persisted counter per office, day and business within the kiosk's share of the
office's range, taken in the same transaction that journals the ticket, so they never repeat after a restart.
What the kiosk gave a walk-in couple today is read back from the journal (pruned entries keep the couple as a
keyed digest), so an outage does not hand the same couple a second number.
"""

from __future__ import annotations

import uuid

from kiosk.domain.checkin import normalise_id
from kiosk.services.journal.outbox import Entry, Outbox
from kiosk.services.journal.store import JournalError


class OfflineRangeExhausted(JournalError):
    """Every offline number for this business today has been used."""


class OfflineTickets(Outbox):
    def append_offline_ticket(
        self,
        office: str,
        path: str,
        body: dict,
        prefix: str,
        first: int,
        last: int,
        day: str,
        supersedes: str | None = None,
    ) -> Entry | None:
        """Take the next number of the kiosk's offline range and journal the ticket, in one transaction; with
        `supersedes`, that unanswered ticket request is given up in the same transaction (a crash between the two
        would leave a ticket the server may have issued, never printed and never voided). None if it was
        answered meanwhile: use its answer."""
        key = uuid.uuid4().hex
        if supersedes:
            body = {**body, "supersedes": supersedes}
        with self._transaction():
            if (
                supersedes
                and self._conn.execute(
                    "UPDATE entries SET status='superseded', answered_at=? WHERE key=? AND status='pending'",
                    (self._now(), supersedes),
                ).rowcount
                != 1
            ):
                return None  # (nothing written: the transaction commits nothing)
            if supersedes:
                self._prune(supersedes)
            row = self._conn.execute(
                "SELECT last FROM offline_counters WHERE office=? AND day=? AND business=?",
                (office, day, body["business"]),
            ).fetchone()
            seq = first if row is None else max(first, row["last"] + 1)  # the share may have moved
            if seq > last:
                raise OfflineRangeExhausted(f"offline numbers {prefix}{first}–{prefix}{last} all used today")
            self._conn.execute(
                "INSERT OR REPLACE INTO offline_counters (office, day, business, last) VALUES (?,?,?,?)",
                (office, day, body["business"], seq),
            )
            number = f"{prefix}{seq:03d}"
            full = {**body, "offline": {"number": number, "issued_at": self._now()}}
            self._insert("ticket", office, path, full, key, number, body.get("appointment_id"))
        return self.get(key)

    def walk_ins_refused(self, office: str, day: str) -> bool:
        """Did the office refuse a walk-in ticket on `day` for its daily quota? (Read from the journal, so it
        still holds after a restart.)"""
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM entries WHERE kind='ticket' AND office=? AND ref IS NULL"
                " AND error_code='quota_exhausted' AND substr(created_at, 1, 10)=? LIMIT 1",
                (office, day),
            ).fetchone()
        return row is not None

    def ticket_held(self, office: str, day: str, business: str, id_numbers: list[str]) -> str | None:
        """The number this kiosk gave these people for `business` (a walk-in ticket, online or offline) on `day`,
        if any — so an outage does not hand the same couple a second number."""
        wanted = sorted(normalise_id(n) for n in id_numbers)
        if not wanted:
            return None
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM entries WHERE kind='ticket' AND office=? AND ref IS NULL AND substr(created_at, 1, 10)=?"
                " AND status IN ('pending','acked','parked')",
                (office, day),
            ).fetchall()
        digest = None
        for row in rows:
            entry = self._entry(row)
            if entry.body.get("business") != business:
                continue
            number = entry.offline_number or (entry.response or {}).get("number")
            if not number:  # (a request still unanswered holds no number)
                continue
            if "couple" in entry.body:  # pruned once the server had it
                digest = digest or self.couple(wanted)
                if entry.body["couple"] == digest:
                    return number
            elif sorted(normalise_id(p.get("id_number", "")) for p in entry.body.get("parties") or []) == wanted:
                return number
        return None

    def _purge_counters(self, before_day: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM offline_counters WHERE day < ?", (before_day,))
