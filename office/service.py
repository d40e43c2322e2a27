"""What the office server does, apart from HTTP: lookups, check-ins, the ticket queue, idempotency.

Every write runs inside one `BEGIN IMMEDIATE` transaction together with the record of its Idempotency-Key,
so an answer is stored exactly when its effect is.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import datetime, timedelta

from kiosk.config import OfficeConfig
from kiosk.domain.hukou import hukou_of
from kiosk.services.checkin_rules import checkin_problem, code_digest, normalise_id
from office.clock import CHINA, Clock
from office.errors import ApiError
from office.store import Store

CLOCK_SKEW = timedelta(minutes=10)       # a kiosk's stated time may run this far ahead of ours
PHONE_ATTEMPTS, PHONE_LOCKOUT_S = 5, 900  # wrong codes per phone before a lockout


def fingerprint(method: str, path: str, body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def check_key(key: str | None) -> None:
    if key is not None and not 1 <= len(key) <= 200:
        raise ApiError(400, "idempotency_key_invalid")


def _verified_by(parties) -> dict[str, str]:
    return {normalise_id(p["id_number"]): p.get("verified_by") or "" for p in parties if p.get("id_number")}


def stamp(when: datetime) -> str:
    return when.astimezone(CHINA).isoformat(timespec="milliseconds")


def home_county(address: str, id_number: str) -> str:
    """A party's home county code for the reports, or `outside_city` / `unknown`."""
    division = id_number[:6] if id_number[:6].isdigit() else None
    hukou = hukou_of(address or "", division)
    if hukou.county:
        return hukou.county
    return "outside_city" if hukou.in_city is False else "unknown"


