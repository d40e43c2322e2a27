"""The offline journal: every check-in and ticket is committed here, with its Idempotency-Key, before the
network sees it; the forwarder sends pending entries in order until the server has answered each one.

An entry the server keeps failing on (5xx, no answer in time) or refuses after nobody waits for the answer any
more (a check-in accepted from the cache, an offline ticket) is *parked*: out of the forwarder's way, with its
reason, until a technician retries or discards it.

SQLite in WAL mode with synchronous=FULL (a committed entry survives power loss). Request bodies (ID numbers,
addresses) and the bookings cache are encrypted with Fernet. The key is a systemd credential sealed to the TPM2
where the installer could seal one (kiosk.services.secrets); otherwise a file created 0600 in the state dir. Once
the server has answered an entry (or it is given up), its body is cut down to what the technician's pages show,
masked (`prune`), and SQLite overwrites what it frees (secure_delete). Offline ticket numbers come from a persisted
counter, so they never repeat after a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from cryptography.fernet import Fernet, InvalidToken

from kiosk.domain.checkin import normalise_id
from kiosk.domain.masking import mask_id_for_screen
from kiosk.errors import KioskError
from kiosk.services import secrets
from kiosk.services.backend_status import local_now

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, office TEXT NOT NULL,
  path TEXT NOT NULL, body BLOB NOT NULL, created_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0, answered_at TEXT, http_status INTEGER, response TEXT,
  error_code TEXT, offline_number TEXT, ref TEXT, failures INTEGER NOT NULL DEFAULT 0, park_reason TEXT,
  detached INTEGER NOT NULL DEFAULT 0, pruned INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS entries_status ON entries(status, seq);
CREATE TABLE IF NOT EXISTS offline_counters (
  office TEXT NOT NULL, day TEXT NOT NULL, business TEXT NOT NULL, last INTEGER NOT NULL,
  PRIMARY KEY (office, day, business));
CREATE TABLE IF NOT EXISTS bookings_cache (
  office TEXT NOT NULL, day TEXT NOT NULL, fetched_at TEXT NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (office, day));
"""
# pending → acked (2xx) | rejected (4xx answered to the applicant waiting for it) | superseded (replaced by an
# offline ticket) | parked (needs a technician) → pending again (retry) or discarded
FINAL = ("acked", "rejected", "superseded", "discarded")
STATUSES = ("pending", "parked", *FINAL)
# Columns added after the first release (a terminal's journal is migrated in place when opened).
_ADDED = {
    "failures": "INTEGER NOT NULL DEFAULT 0",
    "park_reason": "TEXT",
    "detached": "INTEGER NOT NULL DEFAULT 0",
    "pruned": "INTEGER NOT NULL DEFAULT 0",
}
# What a settled entry keeps of its body: no address, no name, ID numbers masked (the technician's pages and
# `kiosk-diag journal` show kind, time, offline number and reason; the audit and counters need no more).
_KEPT = ("appointment_id", "business", "kiosk_id", "checked_in_at", "called_at", "screen", "offline", "supersedes")


def pruned(body: dict, couple: str = "") -> dict:
    """A settled entry's body cut down to what may stay on the disk once the server has it. `couple`: the
    walk-in couple's digest (Journal.couple), so the kiosk still knows the number it gave them today."""
    kept = {k: body[k] for k in _KEPT if k in body}
    if couple:
        kept["couple"] = couple
    if isinstance(body.get("parties"), list):
        kept["parties"] = [
            {
                "id_number": mask_id_for_screen(str(p.get("id_number", ""))),
                **({"verified_by": p["verified_by"]} if p.get("verified_by") else {}),
            }
            for p in body["parties"]
            if isinstance(p, dict)
        ]
    return kept


class JournalError(KioskError):
    """The journal cannot be opened or read (disk, key file, corruption)."""


class OfflineRangeExhausted(JournalError):
    """Every offline number for this business today has been used."""


@dataclass(frozen=True)
class Entry:
    seq: int
    key: str
    kind: str  # checkin | ticket
    office: str
    path: str
    body: dict
    created_at: str
    status: str
    attempts: int
    http_status: int | None
    response: dict | None
    error_code: str | None
    offline_number: str | None
    ref: str | None  # appointment id, for "already checked in here" while offline
    failures: int = 0  # sends the server got but did not answer (5xx, timeout)
    park_reason: str | None = None
    detached: bool = False  # nobody waits for the answer: the applicant was served from the cache or offline


