"""Idempotency and group commit's transaction: each request's work runs once per Idempotency-Key, in one
`BEGIN IMMEDIATE` transaction together with the record of its key, so an answer is stored exactly when its effect
is."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from office.clock import stamp
from office.core import Core
from office.errors import ApiError
from office.lockouts import LOCKOUT_S


def fingerprint(method: str, path: str, body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def check_key(key: str | None) -> None:
    if key is not None and not 1 <= len(key) <= 200:
        raise ApiError(400, "idempotency_key_invalid")


class Idempotency(Core):
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
