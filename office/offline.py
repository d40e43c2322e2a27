"""Offline tickets are accepted only when they are physically plausible (a stolen kiosk certificate must not be
able to fill the queue with back-dated numbers), and a counter can void a kiosk's offline batch in one action.

A kiosk prints an offline number only while it cannot reach the server. So a ticket stamped at `t` is accepted
only if (`plausibility`, one function):
- the server was not hearing from that kiosk at `t`: the server keeps each kiosk's contacts (`Contacts`: every
  request of its certificate, as spans of requests at most `heard_gap_s` apart, in memory and in the `contacts`
  table shared by every server process on the database); a stamp inside such a span — the kiosk was talking to the
  server just before and just after — is refused;
- it is within the office's ticket hours (OfficeBackend.check_ticket_time: kiosk.domain.hours, the rule the kiosk prints by);
- it is no closer to that kiosk's other offline tickets of the day than the shortest possible journey
  (`min_interval_s`): one kiosk serves one applicant at a time;
- that kiosk's offline walk-in tickets of the day stay within `daily_share` of the walk-in quota.
Refusals are 422 `offline_implausible` with the reason. Accepted tickets count against the walk-in quota like
any (a walk-in past it is refused) and are queued by their stamped time among the others.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from fastapi import FastAPI, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from office.errors import ApiError
from office.clock import stamp
from office.routes.common import write

VOID_PATH = "/v1/offices/{office}/offline/void"
SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (
  kiosk TEXT NOT NULL, first_at REAL NOT NULL, last_at REAL NOT NULL, PRIMARY KEY (kiosk, first_at));
"""


@dataclass(frozen=True)
class OfflineRules:
    heard_gap_s: float = 10.0  # requests this close together are one conversation (the kiosk was online)
    min_interval_s: float = 60.0  # the shortest journey: card, face, ticket
    daily_share: float = 0.5  # of the walk-in quota, per kiosk and day, as offline walk-in tickets


class Contacts:
    """When the server heard from each kiosk: spans of requests at most `gap` seconds apart, in memory and
    written to the `contacts` table with a write at most every `flush_s` (so a restart keeps them, but for the
    last seconds)."""

    def __init__(self, gap: float, keep_s: float = 2 * 86400, flush_s: float = 5.0):
        self.gap, self.keep_s, self.flush_s = gap, keep_s, flush_s
        self._flushed = self._pruned = 0.0
        self._spans: dict[str, list[list[float]]] = {}
        self._dirty: set[tuple[str, float]] = set()
        self._lock = threading.Lock()

    def load(self, conn, now: float) -> None:
        conn.executescript(SCHEMA)
        for row in conn.execute(
            "SELECT kiosk, first_at, last_at FROM contacts WHERE last_at > ? ORDER BY first_at", (now - self.keep_s,)
        ):
            self._spans.setdefault(row[0], []).append([row[1], row[2]])

    def heard(self, kiosk: str, at: float) -> None:
        with self._lock:
            spans = self._spans.setdefault(kiosk, [])
            if spans and spans[-1][0] <= at <= spans[-1][1] + self.gap:
                spans[-1][1] = max(spans[-1][1], at)
            else:
                spans.append([at, at])
                if len(spans) > 5000:  # a day of a busy kiosk is a few hundred
                    del spans[: len(spans) - 5000]
            self._dirty.add((kiosk, spans[-1][0]))

    def talking_at(self, kiosk: str, at: float, conn=None) -> bool:
        """`at` lies within a stretch of the kiosk's requests (from its first to its last, ends included; a lone
        request is no stretch), as this process heard them or, with `conn`, as any server process on the database
        stored them."""
        with self._lock:
            if any(first <= at <= last and first < last for first, last in self._spans.get(kiosk, ())):
                return True
        return conn is not None and bool(
            conn.execute(
                "SELECT 1 FROM contacts WHERE kiosk=? AND first_at <= ? AND last_at >= ? AND last_at > first_at",
                (kiosk, at, at),
            ).fetchone()
        )

    def flush(self, conn, now: float, force: bool = False) -> None:
        if not force and time.monotonic() - self._flushed < self.flush_s:
            return
        self._flushed = time.monotonic()
        with self._lock:
            dirty, self._dirty = self._dirty, set()
            rows = [
                (kiosk, first, last)
                for kiosk, first0 in dirty
                for first, last in self._spans.get(kiosk, ())
                if first == first0
            ]
        conn.executemany("INSERT OR REPLACE INTO contacts (kiosk, first_at, last_at) VALUES (?,?,?)", rows)
        if time.monotonic() - self._pruned > 3600:
            self._pruned = time.monotonic()
            conn.execute("DELETE FROM contacts WHERE last_at < ?", (now - self.keep_s,))


