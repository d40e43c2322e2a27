"""What the kiosk flow calls to check in and take a number, online or not.

Every check-in and ticket is journaled first, then sent by the forwarder; the caller waits for the answer up
to the client's timeouts. With no answer: a check-in is validated against the cached bookings and stays queued;
a ticket is replaced by one from the kiosk's offline range (the unanswered request is superseded, so the server
voids whatever it may have issued for it). With the state disk full (kiosk.services.storage) requests go to the
server directly, and nothing is accepted offline.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, cast

from kiosk.domain.hours import may_issue
from kiosk.domain.ticket import offline_share
from kiosk.services.backend_status import BackendStatus, local_now
from kiosk.services.bookings_cache import BookingsCache
from kiosk.domain.checkin import MESSAGES, checkin_problem, party_key
from kiosk.services.forwarder import Forwarder
from kiosk.services.journal import Entry, Journal
from kiosk.services.office_client import BackendRejected, BackendUnavailable, OfficeClient, rejection
from kiosk.services.storage import StorageFull, StorageWatch, disk_full

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckinOutcome:
    appointment_id: str
    online: bool  # False: accepted from the cache, queued for the server
    checked_in_at: str


@dataclass(frozen=True)
class TicketOutcome:
    number: str
    business: str
    offline: bool
    priority: str  # booked | walk_in
    issued_at: str
    waiting_ahead: int | None  # None when offline (unknown)
    ticket_id: str | None


def _refusal(code: str, status: int = 409) -> BackendRejected:
    return rejection(status, {"error": code, "message": MESSAGES.get(code, {"zh": code, "en": code})})


class OfficeLink:
    def __init__(
        self,
        *,
        office,
        client: OfficeClient,
        journal: Journal,
        clock: Callable[[], datetime] = local_now,
        bookings_refresh_s: float = 300,
        retention_days: int = 30,
        answer_wait_s: float | None = None,
        retry_s: float = 1.0,
        offline_share: str = "1/1",
    ):
        self.office, self.client, self.journal, self.clock = office, client, journal, clock
        self.offline_share = offline_share  # this kiosk's part of the offline ranges (kiosk.offline_share)
        self.status: BackendStatus = client.status
        self.cache = BookingsCache(journal, client, office.code, clock)
        self._salts: deque[dict] = deque(maxlen=2)  # the `match` of the bookings seen last (a card is hashed under it)
        self.storage = StorageWatch(journal.db_path.parent)
        self.answer_wait_s = answer_wait_s if answer_wait_s is not None else sum(client.timeout) + 0.5
        self.forwarder = Forwarder(
            journal,
            client,
            retry_s=retry_s,
            jobs=[
                (bookings_refresh_s, self.cache.refresh),
                (6 * 3600, lambda: journal.purge(retention_days)),
            ],
        )

    @classmethod
    def from_config(
        cls, config, office, on_change=None, clock: Callable[[], datetime] = local_now, on_date=None
    ) -> "OfficeLink":
        """Wire the real client and journal from the kiosk configuration (no I/O until start()). `on_change`: the
        server judged up or down; `on_date`: each answer's Date header (the kiosk's clock check)."""
        client = OfficeClient.from_config(config, BackendStatus(on_change), on_date=on_date)
        journal = Journal.open(config.state_dir, clock)
        return cls(
            office=office,
            client=client,
            journal=journal,
            clock=clock,
            bookings_refresh_s=config.backend.bookings_refresh_s,
            retention_days=config.backend.journal_retention_days,
            offline_share=config.kiosk.offline_share,
        )

    def start(self) -> None:
        self.forwarder.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.forwarder.stop(timeout)
        self.client.close()

    def _stamp(self) -> str:
        return self.clock().isoformat(timespec="milliseconds")

    def _path(self, what: str) -> str:
        return f"/v1/offices/{self.office.code}/{what}"

    def _online(self) -> bool:
        return self.status.up is not False

    def _write(self, fn: Callable[[], Any]) -> Any:
        """A journal write; a full disk becomes StorageFull (and the technician's device page says so)."""
        try:
            out = fn()
        except (sqlite3.Error, OSError) as e:
            if not disk_full(e):
                raise
            self.storage.failed(e, self._stamp())
            log.error("journal write failed, state disk full: %s", e, extra={"event": "storage_full"})
            raise StorageFull(str(e)) from None
        self.storage.recovered()
        return out

    def _direct(self, what: str, body: dict) -> dict:
        """Without the journal (disk full): sent once, answered before anyone is told yes; no answer, no yes."""
        return self.client.send("POST", self._path(what), body=body, key=uuid.uuid4().hex)[1]

    def _await(self, entry: Entry) -> Entry | None:
        """The settled entry, or None if the server gave no answer in time."""
        self.forwarder.wake()
        settled = self.forwarder.wait_settled(entry.key, self.answer_wait_s)
        return settled if settled is not None and settled.status in ("acked", "rejected") else None

    # -- lookups -----------------------------------------------------------------------------------------------
    def lookup(self, **query) -> tuple[list[dict], str]:
        """(appointments, "online" | "cache"); raises NotFound when there are none."""
        try:
            found, source = self.client.lookup(**query), "online"
        except BackendUnavailable:
            found, source = self.cache.find(**query), "cache"
            if not found:
                raise _refusal("appointment_not_found", 404) from None
            # checked in by this kiosk since the list was fetched: the scan says so, as online
            here = [
                {**a, "checked_in": True} if self.journal.checked_in_here(str(a.get("appointment_id"))) else a
                for a in found
            ]
            found = here
        for a in found:
            if isinstance(a, dict) and a.get("match") and {"match": a["match"]} not in self._salts:
                self._salts.append({"match": a["match"]})
        if query.get("id_number"):
            self.warm(query["id_number"])
        return found, source

    def warm(self, id_number: str) -> None:
        """Hash a card under the salts of the bookings seen last (scrypt, ≈ 40 ms), here on a worker or the
        reader's thread, so that the flow's comparisons on the UI thread find the hash memoised."""
        for match in list(self._salts):
            party_key(match, id_number)

    # -- check-in ----------------------------------------------------------------------------------------------
    def check_in(self, appointment: dict, id_numbers: list[str], verification=()) -> CheckinOutcome:
        """`verification`: PartyCheck per party, in the order of id_numbers (how each was verified, and the score)."""
        at = self._stamp()
        body = {
            "appointment_id": appointment["appointment_id"],
            "kiosk_id": self.client.kiosk_id,
            "parties": [{"id_number": n, **_verified(verification, i)} for i, n in enumerate(id_numbers)],
            "checked_in_at": at,
        }
        online = self._online()
        if not online:
            self._check_offline(appointment, id_numbers)
        try:
            entry = self._write(
                lambda: self.journal.append(
                    "checkin",
                    self.office.code,
                    self._path("checkins"),
                    body,
                    ref=appointment["appointment_id"],
                    detached=not online,
                )
            )
        except StorageFull:
            if not online:
                raise BackendUnavailable("storage_full") from None  # accepted offline only if journaled
            self._direct("checkins", body)
            return CheckinOutcome(appointment["appointment_id"], True, at)
        if online:
            settled = self._await(entry)
            if settled is None and not self.journal.detach(entry.key):
                settled = self.journal.get(entry.key)  # answered just as we gave up: use the answer
                settled = settled if settled is not None and settled.status in ("acked", "rejected") else None
            if settled is not None:
                if settled.status == "rejected":
                    raise rejection(cast(int, settled.http_status), settled.response)  # a refusal has its status
                return CheckinOutcome(appointment["appointment_id"], True, at)
            # No answer: the entry stays queued (detached: a later refusal is parked for a technician, since the
            # applicant was told yes) and the cache decides. If the cache refuses, the entry is not sent later
            # (the applicant was told no); a copy already in flight may still land, which is harmless.
            try:
                self._check_offline(appointment, id_numbers, exclude_key=entry.key)
            except BackendRejected:
                self.journal.supersede(entry.key)
                raise
        self.forwarder.wake()
        return CheckinOutcome(appointment["appointment_id"], False, at)

    def _check_offline(self, appointment: dict, id_numbers: list[str], exclude_key: str | None = None) -> None:
        cached = next(
            (a for a in self.cache.appointments() if a["appointment_id"] == appointment["appointment_id"]), None
        )
        if cached is None:
            raise _refusal("appointment_not_found", 404)
        here = self.journal.checked_in_here(cached["appointment_id"], exclude_key)
        w = self.office.appointment_window
        problem = checkin_problem(
            cached, id_numbers, self.clock(), w.minutes_before, w.minutes_after, bool(cached.get("checked_in")) or here
        )
        if problem:
            raise _refusal(problem, 422 if problem == "parties_mismatch" else 409)

    # -- tickets -----------------------------------------------------------------------------------------------
    def issue_ticket(
        self,
        business: str,
        appointment_id: str | None = None,
        parties: list[dict] | None = None,
        verification=(),
        eligibility: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None,
    ) -> TicketOutcome:
        """`eligibility`: the kiosk's decision, its reason codes and the regulation applied, shown at the counter."""
        body: dict[str, Any] = {
            "business": business,
            "appointment_id": appointment_id,
            "kiosk_id": self.client.kiosk_id,
        }
        if eligibility:
            decision, reasons, clauses = eligibility
            body["eligibility"] = {"decision": decision, "reasons": list(reasons), "clauses": list(clauses)}
        if parties and not appointment_id:
            body["parties"] = [
                {"id_number": p["id_number"], "address": p.get("address", ""), **_verified(verification, i)}
                for i, p in enumerate(parties)
            ]
        supersedes = None
        now = self.clock()
        day = now.date().isoformat()
        if not may_issue(self.office, now):  # the server's rule too: it would refuse this number online and offline
            raise _refusal("office_closed")
        if self._online():
            try:
                entry = self._write(
                    lambda: self.journal.append(
                        "ticket", self.office.code, self._path("tickets"), body, ref=appointment_id
                    )
                )
            except StorageFull:
                return self._outcome(self._direct("tickets", body), business)
            settled = self._await(entry)
            if settled is not None:
                return self._answered(settled, business)
            supersedes = entry.key
        held = self.journal.ticket_held(self.office.code, day, business, [p["id_number"] for p in parties or []])
        if not appointment_id and held:  # the server would say so (ticket_already_issued); offline, we do
            if supersedes:
                self.journal.supersede(supersedes)
            raise rejection(409, {"error": "ticket_already_issued", "ticket": {"number": held}})
        if not appointment_id and self.journal.walk_ins_refused(self.office.code, day):
            # The office said today's walk-ins are full (its quota covers every business): an outage must not
            # hand out tickets it won't serve.
            if supersedes:
                self.journal.supersede(supersedes)
            raise _refusal("quota_exhausted", 429)
        rng = self.office.tickets[business]
        first, last = offline_share(rng, self.offline_share)
        try:
            offline = self._write(
                lambda: self.journal.append_offline_ticket(
                    self.office.code, self._path("tickets"), body, rng.prefix, first, last, day, supersedes
                )
            )
        except StorageFull:
            raise BackendUnavailable("storage_full") from None  # an offline number exists only if journaled
        if offline is None:  # answered just as we gave up: use it
            return self._answered(self.journal.get(cast(str, supersedes)), business)  # only with an online try
        self.forwarder.wake()
        return TicketOutcome(
            cast(str, offline.offline_number),
            business,
            True,
            "booked" if appointment_id else "walk_in",
            offline.body["offline"]["issued_at"],
            None,
            None,
        )

    def _answered(self, settled, business: str) -> TicketOutcome:
        if settled.status == "rejected":
            raise rejection(settled.http_status, settled.response)
        return self._outcome(settled.response, business)

    @staticmethod
    def _outcome(t: dict, business: str) -> TicketOutcome:
        return TicketOutcome(
            t["number"],
            business,
            bool(t.get("offline")),
            t["priority"],
            t["issued_at"],
            t["waiting_ahead"],
            t["ticket_id"],
        )

    # -- assistance ----------------------------------------------------------------------------------------------
    def call_staff(self, screen: str, business: str | None) -> int | None:
        """Ask the office for a person at this kiosk: journaled first (sent exactly once, also after an outage),
        then sent. The office's call id when it has the call; None when it waits in the journal."""
        body = {"kiosk_id": self.client.kiosk_id, "screen": screen, "business": business, "called_at": self._stamp()}
        try:
            entry = self._write(
                lambda: self.journal.append("assistance", self.office.code, self._path("assistance"), body)
            )
        except StorageFull:
            if not self._online():
                return None
            try:
                answer = self._direct("assistance", body)
            except BackendUnavailable:
                return None
            call_id = (answer or {}).get("call_id")
            return call_id if isinstance(call_id, int) else None
        if not self._online():
            self.forwarder.wake()
            return None
        settled = self._await(entry)
        if settled is None or settled.status != "acked":
            return None
        call_id = (settled.response or {}).get("call_id")
        return call_id if isinstance(call_id, int) else None

    def staff_call_status(self, call_id: int) -> str:
        """open | acknowledged (a person has taken the call) | closed; raises BackendUnavailable offline."""
        answer = self.client.request("GET", self._path(f"assistance/{int(call_id)}"), retries=0)
        status = answer.get("status")
        return status if status in ("open", "acknowledged", "closed") else "open"

    def withdraw_assistance(self) -> int:
        """The applicant has gone: calls still waiting in the journal are not sent (staff would come to no one)."""
        return sum(self.journal.supersede(e.key) for e in self.journal.pending(limit=1000) if e.kind == "assistance")

    # -- maintenance -------------------------------------------------------------------------------------------
    def backlog(self) -> int:
        return self.journal.backlog()

    def snapshot(self) -> dict:
        return {
            "backend": self.status.snapshot(),
            "latency": self.client.latency.snapshot(),
            "journal": self.journal.status(),
            "bookings_cached_at": self.cache.fetched_at(),
            "url": self.client.base_url,
        }


def _verified(verification, index: int) -> dict:
    """verified_by and score of party `index` for the office (nothing when the kiosk did not verify)."""
    check = next((c for c in verification if c.party == index + 1), None)
    if check is None:
        return {}
    out = {"verified_by": check.verified_by}
    if check.score is not None:
        out["score"] = check.score
    return out
