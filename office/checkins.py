"""Check-in of a booking, the times kiosks state, and the cases the 全城通办 report counts."""

from __future__ import annotations

from datetime import datetime

from kiosk.domain.checkin import CLOCK_TOLERANCE, checkin_problem, normalise_id
from kiosk.domain.hours import hours_text, may_issue
from kiosk.domain.hukou import hukou_of
from kiosk.domain.offices import OfficeConfig
from office.bookings import Bookings
from office.clock import CHINA, stamp
from office.errors import ApiError

CLOCK_SKEW = CLOCK_TOLERANCE  # a kiosk's stated time may run this far ahead of ours


def _verified_by(parties) -> dict[str, str]:
    return {normalise_id(p["id_number"]): p.get("verified_by") or "" for p in parties if p.get("id_number")}


def home_county(address: str, id_number: str) -> str:
    """A party's home county code for the reports, or `outside_city` / `unknown`."""
    division = id_number[:6] if id_number[:6].isdigit() else None
    hukou = hukou_of(address or "", division)
    if hukou.county:
        return hukou.county
    return "outside_city" if hukou.in_city is False else "unknown"


class Checkins(Bookings):
    def _stated_time(self, value: datetime | None, today_only: bool = True) -> datetime:
        """A time a kiosk states: never in the future nor older than the journal's retention; with `today_only`
        (offline tickets: the day's queue) not before today. A check-in replayed from the journal may be of an
        earlier day: it is then judged against that day's appointment (its window, its date)."""
        now = self.clock().astimezone(CHINA)
        if value is None:
            return now
        try:
            if value.tzinfo is None:
                value = value.replace(tzinfo=CHINA)
            value = value.astimezone(CHINA)
        except (OverflowError, ValueError):
            raise ApiError(422, "bad_time", detail="not a plausible time") from None
        if value > now + CLOCK_SKEW:
            raise ApiError(422, "bad_time", detail="the stated time is in the future")
        start_of_today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if value < now - self.retention:
            raise ApiError(422, "bad_time", detail="the stated time is older than the journal's retention")
        if today_only and value < start_of_today:
            raise ApiError(422, "bad_time", detail="the stated time is before today")
        return value

    def check_ticket_time(self, oc: OfficeConfig, when: datetime, offline: bool) -> None:
        """Numbers are issued by the rule the kiosk follows (kiosk.domain.hours): an online request now, an offline
        number at the time the kiosk states, with a grace for its clock (it printed by the same rule)."""
        if not offline:
            if not may_issue(oc, when):
                raise ApiError(409, "office_closed", hours=hours_text(oc, when.date()))
        elif not may_issue(oc, when, grace=CLOCK_SKEW):
            raise ApiError(422, "bad_time", detail="outside the office's ticket hours")

    def _add_case(
        self, conn, office: str, day: str, business: str, source: str, ref: str, parties, verified: dict | None = None
    ) -> None:
        """`verified`: ID number → how the kiosk verified that person (face | fingerprint | staff), if it said."""
        verified = verified if verified is not None else _verified_by(parties)
        cur = conn.execute(
            "INSERT OR IGNORE INTO cases (office, day, business, source, ref) VALUES (?,?,?,?,?)",
            (office, day, business, source, ref),
        )
        if cur.rowcount:
            conn.executemany(
                "INSERT INTO case_applicants (case_id, home_county, verified_by) VALUES (?,?,?)",
                [
                    (
                        cur.lastrowid,
                        home_county(p.get("address", ""), normalise_id(p["id_number"])),
                        verified.get(normalise_id(p["id_number"]), ""),
                    )
                    for p in parties
                ],
            )

    def checkin(self, conn, office: str, body: dict) -> tuple[int, dict]:
        oc = self.office(office)
        when = self._stated_time(body.get("checked_in_at"), today_only=False)
        row = conn.execute("SELECT * FROM appointments WHERE appointment_id=?", (body["appointment_id"],)).fetchone()
        if row is None:
            raise ApiError(404, "appointment_not_found")
        if row["office"] != office:
            raise ApiError(409, "other_office", office=row["office"])
        appt = self._appointment(conn, row)
        appt["parties"] = [
            dict(p)
            for p in conn.execute(
                "SELECT id_number, address FROM parties WHERE appointment_id=? ORDER BY seq", (row["appointment_id"],)
            )
        ]
        appt.pop("match")
        problem = checkin_problem(
            appt,
            [p["id_number"] for p in body["parties"]],
            when,
            oc.appointment_window.minutes_before,
            oc.appointment_window.minutes_after,
            appt["checked_in"],
        )
        if problem:
            raise ApiError(422 if problem == "parties_mismatch" else 409, problem)
        conn.execute(
            "INSERT INTO checkins (appointment_id, office, day, kiosk_id, checked_in_at) VALUES (?,?,?,?,?)",
            (appt["appointment_id"], office, appt["date"], body["kiosk_id"], stamp(when)),
        )
        self._add_case(
            conn,
            office,
            appt["date"],
            appt["business"],
            "appointment",
            appt["appointment_id"],
            appt["parties"],
            _verified_by(body["parties"]),
        )
        return 201, {
            "appointment_id": appt["appointment_id"],
            "office": office,
            "business": appt["business"],
            "slot": appt["slot"],
            "status": "checked_in",
            "checked_in_at": stamp(when),
            "kiosk_id": body["kiosk_id"],
        }
