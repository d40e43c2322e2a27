"""Sends the journal's pending entries to the office server, oldest first, until each has an answer.

One background thread. A send that gets no answer (down, timeout, dropped connection, 5xx) is retried later with
the same Idempotency-Key, so the server applies it once however often it arrives. Periodic jobs (bookings cache
refresh, retention) run on the same thread.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from kiosk.services.journal import Entry, Journal
from kiosk.services.office_client import BackendRejected, BackendUnavailable, OfficeClient

log = logging.getLogger(__name__)


class Forwarder:
    def __init__(self, journal: Journal, client: OfficeClient, *, retry_s: float = 1.0, max_retry_s: float = 30.0,
                 idle_s: float = 5.0, jobs: list[tuple[float, Callable[[], object]]] = ()):
        self.journal, self.client = journal, client
        self.retry_s, self.max_retry_s, self.idle_s = retry_s, max_retry_s, idle_s
        self._jobs = [[interval, fn, 0.0] for interval, fn in jobs]
        self._wake, self._stop = threading.Event(), threading.Event()
        self._settled = threading.Condition()
        self._failures = 0          # sends that got no answer; a waiter stops waiting when this moves
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

    def forward_once(self) -> bool:
        """Send what is pending, in order; False when the server could not be reached (try again later)."""
        if not self.journal.backlog() and self.client.status.up is not True:
            try:
                self.client.health()           # nothing to send: probe, so BackendUp is noticed
            except BackendUnavailable:
                return False
            except BackendRejected:
                pass
        while not self._stop.is_set():
            batch = self.journal.pending(limit=50)
            if not batch:
                return True
            for entry in batch:
                if not self._send(entry):
                    return False
        return True

    def _send(self, entry: Entry) -> bool:
        try:
            status, answer = self.client.send("POST", entry.path, body=entry.body, key=entry.key, retries=0)
        except BackendUnavailable:
            self.journal.count_attempt(entry.key)
            with self._settled:
                self._failures += 1
                self._settled.notify_all()
            return False
        except BackendRejected as e:
            status, answer = e.status, e.body
            log.warning("journal entry %s refused by the office server: %s %s", entry.key, e.status, e.code)
        self.journal.record_answer(entry.key, status, answer)
        with self._settled:
            self._settled.notify_all()
        return True

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
            except Exception:
                log.exception("journal forwarder failed; retrying")
                ok = False
            if ok:
                backoff, pause = self.retry_s, self.idle_s
            else:
                pause, backoff = backoff, min(backoff * 2, self.max_retry_s)
            self._wake.wait(pause)
            self._wake.clear()
