"""The outbox: every check-in, ticket and call for staff is committed here, with its Idempotency-Key, before the
network sees it; the forwarder sends pending entries in order until the server has answered each one.

An entry the server keeps failing on (5xx, no answer in time) or refuses after nobody waits for the answer any
more (a check-in accepted from the cache, an offline ticket) is *parked*: out of the forwarder's way, with its
reason, until a technician retries or discards it. Once the server has answered an entry (or it is given up), its
body is cut down to what the technician's pages show, masked (`prune`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from dataclasses import dataclass

from kiosk.domain.checkin import normalise_id
from kiosk.domain.masking import mask_id_for_screen
from kiosk.services.journal.store import Store

# pending → acked (2xx) | rejected (4xx answered to the applicant waiting for it) | superseded (replaced by an
# offline ticket) | parked (needs a technician) → pending again (retry) or discarded
FINAL = ("acked", "rejected", "superseded", "discarded")
STATUSES = ("pending", "parked", *FINAL)
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


class Outbox(Store):
    def _entry(self, row: sqlite3.Row) -> Entry:
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
        with self._transaction():
            self._insert(kind, office, path, body, key, None, ref, detached)
        entry = self.get(key)
        assert entry is not None  # written just above
        return entry

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
        return self._settle(key, "discarded", ("parked",))

    def count_attempt(self, key: str) -> None:
        with self._lock:
            self._conn.execute("UPDATE entries SET attempts=attempts+1 WHERE key=?", (key,))

    def supersede(self, key: str) -> bool:
        """Give up waiting for an answer (an offline ticket replaces it); False if it was answered meanwhile."""
        return self._settle(key, "superseded", ("pending", "parked"))

    def _settle(self, key: str, status: str, settled_from: tuple[str, ...]) -> bool:
        """The entry ends `status` if it was still in one of `settled_from`, and its body is pruned."""
        marks = ",".join("?" * len(settled_from))
        with self._lock:
            cur = self._conn.execute(
                f"UPDATE entries SET status=?, answered_at=? WHERE key=? AND status IN ({marks})",
                (status, self._now(), key, *settled_from),
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

    def _purge_entries(self, cutoff: str) -> int:
        """Delete settled entries answered before `cutoff`; prune the rest (a journal of an earlier release)."""
        self.prune_settled()
        with self._lock:
            return self._conn.execute(
                "DELETE FROM entries WHERE status NOT IN ('pending', 'parked') AND answered_at < ?", (cutoff,)
            ).rowcount

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