class OfficeBackend:
    def __init__(self, store: Store, offices: dict[str, OfficeConfig], clock: Clock):
        self.store, self.offices, self.clock = store, offices, clock
        self._failures: dict[str, list[float]] = {}
        self._failures_lock = threading.Lock()

    def office(self, code: str) -> OfficeConfig:
        if code not in self.offices:
            raise ApiError(404, "unknown_office", office=code)
        return self.offices[code]

    def today(self) -> str:
        return self.clock().astimezone(CHINA).date().isoformat()

    # -- idempotency -------------------------------------------------------------------------------------------
    def idempotent_batch(self, requests: list[tuple[str | None, str, object]]) -> list:
        """Run each request's `work(conn)` once per Idempotency-Key, all in one transaction (group commit: one
        fsync for all). Each outcome is (status, body, replayed), or the exception of a request that failed: each
        runs in a savepoint of its own, so it is undone alone. Without a key (a client that never resends, e.g. a
        counter's script) a request is simply applied; kiosks always send one."""
        outcomes: list = []
        with self.store.write() as conn:
            for key, print_, work in requests:
                conn.execute("SAVEPOINT request")
                try:
                    outcomes.append(self._apply_once(conn, key, print_, work))
                except Exception as e:                # an ApiError (409) or a bug: this request only
                    conn.execute("ROLLBACK TO request")
                    outcomes.append(e)
                conn.execute("RELEASE request")
        return outcomes

    def _apply_once(self, conn, key: str | None, print_: str, work) -> tuple[int, dict, bool]:
        row = key and conn.execute("SELECT fingerprint, status, body FROM idempotency WHERE key=?",
                                   (key,)).fetchone()
        if row:
            if row["fingerprint"] not in (print_, "superseded"):
                raise ApiError(409, "idempotency_conflict")
            return row["status"], json.loads(row["body"]), True
        conn.execute("SAVEPOINT work")
        try:
            status, body = work(conn)
        except ApiError as e:
            conn.execute("ROLLBACK TO work")
            status, body = e.status, e.body()
        conn.execute("RELEASE work")
        if key:
            conn.execute("INSERT INTO idempotency (key, fingerprint, status, body, created_at)"
                         " VALUES (?,?,?,?,?)",
                         (key, print_, status, json.dumps(body, ensure_ascii=False), stamp(self.clock())))
        return status, body, False

    # -- appointments ------------------------------------------------------------------------------------------
    def _appointment(self, conn, row) -> dict:
        parties = conn.execute(
            "SELECT id_number, name, sex, birth, address, document, military FROM parties"
            " WHERE appointment_id=? ORDER BY seq", (row["appointment_id"],)).fetchall()
        checked = conn.execute("SELECT checked_in_at FROM checkins WHERE appointment_id=?",
                               (row["appointment_id"],)).fetchone()
        extra = json.loads(row["extra"])
        extra.pop("label", None)
        return {
            "appointment_id": row["appointment_id"], "office": row["office"], "date": row["day"],
            "slot": row["slot"], "business": row["business"], "status": row["status"],
            "checked_in": checked is not None, "checked_in_at": checked["checked_in_at"] if checked else None,
            "token": row["token"],
            "parties": [{**dict(p), "military": bool(p["military"])} for p in parties],
            **extra,
        }

    def _rows(self, sql: str, args: tuple) -> list[dict]:
        conn = self.store.read()
        return [self._appointment(conn, r) for r in conn.execute(sql, args).fetchall()]

    def lookup(self, token=None, id_number=None, office=None, phone=None, code=None) -> list[dict]:
        today = self.today()
        if token and not (id_number or phone):
            found = self._rows("SELECT * FROM appointments WHERE token=?", (token.strip().upper(),))
            if found and found[0]["date"] != today:
                raise ApiError(404, "not_today", date=found[0]["date"], office=found[0]["office"])
        elif id_number and office and not (token or phone):
            self.office(office)
            found = self._rows(
                "SELECT a.* FROM appointments a JOIN parties p USING (appointment_id)"
                " WHERE p.id_number=? AND a.office=? AND a.day=? ORDER BY a.slot",
                (normalise_id(id_number), office, today))
        elif phone and code and not (token or id_number):
            self._check_attempts(phone)
            found = self._rows("SELECT * FROM appointments WHERE phone=? AND code=? AND day=? ORDER BY slot",
                               (phone.strip(), code.strip(), today))
            if not found:
                self._fail_attempt(phone)
        else:
            raise ApiError(400, "invalid_request",
                           detail="give token, or id_number and office, or phone and code")
        if not found:
            raise ApiError(404, "appointment_not_found")
        return found

    def _check_attempts(self, phone: str) -> None:
        with self._failures_lock:
            recent = [t for t in self._failures.pop(phone, []) if t > time.monotonic() - PHONE_LOCKOUT_S]
            if recent:
                self._failures[phone] = recent
            if len(recent) >= PHONE_ATTEMPTS:
                raise ApiError(429, "too_many_attempts")

    def _fail_attempt(self, phone: str) -> None:
        now = time.monotonic()
        with self._failures_lock:
            if len(self._failures) >= 1024:      # phones tried and gone: forget them after the lockout window
                self._failures = {p: ts for p, ts in self._failures.items() if ts[-1] > now - PHONE_LOCKOUT_S}
            self._failures.setdefault(phone, []).append(now)

    def appointments_of(self, office: str, day: str | None) -> list[dict]:
        self.office(office)
        conn = self.store.read()
        rows = conn.execute("SELECT * FROM appointments WHERE office=? AND day=? ORDER BY slot, appointment_id",
                            (office, day or self.today())).fetchall()
        return [{**self._appointment(conn, r), "phone": r["phone"],
                 "code_digest": code_digest(r["appointment_id"], r["code"])} for r in rows]

    # -- check-in ----------------------------------------------------------------------------------------------
    def _stated_time(self, value: datetime | None) -> datetime:
        now = self.clock()
        if value is None:
            return now.astimezone(CHINA)
        if value.tzinfo is None:
            value = value.replace(tzinfo=CHINA)
        if value > now + CLOCK_SKEW:
            raise ApiError(422, "bad_time", detail="the stated time is in the future")
        return value.astimezone(CHINA)

    def _add_case(self, conn, office: str, day: str, business: str, source: str, ref: str, parties,
                  verified: dict | None = None) -> None:
        """`verified`: ID number → how the kiosk verified that person (face | fingerprint | staff), if it said."""
        verified = verified if verified is not None else _verified_by(parties)
        cur = conn.execute("INSERT OR IGNORE INTO cases (office, day, business, source, ref) VALUES (?,?,?,?,?)",
                           (office, day, business, source, ref))
        if cur.rowcount:
            conn.executemany("INSERT INTO case_applicants (case_id, home_county, verified_by) VALUES (?,?,?)",
                             [(cur.lastrowid, home_county(p.get("address", ""), normalise_id(p["id_number"])),
                               verified.get(normalise_id(p["id_number"]), "")) for p in parties])

    def checkin(self, conn, office: str, body: dict) -> tuple[int, dict]:
        oc = self.office(office)
        when = self._stated_time(body.get("checked_in_at"))
        row = conn.execute("SELECT * FROM appointments WHERE appointment_id=?", (body["appointment_id"],)).fetchone()
        if row is None:
            raise ApiError(404, "appointment_not_found")
        if row["office"] != office:
            raise ApiError(409, "other_office", office=row["office"])
        appt = self._appointment(conn, row)
        problem = checkin_problem(appt, [p["id_number"] for p in body["parties"]], when,
                                  oc.appointment_window.minutes_before, oc.appointment_window.minutes_after,
                                  appt["checked_in"])
        if problem:
            raise ApiError(422 if problem == "parties_mismatch" else 409, problem)
        conn.execute("INSERT INTO checkins (appointment_id, office, day, kiosk_id, checked_in_at) VALUES (?,?,?,?,?)",
                     (appt["appointment_id"], office, appt["date"], body["kiosk_id"], stamp(when)))
        self._add_case(conn, office, appt["date"], appt["business"], "appointment", appt["appointment_id"],
                       appt["parties"], _verified_by(body["parties"]))
        return 201, {"appointment_id": appt["appointment_id"], "office": office, "business": appt["business"],
                     "slot": appt["slot"], "status": "checked_in", "checked_in_at": stamp(when),
                     "kiosk_id": body["kiosk_id"]}