def load_or_create_key(path: Path) -> bytes:
    """The Fernet key; created once with mode 0600 (O_EXCL, so two processes never make two keys)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return path.read_bytes().strip()
    key = Fernet.generate_key()
    with os.fdopen(fd, "wb") as f:
        f.write(key)
        f.flush()
        os.fsync(f.fileno())
    return key


class Journal:
    FILE, KEY_FILE = "journal.sqlite3", "journal.key"

    def __init__(
        self,
        db_path: Path,
        fernet: Fernet,
        conn: sqlite3.Connection,
        clock: Callable[[], datetime],
        key_sealed: bool = False,
        couple_salt: bytes = b"",
    ):
        self.db_path, self._fernet, self._conn, self.clock = db_path, fernet, conn, clock
        self.key_sealed = key_sealed  # the key came from a TPM2-sealed systemd credential, not a plain file
        self._couple_salt = couple_salt
        self._lock = threading.RLock()

    @classmethod
    def _key(cls, state: Path) -> tuple[bytes, bool]:
        sealed = secrets.credential(secrets.JOURNAL_KEY)
        if sealed is not None:
            return sealed.read_bytes().strip(), True
        if (state / cls.FILE).exists() and not (state / cls.KEY_FILE).exists():
            # A new key would not open it: the key is sealed (run inside kiosk.service) or lost.
            raise JournalError(
                f"the journal in {state} has no key here: it is sealed to the TPM2 (run the tool as kiosk.service "
                "runs, e.g. systemd-run with its LoadCredentialEncrypted=; deploy/README.md) or it was lost"
            )
        return load_or_create_key(state / cls.KEY_FILE), False

    @classmethod
    def open(cls, state_dir: Path | str, clock: Callable[[], datetime] = local_now) -> "Journal":
        state = Path(state_dir)
        try:
            state.mkdir(parents=True, exist_ok=True, mode=0o700)
            key, sealed = cls._key(state)
            fernet = Fernet(key)
            conn = sqlite3.connect(state / cls.FILE, isolation_level=None, check_same_thread=False, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA secure_delete=ON")  # freed pages (pruned bodies, purged rows) are zeroed
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript(SCHEMA)
            have = {r["name"] for r in conn.execute("PRAGMA table_info(entries)")}
            for column, kind in _ADDED.items():
                if column not in have:
                    conn.execute(f"ALTER TABLE entries ADD COLUMN {column} {kind}")
        except (OSError, sqlite3.Error, ValueError) as e:
            raise JournalError(f"cannot open the journal in {state}: {e}") from None
        couple_salt = hmac.new(key, b"walk-in couple", hashlib.sha256).digest()[:16]
        return cls(state / cls.FILE, fernet, conn, clock, sealed, couple_salt)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _now(self) -> str:
        return self.clock().isoformat(timespec="milliseconds")

    def _seal(self, obj) -> bytes:
        return self._fernet.encrypt(json.dumps(obj, ensure_ascii=False).encode())

    def _open(self, blob: bytes):
        try:
            return json.loads(self._fernet.decrypt(blob))
        except InvalidToken:
            raise JournalError("journal data cannot be decrypted (wrong or replaced key file)") from None

    def _entry(self, row) -> Entry:
        return Entry(
            row["seq"],
            row["key"],
            row["kind"],
            row["office"],
            row["path"],
            self._open(row["body"]),
            row["created_at"],
            row["status"],
            row["attempts"],
            row["http_status"],
            json.loads(row["response"]) if row["response"] else None,
            row["error_code"],
            row["offline_number"],
            row["ref"],
            row["failures"],
            row["park_reason"],
            bool(row["detached"]),
        )

    # -- writing -----------------------------------------------------------------------------------------------
    def _insert(self, kind, office, path, body, key, offline_number, ref, detached=False) -> None:
        self._conn.execute(
            "INSERT INTO entries (key, kind, office, path, body, created_at, offline_number, ref, detached)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (key, kind, office, path, self._seal(body), self._now(), offline_number, ref, int(detached)),
        )

    def append(
        self,
        kind: str,
        office: str,
        path: str,
        body: dict,
        key: str | None = None,
        ref: str | None = None,
        detached: bool = False,
    ) -> Entry:
        """Commit one request (durably) and return it; the caller may send it only after this returns.
        `detached`: nobody will wait for the answer (queued while offline)."""
        key = key or uuid.uuid4().hex
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._insert(kind, office, path, body, key, None, ref, detached)
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:  # a failed COMMIT (disk full) has rolled back already
                    self._conn.execute("ROLLBACK")
                raise
        entry = self.get(key)
        assert entry is not None  # written just above
        return entry

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
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                if (
                    supersedes
                    and self._conn.execute(
                        "UPDATE entries SET status='superseded', answered_at=? WHERE key=? AND status='pending'",
                        (self._now(), supersedes),
                    ).rowcount
                    != 1
                ):
                    self._conn.execute("ROLLBACK")
                    return None
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
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:  # a failed COMMIT (disk full) has rolled back already
                    self._conn.execute("ROLLBACK")
                raise
        return self.get(key)

    def record_answer(self, key: str, http_status: int, response: dict) -> bool:
        """Store the server's answer to a pending entry; False if it was already settled (e.g. superseded).
        A refusal nobody waits for any more (detached, or an offline ticket) is parked for a technician."""
        code = response.get("error") if http_status >= 400 else None
        with self._lock:
            cur = self._conn.execute(
                "UPDATE entries SET status=CASE WHEN ? < 400 THEN 'acked'"
                " WHEN detached=1 OR offline_number IS NOT NULL THEN 'parked' ELSE 'rejected' END,"
                " park_reason=CASE WHEN ? >= 400 AND (detached=1 OR offline_number IS NOT NULL) THEN ? END,"
                " http_status=?, response=?, error_code=?, answered_at=?, attempts=attempts+1"
                " WHERE key=? AND status='pending'",
                (
                    http_status,
                    http_status,
                    f"HTTP {http_status} {code}",
                    http_status,
                    json.dumps(response, ensure_ascii=False),
                    code,
                    self._now(),
                    key,
                ),
            )
            self._prune(key)
        return cur.rowcount == 1

    def record_failure(self, key: str, reason: str, park_after: int) -> Entry | None:
        """The server got the entry but gave no answer (5xx, timeout): count it; at `park_after` failures the
        entry is parked. Returns the entry as it now stands."""
        with self._lock:
            row = self._conn.execute("SELECT failures FROM entries WHERE key=? AND status='pending'", (key,)).fetchone()
            if row is not None:
                n = row["failures"] + 1
                self._conn.execute(
                    "UPDATE entries SET attempts=attempts+1, failures=?, park_reason=?, status=? WHERE key=?",
                    (n, f"{reason} ×{n}", "parked" if n >= park_after else "pending", key),
                )
        return self.get(key)

    def detach(self, key: str) -> bool:
        """Nobody waits for this entry's answer any more (the applicant was served from the cache): a later
        refusal is parked for a technician. False if it was answered meanwhile (use that answer)."""
        with self._lock:
            cur = self._conn.execute(
                "UPDATE entries SET detached=1 WHERE key=? AND status IN ('pending', 'parked')", (key,)
            )
        return cur.rowcount == 1

    def retry(self, key: str) -> bool:
        """A technician sends a parked entry again (same Idempotency-Key: applied once at most)."""
        with self._lock:
            cur = self._conn.execute(
                "UPDATE entries SET status='pending', failures=0, park_reason=NULL, http_status=NULL, response=NULL,"
                " error_code=NULL, answered_at=NULL WHERE key=? AND status='parked'",
                (key,),
            )
        return cur.rowcount == 1

    def discard(self, key: str) -> bool:
        """A technician gives a parked entry up (it is kept, as discarded, until the retention period ends)."""
        with self._lock:
            cur = self._conn.execute(
                "UPDATE entries SET status='discarded', answered_at=? WHERE key=? AND status='parked'",
                (self._now(), key),
            )
            self._prune(key)
        return cur.rowcount == 1

    def count_attempt(self, key: str) -> None:
        with self._lock:
            self._conn.execute("UPDATE entries SET attempts=attempts+1 WHERE key=?", (key,))

    def supersede(self, key: str) -> bool:
        """Give up waiting for an answer (an offline ticket replaces it); False if it was answered meanwhile."""
        with self._lock:
            cur = self._conn.execute(
                "UPDATE entries SET status='superseded', answered_at=? WHERE key=? AND status IN ('pending', 'parked')",
                (self._now(), key),
            )
            self._prune(key)
        return cur.rowcount == 1

    def _prune(self, key: str) -> None:
        """Once an entry is settled its full body (ID numbers, addresses) is no longer needed: keep `pruned()`."""
        row = self._conn.execute(
            "SELECT body FROM entries WHERE key=? AND pruned=0 AND status IN (?,?,?,?)", (key, *FINAL)
        ).fetchone()
        if row is not None:
            body = self._open(row["body"])
            walk_in = isinstance(body.get("parties"), list) and not body.get("appointment_id")
            couple = self.couple([str(p.get("id_number", "")) for p in body["parties"]]) if walk_in else ""
            self._conn.execute(
                "UPDATE entries SET body=?, pruned=1 WHERE key=?", (self._seal(pruned(body, couple)), key)
            )

    def couple(self, id_numbers: list[str]) -> str:
        """A walk-in couple as scrypt of their sorted ID numbers under a salt derived from the journal's key: what
        a pruned ticket keeps of them (memory-hard, like the offline list: a copy of the disk and its key does
        not give the numbers back cheaply)."""
        joined = "|".join(sorted(normalise_id(n) for n in id_numbers))
        return hashlib.scrypt(joined.encode(), salt=self._couple_salt, n=2**14, r=8, p=1, dklen=16).hex()

    def prune_settled(self) -> int:
        """Prune every settled entry still holding its full body (a journal written by an earlier release)."""
        with self._lock:
            keys = [
                r["key"]
                for r in self._conn.execute(
                    "SELECT key FROM entries WHERE pruned=0 AND status IN (?,?,?,?)", FINAL
                ).fetchall()
            ]
            for key in keys:
                self._prune(key)
        return len(keys)

    def purge(self, retention_days: int) -> int:
        """Delete settled entries (and old counters and caches) older than the retention period; prune the rest."""
        self.prune_settled()
        cutoff = (self.clock() - timedelta(days=retention_days)).isoformat(timespec="milliseconds")
        day = cutoff[:10]
        with self._lock:
            n = self._conn.execute(
                "DELETE FROM entries WHERE status NOT IN ('pending', 'parked') AND answered_at < ?", (cutoff,)
            ).rowcount
            self._conn.execute("DELETE FROM offline_counters WHERE day < ?", (day,))
            self._conn.execute("DELETE FROM bookings_cache WHERE day < ?", (self.clock().date().isoformat(),))
        return n

    # -- reading -----------------------------------------------------------------------------------------------
    def get(self, key: str) -> Entry | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM entries WHERE key=?", (key,)).fetchone()
        return self._entry(row) if row else None

    def pending(self, limit: int = 100, after: int = 0) -> list[Entry]:
        """Pending entries, oldest first, from sequence number `after` on (exclusive)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM entries WHERE status='pending' AND seq > ? ORDER BY seq LIMIT ?", (after, limit)
            ).fetchall()
        return [self._entry(r) for r in rows]

    def entries(self, status: str | None = None, limit: int = 1000) -> list[Entry]:
        where, args = ("WHERE status=?", (status, limit)) if status else ("", (limit,))
        with self._lock:
            rows = self._conn.execute(f"SELECT * FROM entries {where} ORDER BY seq LIMIT ?", args).fetchall()
        return [self._entry(r) for r in rows]

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

    def parked(self, limit: int = 200) -> list[Entry]:
        return self.entries("parked", limit)

    def backlog(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM entries WHERE status='pending'").fetchone()[0]

    def checked_in_here(self, appointment_id: str, exclude_key: str | None = None) -> bool:
        """A check-in for this appointment is journaled and not refused by the server."""
        with self._lock:
            return (
                self._conn.execute(
                    "SELECT 1 FROM entries WHERE kind='checkin' AND ref=? AND key != ? AND"
                    " status IN ('pending','acked','parked')",
                    (appointment_id, exclude_key or ""),
                ).fetchone()
                is not None
            )

    def status(self) -> dict:
        with self._lock:
            counts = dict(self._conn.execute("SELECT status, COUNT(*) FROM entries GROUP BY status").fetchall())
            oldest = self._conn.execute("SELECT MIN(created_at) FROM entries WHERE status='pending'").fetchone()[0]
            offline = self._conn.execute(
                "SELECT COUNT(*) FROM entries WHERE offline_number IS NOT NULL AND created_at >= ?",
                (self.clock().date().isoformat(),),
            ).fetchone()[0]
        return {
            "backlog": counts.get("pending", 0),
            "oldest_pending": oldest,
            "parked": counts.get("parked", 0),
            "by_status": {s: counts.get(s, 0) for s in STATUSES},
            "offline_tickets_today": offline,
            "path": str(self.db_path),
        }

    # -- bookings cache ----------------------------------------------------------------------------------------
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
