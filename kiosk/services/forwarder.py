"""Sends the journal's pending entries to the office server, oldest first, until each has an answer.

One background thread. When the server cannot be reached at all (refused, reset, connect timeout) the pass stops
and is tried again later, with a growing pause. When the server is reached but fails on one entry (5xx, no
answer in time) only that entry waits: it is retried with its own growing backoff, the others go on, and after
`park_after` such failures it is parked for a technician (see Journal). Every retry carries the same
Idempotency-Key, so the server applies an entry once however often it arrives. Periodic jobs (bookings cache
refresh, retention) run on the same thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any, Callable

from kiosk.services.journal import Entry, Journal
from kiosk.services.office_client import BackendRejected, BackendUnavailable, OfficeClient
from kiosk.services.storage import disk_full

log = logging.getLogger(__name__)

PARK_AFTER = 8  # failures of one entry (server reached, no answer) before it is parked
ENTRY_MAX_RETRY_S = 300.0  # an entry's own backoff grows to this
# The server got the request but gave no usable answer: counted against the entry. A timeout also ends the pass
# (a hung server is not hammered with the rest); anything else (refused, reset, TLS) means the server is not
# reached at all, which is the journal's ordinary offline mode and counts against nothing.
_NO_ANSWER = (
    "ReadTimeout",
    "ChunkedEncodingError",
    "ContentDecodingError",
    "JSONDecodeError",
    "RequestsJSONDecodeError",
)
# 4xx that mean "not now" rather than "no" when they come without the office server's error code.
_TRANSIENT_4XX = (408, 425, 429)


def entry_failure(reason: str) -> bool:
    """Did the server get the request (and fail on it), as opposed to not being reached? A server whose disk is
    full (503 storage_full) takes no writes at all: like one not reached, nothing is counted or parked."""
    if reason.endswith("storage_full"):
        return False
    return reason.startswith("HTTP 5") or reason in _NO_ANSWER


class Forwarder:
    def __init__(
        self,
        journal: Journal,
        client: OfficeClient,
        *,
        retry_s: float = 1.0,
        max_retry_s: float = 30.0,
        idle_s: float = 5.0,
        jobs: Sequence[tuple[float, Callable[[], object]]] = (),
        park_after: int = PARK_AFTER,
        entry_max_retry_s: float = ENTRY_MAX_RETRY_S,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.journal, self.client = journal, client
        self.retry_s, self.max_retry_s, self.idle_s = retry_s, max_retry_s, idle_s
        self.park_after, self.entry_max_retry_s, self.monotonic = park_after, entry_max_retry_s, monotonic
        self._jobs: list[list[Any]] = [[interval, fn, 0.0] for interval, fn in jobs]  # interval, job, last run
        self._wake, self._stop = threading.Event(), threading.Event()
        self._settled = threading.Condition()
        self._failures = 0  # sends that got no answer; a waiter stops waiting when this moves
        self._not_before: dict[str, float] = {}  # entry key → monotonic time of its next try (its own backoff)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="journal-forwarder", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def forward_once(self, *, force: bool = False) -> bool:
        """One pass over what is pending, in order; False when the server could not be reached (try again
        later). Entries waiting out their own backoff are skipped unless `force` (a technician's replay)."""
        if not self.journal.backlog() and self.client.status.up is not True:
            try:
                self.client.health()  # nothing to send: probe, so BackendUp is noticed
            except BackendUnavailable:
                return False
            except BackendRejected:
                pass
        after, seen = 0, set()
        while not self._stop.is_set():
            batch = self.journal.pending(limit=50, after=after)
            if not batch:
                # backoffs of entries settled elsewhere (superseded, retried from kiosk-diag) are dropped
                # (a copy first: a technician's replay may run a pass on another thread)
                self._not_before = {k: t for k, t in dict(self._not_before).items() if k in seen}
                return True
            for entry in batch:
                after = entry.seq
                seen.add(entry.key)
                if not force and self._not_before.get(entry.key, 0.0) > self.monotonic():
                    continue
                if not self._send(entry):
                    return False
        return True

    def next_due_s(self) -> float | None:
        """Seconds until the earliest entry's own backoff ends (None: none waiting)."""
        waiting = dict(self._not_before)
        if not waiting:
            return None
        return max(0.0, min(waiting.values()) - self.monotonic())

    def _send(self, entry: Entry) -> bool:
        """False only when the server could not be reached at all (the pass stops)."""
        try:
            status, answer = self.client.send(
                "POST", entry.path, body=entry.body, key=entry.key, retries=0, server_errors_down=False
            )
        except BackendUnavailable as e:
            if not entry_failure(e.reason):
                self.journal.count_attempt(entry.key)
                self._notify(failed=True)
                return False
            self._entry_failed(entry, e.reason)
            return not e.reason.endswith("Timeout")
        except BackendRejected as e:
            if e.status in _TRANSIENT_4XX and e.code.startswith("http_"):  # a proxy's "not now", no answer
                self._entry_failed(entry, f"HTTP {e.status}")
                return True
            status, answer = e.status, e.body
            log.warning("journal entry %s refused by the office server: %s %s", entry.key[:8], e.status, e.code)
        self._not_before.pop(entry.key, None)
        self.journal.record_answer(entry.key, status, answer)
        self._notify()
        return True

    def _entry_failed(self, entry: Entry, reason: str) -> None:
        after = self.journal.record_failure(entry.key, reason, self.park_after)
        if after is not None and after.status == "parked":
            self._not_before.pop(entry.key, None)
            log.warning("journal entry %s parked after %d failures (%s)", entry.key[:8], after.failures, reason)
        elif after is not None:
            backoff = min(self.retry_s * 2 ** (after.failures - 1), self.entry_max_retry_s)
            self._not_before[entry.key] = self.monotonic() + backoff
        self._notify(failed=True)

    def _notify(self, failed: bool = False) -> None:
        with self._settled:
            if failed:
                self._failures += 1
            self._settled.notify_all()

    def wait_settled(self, key: str, timeout: float) -> Entry | None:
        """Wait until the entry has an answer (or was superseded), or a send fails; returns it as it stands."""
        deadline = time.monotonic() + timeout
        with self._settled:
            failures = self._failures
            while True:
                entry = self.journal.get(key)
                left = deadline - time.monotonic()
                if entry is None or entry.status != "pending" or left <= 0 or self._failures != failures:
                    return entry
                self._settled.wait(min(left, 0.25))

    def _run_jobs(self) -> None:
        now = time.monotonic()
        for job in self._jobs:
            interval, fn, last = job
            if now - last >= interval or last == 0.0:
                job[2] = now
                try:
                    fn()
                except Exception as e:  # a failing job must not stop forwarding
                    log.info("periodic job %s failed: %s", getattr(fn, "__name__", fn), e)

    def _run(self) -> None:
        backoff = self.retry_s
        while not self._stop.is_set():
            self._run_jobs()
            try:
                ok = self.forward_once()
            except Exception as e:
                if self._stop.is_set():  # the shutdown closed the journal under an answer: sent again next start
                    log.info("journal forwarder stopped mid-pass: %s", e)
                    return
                if disk_full(e):  # sent, but the answer cannot be written down: sent again later, applied once
                    log.warning("journal answers not recorded, state disk full; retrying")
                else:
                    log.exception("journal forwarder failed; retrying")
                ok = False
            if ok:
                backoff, pause = self.retry_s, self.idle_s
                due = self.next_due_s()
                if due is not None:
                    pause = min(pause, max(due, 0.01))
            else:
                pause, backoff = backoff, min(backoff * 2, self.max_retry_s)
            self._wake.wait(pause)
            self._wake.clear()
