"""The office queue: ticket numbers per business and day, booked applicants ahead of walk-ins (预约优先)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import timedelta

from kiosk.domain.checkin import normalise_id
from office import offline as offline_rules
from office.errors import ApiError
from office.clock import stamp
from office.service import OfficeBackend

LATE_OFFLINE = timedelta(hours=24)  # an offline number may arrive this late, across midnight
_RANK = "CASE priority WHEN 'booked' THEN 0 ELSE 1 END"


def _ticket_json(conn, row) -> dict:
    rank = 0 if row["priority"] == "booked" else 1
    ahead = conn.execute(
        f"SELECT COUNT(*) FROM tickets WHERE office=? AND day=? AND business=? AND status='waiting'"
        f" AND ticket_id != ? AND ({_RANK} < ? OR ({_RANK} = ? AND (issued_at < ? OR (issued_at = ? AND rowid < ?))))",
        (
            row["office"],
            row["day"],
            row["business"],
            row["ticket_id"],
            rank,
            rank,
            row["issued_at"],
            row["issued_at"],
            row["rowid"],
        ),
    ).fetchone()[0]
    return {
        "ticket_id": row["ticket_id"],
        "number": row["number"],
        "priority": row["priority"],
        "waiting_ahead": ahead if row["status"] == "waiting" else 0,
        "issued_at": row["issued_at"],
        "business": row["business"],
        "offline": bool(row["offline"]),
        "status": row["status"],
        "appointment_id": row["appointment_id"],
    }


def _row(conn, ticket_id: str):
    return conn.execute("SELECT rowid, * FROM tickets WHERE ticket_id=?", (ticket_id,)).fetchone()


def _supersede(conn, backend: OfficeBackend, old_key: str, kiosk_id: str) -> None:
    """An offline ticket replaces a request whose answer the kiosk never saw: void what it issued, or make sure
    it never issues anything if it arrives later. Only a ticket the same kiosk took is voided: another kiosk's
    key (or a key of anything else) is left alone."""
    row = conn.execute("SELECT status, body FROM idempotency WHERE key=?", (old_key,)).fetchone()
    if row is None:
        body = ApiError(409, "superseded").body()
        conn.execute(
            "INSERT INTO idempotency (key, fingerprint, status, body, created_at) VALUES (?,?,?,?,?)",
            (old_key, "superseded", 409, json.dumps(body, ensure_ascii=False), stamp(backend.clock())),
        )
    elif row["status"] == 201:
        ticket_id = json.loads(row["body"]).get("ticket_id")
        conn.execute(
            "UPDATE tickets SET status='void' WHERE ticket_id=? AND status='waiting' AND kiosk_id=?",
            (ticket_id, kiosk_id),
        )


def issue_ticket(backend: OfficeBackend, conn, office: str, body: dict) -> tuple[int, dict]:
    oc = backend.office(office)
    business = body["business"]
    if business not in oc.tickets:
        raise ApiError(422, "unknown_business", business=business)
    rng = oc.tickets[business]
    offline = body.get("offline")
    # An offline number may reach us after midnight (the network came back the next day): the kiosk was entitled
    # to print it, so it is recorded for its own day (the 全城通办 figures), but that day's queue is over.
    when = backend._stated_time(offline["issued_at"] if offline else None, today_only=not offline)
    backend.check_ticket_time(oc, when, bool(offline))
    day = when.date().isoformat()
    past_day = bool(offline) and day < backend.today()
    if past_day and backend.clock() - when > LATE_OFFLINE:  # a back-dated write, not an outage overnight
        raise ApiError(422, "bad_time", detail="an offline number from more than a day ago")
    if body.get("supersedes"):
        _supersede(conn, backend, body["supersedes"], body["kiosk_id"])
    appointment_id, warnings = body.get("appointment_id"), []
    if appointment_id:
        try:
            _check_booked(conn, office, business, appointment_id)
        except ApiError as e:
            if not offline:
                raise
            # An offline ticket is already in someone's hand: record it anyway, as a walk-in, and say why.
            warnings.append(e.code)
    priority = "booked" if appointment_id and not warnings else "walk_in"
    warnings += ["past_day"] if past_day else []
    held_by = _parties_match(backend, office, day, body.get("parties") or []) if not appointment_id else ""
    if held_by:
        held = _held_today(conn, office, day, business, held_by, [p["id_number"] for p in body["parties"]])
        if held is not None:
            if not offline:  # the couple already hold a number today: tell them it instead of issuing another
                raise ApiError(409, "ticket_already_issued", ticket=_ticket_json(conn, held))
            warnings.append("ticket_already_issued")  # already in their hand: recorded, and said
    if offline:
        number = offline["number"]
        digits = number[len(rng.prefix) :] if number.startswith(rng.prefix) else ""
        seq = int(digits) if re.fullmatch(r"[0-9]{1,6}", digits) else -1  # ASCII digits only ("A²" is not)
        if not rng.offline_first <= seq <= rng.offline_last:
            raise ApiError(422, "offline_number_invalid", number=number)
        origin = body["kiosk_id"]
        if conn.execute(
            "SELECT 1 FROM tickets WHERE office=? AND day=? AND business=? AND seq=? AND origin=?",
            (office, day, business, seq, origin),
        ).fetchone():
            raise ApiError(409, "offline_number_taken", number=number)
        offline_rules.plausibility(
            backend, conn, office, body["kiosk_id"], when, priority == "walk_in", body.get("supersedes")
        )
        if priority == "walk_in" and _walk_ins(conn, office, day) >= oc.walk_in_daily_quota:
            raise ApiError(429, "quota_exhausted", quota=oc.walk_in_daily_quota)
    else:
        if priority == "walk_in":
            if _walk_ins(conn, office, day) >= oc.walk_in_daily_quota:
                raise ApiError(429, "quota_exhausted", quota=oc.walk_in_daily_quota)
        last = conn.execute(
            "SELECT MAX(seq) FROM tickets WHERE office=? AND day=? AND business=? AND origin=''",
            (office, day, business),
        ).fetchone()[0]
        seq = rng.first if last is None else last + 1
        if seq > rng.last:
            raise ApiError(429, "range_exhausted", business=business)
        number, origin = f"{rng.prefix}{seq:03d}", ""
    ticket_id = f"{office}-{day.replace('-', '')}-{number}" + (f"-{origin}" if origin else "")
    conn.execute(
        "INSERT INTO tickets (ticket_id, office, day, business, seq, number, priority, appointment_id, kiosk_id,"
        " issued_at, offline, origin, parties_match, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            ticket_id,
            office,
            day,
            business,
            seq,
            number,
            priority,
            appointment_id,
            body["kiosk_id"],
            stamp(when),
            int(bool(offline)),
            origin,
            held_by,
            "expired" if past_day else "waiting",
        ),
    )
    if priority == "walk_in" and body.get("parties") and "ticket_already_issued" not in warnings:  # one couple,
        # one case: a second number printed offline for them is not a second case in the 全城通办 figures
        backend._add_case(conn, office, day, business, "walk_in", ticket_id, body["parties"])
    answer = _ticket_json(conn, _row(conn, ticket_id))
    return 201, {**answer, "warnings": warnings} if warnings else answer


def _parties_match(backend: OfficeBackend, office: str, day: str, parties: list[dict]) -> str:
    """The walk-in couple as a keyed hash of their ID numbers (HMAC, keyed from the office's salt of the day), so
    the tickets table holds no number in clear; it is compared only here, on the server."""
    ids = sorted(normalise_id(p.get("id_number", "")) for p in parties)
    key = b"walk-in-couple:" + backend.match_salt(office, day)
    return hmac.new(key, "|".join(ids).encode(), hashlib.sha256).hexdigest() if ids else ""


def _held_today(conn, office: str, day: str, business: str, match: str, id_numbers: list[str]):
    """The number these people already hold today for this business: a walk-in ticket of the same couple, or
    their booking's (another business is another queue: a second number is right there)."""
    row = conn.execute(
        "SELECT rowid, * FROM tickets WHERE office=? AND day=? AND business=? AND parties_match=? AND status != 'void'"
        " ORDER BY rowid LIMIT 1",
        (office, day, business, match),
    ).fetchone()
    if row is not None or not id_numbers:
        return row
    ids = sorted(normalise_id(n) for n in id_numbers)
    for t in conn.execute(
        "SELECT rowid, * FROM tickets WHERE office=? AND day=? AND business=? AND appointment_id IS NOT NULL"
        " AND status != 'void'",
        (office, day, business),
    ):
        booked = conn.execute("SELECT id_number FROM parties WHERE appointment_id=?", (t["appointment_id"],))
        if sorted(normalise_id(r[0]) for r in booked) == ids:
            return t
    return None


def _walk_ins(conn, office: str, day: str) -> int:
    """Walk-in tickets of the day against the quota: offline ones too, since they are served like the others."""
    return conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE office=? AND day=? AND priority='walk_in' AND status != 'void'",
        (office, day),
    ).fetchone()[0]


