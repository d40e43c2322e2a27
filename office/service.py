"""What the office server does, apart from HTTP: lookups, check-ins, the ticket queue, idempotency.

Every write runs inside one `BEGIN IMMEDIATE` transaction together with the record of its Idempotency-Key,
so an answer is stored exactly when its effect is.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date, datetime, timedelta
from typing import Any

from kiosk.domain.checkin import MATCH_COST, checkin_problem, day_salt, id_match, normalise_id, normalise_phone
from kiosk.domain.checkin import token_match
from kiosk.domain.hukou import hukou_of
from kiosk.domain.checkin import CLOCK_TOLERANCE
from kiosk.domain.masking import mask_name
from kiosk.domain.hours import hours_text, may_issue
from kiosk.domain.offices import OfficeConfig
from office import audit
from office.clock import CHINA, Clock
from office.errors import ApiError
from office.pki import Identity
from office.store import Store

CLOCK_SKEW = CLOCK_TOLERANCE  # a kiosk's stated time may run this far ahead of ours
LOCKOUT_S = 900  # failed lookups are counted over this window, and a lock lasts this long
PHONE_ATTEMPTS = 5  # wrong codes for one (normalised) phone number → that booking is locked
KIOSK_PHONE_ATTEMPTS = 20  # wrong phone+code tries from one kiosk → its phone lookups are locked
KIOSK_MISSES = 60  # lookups that found nothing (any kind) from one kiosk → its lookups locked
BOOKINGS_CUTOFF_HOUR = 17  # after this hour the offline list may also be fetched for tomorrow
# (salt, ID number) → id_match, shared by every backend of the process (a salt is one office's day)
_MATCHES: dict[tuple[bytes, str], str] = {}


def fingerprint(method: str, path: str, body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def check_key(key: str | None) -> None:
    if key is not None and not 1 <= len(key) <= 200:
        raise ApiError(400, "idempotency_key_invalid")


def _verified_by(parties) -> dict[str, str]:
    return {normalise_id(p["id_number"]): p.get("verified_by") or "" for p in parties if p.get("id_number")}


def _hhmm(slot: str):
    return datetime.strptime(slot, "%H:%M").time()


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
    def __init__(self, store: Store, offices: dict[str, OfficeConfig], clock: Clock, retention_days: int = 30):
        self.store, self.offices, self.clock = store, offices, clock
        self.retention = timedelta(days=retention_days)
        self._purged = 0.0
        self._purged_day: date | None = None
        self._secret: bytes | None = None
        self.offline_rules: Any = None  # office.offline.OfflineRules and Contacts, set by office.offline.attach
        self.contacts: Any = None

    def office(self, code: str) -> OfficeConfig:
        if code not in self.offices:
            raise ApiError(404, "unknown_office", office=code)
        return self.offices[code]

    def today(self) -> str:
        return self.clock().astimezone(CHINA).date().isoformat()

    # -- idempotency -------------------------------------------------------------------------------------------
    def idempotent_batch(self, requests: list[tuple[Any, ...]]) -> list:
        """Run each request's `work(conn)` once per Idempotency-Key, all in one transaction (group commit: one
        fsync for all). Each outcome is (status, body, replayed), or the exception of a request that failed: each
        runs in a savepoint of its own, so it is undone alone. Without a key (a client that never resends, e.g. a
        counter's script) a request is simply applied; kiosks always send one."""
        outcomes: list = []
        with self.store.write() as conn:
            self._purge(conn)
            if self.contacts is not None:
                self.contacts.flush(conn, self.clock().timestamp())
            for key, print_, work, *rest in requests:
                note = rest[0] if rest else None
                conn.execute("SAVEPOINT request")
                try:
                    outcomes.append(self._apply_once(conn, key, print_, work))
                except Exception as e:  # an ApiError (409) or a bug: this request only
                    conn.execute("ROLLBACK TO request")
                    outcomes.append(e)
                conn.execute("RELEASE request")
                if note is not None:
                    outcome = outcomes[-1]
                    if isinstance(outcome, ApiError):
                        note(conn, outcome.status, outcome.body())
                    elif isinstance(outcome, Exception):
                        note(conn, 500, {"error": "internal_error"})
                    else:
                        note(conn, outcome[0], outcome[1])
        return outcomes

    def _purge(self, conn) -> None:
        """Idempotency rows and failure counts outlive their use: drop them (at most once a minute, and on the
        first write of each day of the server's clock)."""
        today = self.clock().date()
        if time.monotonic() - self._purged < 60 and today == self._purged_day:
            return
        self._purged, self._purged_day = time.monotonic(), today
        conn.execute("DELETE FROM idempotency WHERE created_at < ?", (stamp(self.clock() - self.retention),))
        conn.execute("DELETE FROM failures WHERE at < ?", (self.clock().timestamp() - LOCKOUT_S,))

    def audit(
        self, conn, who: Identity | None, method: str, path: str, status: int, code: str = "", ref: str = ""
    ) -> None:
        audit.append(
            conn,
            at=stamp(self.clock()),
            who=who.label() if who else "anonymous",
            serial=who.serial if who else "",
            method=method,
            path=path,
            status=status,
            code=code,
            ref=ref,
        )

    def _apply_once(self, conn, key: str | None, print_: str, work) -> tuple[int, dict, bool]:
        row = key and conn.execute("SELECT fingerprint, status, body FROM idempotency WHERE key=?", (key,)).fetchone()
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
            conn.execute(
                "INSERT INTO idempotency (key, fingerprint, status, body, created_at) VALUES (?,?,?,?,?)",
                (key, print_, status, json.dumps(body, ensure_ascii=False), stamp(self.clock())),
            )
        return status, body, False

    # -- appointments ------------------------------------------------------------------------------------------
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
        many were new. The server runs it in the background (office/__main__.py)."""
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
            "appointment_id": row["appointment_id"],
            "office": row["office"],
            "date": row["day"],
            "slot": row["slot"],
            "business": row["business"],
            "status": row["status"],
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

    # -- brute force: failures counted in the database, shared by restarts and by every server process ----------
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

    # -- check-in ----------------------------------------------------------------------------------------------
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
