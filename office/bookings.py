"""Today's bookings as a kiosk may see them: lookups by QR token, ID number or phone + code, and the offline list.
Least data: ID numbers only as memory-hard hashes under the office's salt of the day, names masked."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from kiosk.domain.checkin import MATCH_COST, day_salt, id_match, normalise_id, normalise_phone, token_match
from kiosk.domain.masking import mask_name
from office.clock import CHINA
from office.errors import ApiError
from office.lockouts import Lockouts
from office.pki import Identity

BOOKINGS_CUTOFF_HOUR = 17  # after this hour the offline list may also be fetched for tomorrow
# (salt, ID number) → id_match, shared by every backend of the process (a salt is one office's day)
_MATCHES: dict[tuple[bytes, str], str] = {}


def _hhmm(slot: str):
    return datetime.strptime(slot, "%H:%M").time()


class Bookings(Lockouts):
    def match_salt(self, office: str, day: str) -> bytes:
        if self._secret is None:
            self._secret = self.store.secret("bookings")
        return day_salt(self._secret, office, day)

    def _id_match(self, salt: bytes, id_number: str) -> str:
        """scrypt costs ≈ 40 ms: each party's hash is computed once a day and remembered (in this process)."""
        key = (salt, normalise_id(id_number))
        if key not in _MATCHES:
            if len(_MATCHES) > 50_000:  # yesterday's and older: never asked for again
                _MATCHES.clear()
            _MATCHES[key] = id_match(salt, id_number, **MATCH_COST)
        return _MATCHES[key]

    def warm_matches(self, offices=None, day: str | None = None) -> int:
        """Hash every party of the day's bookings ahead of the kiosks' first list (≈ 40 ms a party); returns how
        many were new. The server runs it in the background (office/cli/serve.py)."""
        day = day or self.today()
        conn, new = self.store.read(), 0
        for office in offices if offices is not None else self.offices:
            salt = self.match_salt(office, day)
            for row in conn.execute(
                "SELECT p.id_number FROM parties p JOIN appointments a USING (appointment_id)"
                " WHERE a.office=? AND a.day=?",
                (office, day),
            ).fetchall():
                new += (salt, normalise_id(row["id_number"])) not in _MATCHES
                self._id_match(salt, row["id_number"])
        return new

    def _appointment(self, conn, row) -> dict:
        """What a kiosk needs about a booking of its office: no ID numbers in clear (memory-hard hashes under the
        office's salt of the day, sent along), names masked, no phone, sex, birth or address."""
        salt = self.match_salt(row["office"], row["day"])
        parties = conn.execute(
            "SELECT id_number, name, military FROM parties WHERE appointment_id=? ORDER BY seq",
            (row["appointment_id"],),
        ).fetchall()
        checked = conn.execute(
            "SELECT checked_in_at FROM checkins WHERE appointment_id=?", (row["appointment_id"],)
        ).fetchone()
        ticket = conn.execute(  # a used booking: the kiosk tells the couple the number they already hold
            "SELECT number FROM tickets WHERE appointment_id=? AND status != 'void' ORDER BY rowid LIMIT 1",
            (row["appointment_id"],),
        ).fetchone()
        extra = json.loads(row["extra"])
        extra.pop("label", None)
        return {
            **self._elsewhere(row),
            "checked_in": checked is not None,
            "checked_in_at": checked["checked_in_at"] if checked else None,
            "ticket_number": ticket["number"] if ticket else None,
            "match": {"salt": salt.hex(), **MATCH_COST},
            "token_match": token_match(salt, row["token"]),
            "parties": [
                {
                    "id_match": self._id_match(salt, p["id_number"]),
                    "name": mask_name(p["name"]),
                    "military": bool(p["military"]),
                }
                for p in parties
            ],
            **extra,
        }

    @staticmethod
    def _elsewhere(row) -> dict:
        """A booking at another office: only where and when, so the kiosk can send the applicants there."""
        return {
            "appointment_id": row["appointment_id"],
            "office": row["office"],
            "date": row["day"],
            "slot": row["slot"],
            "business": row["business"],
            "status": row["status"],
        }

    def lookup(self, caller: Identity, token=None, id_number=None, office=None, phone=None, code=None) -> list[dict]:
        """Today's bookings by QR token, ID number or phone + code, as the calling kiosk may see them."""
        today, conn = self.today(), self.store.read()
        self._check_locks(caller, phone)
        if token and not (id_number or phone or code):
            rows = conn.execute("SELECT * FROM appointments WHERE token=?", (token.strip().upper(),)).fetchall()
            if rows and rows[0]["day"] != today:
                raise ApiError(404, "not_today", date=rows[0]["day"], office=rows[0]["office"])
        elif id_number and not (token or phone or code):
            rows = conn.execute(
                "SELECT a.* FROM appointments a JOIN parties p USING (appointment_id)"
                " WHERE p.id_number=? AND a.office=? AND a.day=? ORDER BY a.slot",
                (normalise_id(id_number), caller.office, today),
            ).fetchall()
        elif phone and code and not (token or id_number):
            rows = conn.execute(
                "SELECT * FROM appointments WHERE phone=? AND code=? AND day=? ORDER BY slot",
                (normalise_phone(phone), code.strip(), today),
            ).fetchall()
        else:
            raise ApiError(400, "invalid_request", detail="give token, or id_number (and office), or phone and code")
        if not rows:
            self._fail(caller, normalise_phone(phone) if phone else None)
            raise ApiError(404, "appointment_not_found")
        return [self._appointment(conn, r) if r["office"] == caller.office else self._elsewhere(r) for r in rows]

    def bookings_day(self, day: str | None) -> str:
        """The day an offline list may be fetched for: today, or tomorrow after the cut-off hour."""
        now = self.clock().astimezone(CHINA)
        today = now.date()
        try:
            wanted = date.fromisoformat(day) if day else today
        except ValueError:
            raise ApiError(422, "invalid_request", detail="date: YYYY-MM-DD") from None
        if wanted == today or (wanted == today + timedelta(days=1) and now.hour >= BOOKINGS_CUTOFF_HOUR):
            return wanted.isoformat()
        raise ApiError(403, "date_not_allowed", detail="today only (tomorrow after the cut-off hour)")

    def appointments_of(self, office: str, day: str | None) -> list[dict]:
        """The offline list: today's bookings whose check-in window has not closed yet (tomorrow's: all)."""
        oc = self.office(office)
        day = self.bookings_day(day)
        conn = self.store.read()
        rows = conn.execute(
            "SELECT * FROM appointments WHERE office=? AND day=? ORDER BY slot, appointment_id", (office, day)
        ).fetchall()
        now = self.clock().astimezone(CHINA)
        after = timedelta(minutes=oc.appointment_window.minutes_after)
        ahead = [r for r in rows if datetime.combine(date.fromisoformat(day), _hhmm(r["slot"]), CHINA) + after >= now]
        return [self._appointment(conn, r) for r in ahead]