def _check_booked(conn, office: str, business: str, appointment_id: str) -> None:
    """A booked ticket needs a checked-in appointment of this office and business, and only one ticket."""
    appt = conn.execute(
        "SELECT office, business FROM appointments WHERE appointment_id=?", (appointment_id,)
    ).fetchone()
    if appt is None:
        raise ApiError(404, "appointment_not_found")
    if appt["office"] != office:
        raise ApiError(409, "other_office", office=appt["office"])
    if appt["business"] != business:
        raise ApiError(422, "business_mismatch", business=appt["business"])
    if not conn.execute("SELECT 1 FROM checkins WHERE appointment_id=?", (appointment_id,)).fetchone():
        raise ApiError(409, "not_checked_in")
    held = conn.execute(
        "SELECT rowid, * FROM tickets WHERE appointment_id=? AND status != 'void'", (appointment_id,)
    ).fetchone()
    if held is not None:
        raise ApiError(409, "ticket_already_issued", ticket=_ticket_json(conn, held))


def call_next(backend: OfficeBackend, conn, office: str, body: dict, lobby) -> tuple[int, dict]:
    """A counter calls the next applicant: booked first, then walk-ins, each in order of issue."""
    backend.office(office)
    args: list = [office, backend.today()]
    where = ""
    if body.get("business"):
        where, args = " AND business=?", args + [body["business"]]
    row = conn.execute(
        f"SELECT rowid, * FROM tickets WHERE office=? AND day=? AND status='waiting'{where}"
        f" ORDER BY {_RANK}, issued_at, rowid LIMIT 1",
        args,
    ).fetchone()
    if row is None:
        raise ApiError(404, "queue_empty")
    lobby.called(conn, row, body["counter"])  # the service record (office/lobby/records.py)
    return 200, {**_ticket_json(conn, _row(conn, row["ticket_id"])), "counter": body["counter"]}


def queue_state(backend: OfficeBackend, office: str) -> dict:
    backend.office(office)
    conn, today = backend.store.read(), backend.today()
    waiting = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT business, COUNT(*) FROM tickets WHERE office=? AND day=? AND status='waiting' GROUP BY business",
            (office, today),
        )
    }
    issued = conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE office=? AND day=? AND status != 'void'", (office, today)
    ).fetchone()[0]
    walk_ins = _walk_ins(conn, office, today)
    quota = backend.offices[office].walk_in_daily_quota
    return {
        "office": office,
        "date": today,
        "waiting": waiting,
        "issued": issued,
        "walk_in_quota": quota,
        "walk_in_left": max(quota - walk_ins, 0),
    }