def attach(backend, rules: OfflineRules) -> None:
    """Give the backend its rules and its kiosks' contacts (loaded from the database)."""
    backend.offline_rules, backend.contacts = rules, Contacts(rules.heard_gap_s)
    backend.contacts.load(backend.store.connection(), backend.clock().timestamp())


def contact_key(office: str, kiosk: str) -> str:
    return f"{office}/{kiosk}"


def plausibility(
    backend, conn, office: str, kiosk: str, when: datetime, walk_in: bool, supersedes: str | None = None
) -> None:
    """Raise 422 offline_implausible (with the reason) unless an offline ticket of `kiosk` stamped `when` could
    have been printed by that kiosk while it was cut off from the server — or while its requests reached the
    server but the answers did not reach it: an offline ticket that replaces (`supersedes`) the same kiosk's own
    ticket request, answered here close to `when`, takes that number's place instead of adding one."""
    rules: OfflineRules = backend.offline_rules
    oc = backend.office(office)
    backend.check_ticket_time(oc, when, offline=True)
    answer_lost = supersedes is not None and _replaces_own_request(conn, supersedes, kiosk, when)
    if not answer_lost and backend.contacts.talking_at(contact_key(office, kiosk), when.timestamp(), conn):
        raise ApiError(422, "offline_implausible", reason="kiosk_was_online")
    day = when.date().isoformat()
    near = conn.execute(
        "SELECT 1 FROM tickets WHERE office=? AND day=? AND origin=? AND offline=1 AND status != 'void'"
        " AND issued_at > ? AND issued_at < ? LIMIT 1",
        (
            office,
            day,
            kiosk,
            stamp(when - timedelta(seconds=rules.min_interval_s)),
            stamp(when + timedelta(seconds=rules.min_interval_s)),
        ),
    ).fetchone()
    if near and rules.min_interval_s > 0:
        raise ApiError(422, "offline_implausible", reason="too_close_to_another")
    if walk_in:
        bound = math.ceil(rules.daily_share * oc.walk_in_daily_quota)
        held = conn.execute(
            "SELECT COUNT(*) FROM tickets WHERE office=? AND day=? AND origin=? AND offline=1 AND status != 'void'"
            " AND priority='walk_in'",
            (office, day, kiosk),
        ).fetchone()[0]
        if held >= bound:
            raise ApiError(422, "offline_implausible", reason="kiosk_share_used", bound=bound)


ANSWER_LOST_WINDOW = timedelta(minutes=5)  # a kiosk waits seconds for an answer before it prints offline


def _replaces_own_request(conn, key: str, kiosk: str, when: datetime) -> bool:
    """The superseded key is a ticket request of this kiosk that the server answered with a number issued
    within ANSWER_LOST_WINDOW of `when` (the kiosk never saw that answer)."""
    import json

    row = conn.execute("SELECT status, body FROM idempotency WHERE key=?", (key,)).fetchone()
    if row is None or row["status"] != 201:
        return False
    ticket = conn.execute(
        "SELECT issued_at FROM tickets WHERE ticket_id=? AND kiosk_id=?",
        (json.loads(row["body"]).get("ticket_id"), kiosk),
    ).fetchone()
    return ticket is not None and abs(datetime.fromisoformat(ticket["issued_at"]) - when) <= ANSWER_LOST_WINDOW


class VoidBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kiosk_id: str = Field(min_length=1, max_length=64, description="the kiosk whose offline tickets are voided")
    counter: str = Field(default="", max_length=16)


def install(app: FastAPI, backend, writes, errors) -> None:
    """The counters' action: void every waiting offline ticket a kiosk recorded today (audited)."""
    key_header = Header(default=None, alias="Idempotency-Key")

    def void(conn, office: str, kiosk_id: str) -> tuple[int, dict]:
        backend.office(office)
        voided = conn.execute(
            "UPDATE tickets SET status='void' WHERE office=? AND day=? AND origin=? AND offline=1 AND status='waiting'",
            (office, backend.today(), kiosk_id),
        ).rowcount
        return 200, {"office": office, "kiosk_id": kiosk_id, "voided": voided}

    @app.post(VOID_PATH, responses=errors("POST", _404=["unknown_office"]))
    async def void_offline_batch(
        office: str, body: VoidBatch, request: Request, idempotency_key: Optional[str] = key_header
    ):
        """A counter voids the waiting offline tickets a kiosk recorded today (e.g. a stolen kiosk's), in one
        action; called tickets stay as they are."""
        work = lambda c: void(c, office, body.kiosk_id)  # noqa: E731
        batch = lambda answer: f"{body.kiosk_id}:{answer.get('voided', 0)}"  # noqa: E731
        return await write(backend, writes, request, idempotency_key, body.model_dump(mode="json"), work, batch)
