"""HTTP client for the office API (docs/api.md) with timeouts, safe retries, typed errors and latency figures.

Retries only where they cannot apply anything twice: GETs, and POSTs that carry an Idempotency-Key (the server
answers a repeated key with its first answer). requests' own errors never leave this module.
"""

from __future__ import annotations

import http.client
import logging
import os
import threading
import time
import uuid
from collections import deque
from typing import Callable

import requests

from kiosk.services import secrets
from kiosk.errors import BackendError
from kiosk.services.backend_status import BackendStatus

log = logging.getLogger(__name__)
# A kept-alive connection the server closed just as it was reused (its keep-alive timer ran out while the request
# was on its way): says nothing about the server, which answers the same request on a new connection.
_DROPPED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


class BackendUnavailable(BackendError):
    """No usable answer: refused, timed out, connection dropped, or a server error (5xx)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"office server unavailable: {reason}")


class BackendRejected(BackendError):
    """The server answered and said no (4xx); `code` is its stable error code."""

    def __init__(self, status: int, code: str, body: dict | None = None):
        self.status, self.code, self.body = status, code, body or {}
        self.message = self.body.get("message") or {"zh": code, "en": code}
        super().__init__(f"office server refused ({status} {code})")


class QuotaExhausted(BackendRejected):
    """Today's walk-in quota (or the number range) is used up."""


class IdempotencyConflict(BackendRejected):
    """The Idempotency-Key was already used with a different request."""


class NotFound(BackendRejected):
    """No such appointment (or not for today), office or path."""


def rejection(status: int, body: dict | None) -> BackendRejected:
    code = (body or {}).get("error") or f"http_{status}"
    if code in ("quota_exhausted", "range_exhausted"):
        return QuotaExhausted(status, code, body)
    if code == "idempotency_conflict":
        return IdempotencyConflict(status, code, body)
    if status == 404:
        return NotFound(status, code, body)
    return BackendRejected(status, code, body)


class LatencyStats:
    """Rolling window of request times for the maintenance screen."""

    def __init__(self, window: int = 500):
        self._ms: deque[float] = deque(maxlen=window)
        self._lock = threading.Lock()
        self.requests = self.failures = 0
        self.last_error = ""

    def record(self, ms: float, ok: bool, error: str = "") -> None:
        with self._lock:
            self._ms.append(ms)
            self.requests += 1
            if not ok:
                self.failures += 1
                self.last_error = error

    def snapshot(self) -> dict:
        with self._lock:
            ordered = sorted(self._ms)

        def pick(q: float) -> float | None:
            return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else None

        return {
            "requests": self.requests,
            "failures": self.failures,
            "last_error": self.last_error,
            "p50_ms": pick(0.50),
            "p99_ms": pick(0.99),
            "window": len(ordered),
        }


class OfficeClient:
    def __init__(
        self,
        base_url: str,
        *,
        kiosk_id: str,
        connect_timeout_s: float = 2.0,
        read_timeout_s: float = 5.0,
        retries: int = 2,
        backoff_s: float = 0.2,
        status: BackendStatus | None = None,
        ca_file: str = "",
        client_cert: str = "",
        client_key: str = "",
        on_date: Callable[[str], None] | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        # Mutual TLS: trust only the office CA, and show this kiosk's certificate (its identity on the server).
        self.verify: str | bool = _path(ca_file) if ca_file else True
        self.cert = (_path(client_cert), _path(client_key)) if client_cert else None
        self.kiosk_id = kiosk_id
        self.timeout = (connect_timeout_s, read_timeout_s)
        self.retries, self.backoff_s = retries, backoff_s
        self.status = status or BackendStatus()
        self.latency = LatencyStats()
        self.on_date = on_date  # each answer's Date header (the kiosk's clock check)
        self._local = threading.local()  # one Session per thread: the UI worker and the forwarder
        self._sessions: list[tuple[threading.Thread, requests.Session]] = []
        self._sessions_lock = threading.Lock()

    @classmethod
    def from_config(cls, config, status: BackendStatus | None = None, **kw) -> "OfficeClient":
        b = config.backend
        return cls(
            b.url,
            kiosk_id=config.kiosk.id,
            connect_timeout_s=b.connect_timeout_s,
            read_timeout_s=b.read_timeout_s,
            status=status,
            ca_file=b.ca_file,
            client_cert=b.client_cert,
            client_key=secrets.tls_key(b.client_key),  # the TPM2-sealed credential, if kiosk.service has one
            **kw,
        )

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["User-Agent"] = f"heyuan-kiosk/{self.kiosk_id}"
            # The office server's URL comes from the kiosk's config only: a proxy or .netrc in the environment
            # must not reroute personal data (and reading them costs a scan of os.environ per request).
            session.trust_env = False
            session.verify, session.cert = self.verify, self.cert
            with self._sessions_lock:
                # Short-lived threads (probes) come and go: close the sessions they left, or their pooled
                # sockets stay open for the life of the kiosk (found by the soak: one leak per probe thread).
                ended = [s for t, s in self._sessions if not t.is_alive()]
                self._sessions = [(t, s) for t, s in self._sessions if t.is_alive()]
                self._sessions.append((threading.current_thread(), session))
            for old in ended:
                old.close()
        return session

    def close(self) -> None:
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for _thread, session in sessions:
            session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        body: dict | None = None,
        key: str | None = None,
        retries: int | None = None,
    ) -> dict:
        return self.send(method, path, params=params, body=body, key=key, retries=retries)[1]

    def send(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        body: dict | None = None,
        key: str | None = None,
        retries: int | None = None,
        server_errors_down: bool = True,
    ) -> tuple[int, dict]:
        """(HTTP status, JSON body) of a 2xx answer; raises BackendRejected (4xx) or BackendUnavailable.
        `server_errors_down=False`: a 5xx to this request does not mark the server down (the journal's replay of
        one entry the server fails on, while it serves everything else)."""
        if method != "GET" and not key:
            raise ValueError("every POST needs an Idempotency-Key")
        headers = {"Idempotency-Key": key} if key else {}
        attempts = 1 + (self.retries if retries is None else retries)
        failure, server_error = "", False
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.backoff_s * (2 ** (attempt - 1)))
            started = time.perf_counter()
            try:
                resp = self._exchange(method, self.base_url + path, params=params, json=body, headers=headers)
                data = resp.json() if resp.content else {}
            except (requests.RequestException, ValueError) as e:
                failure = type(e).__name__
                self.latency.record((time.perf_counter() - started) * 1000, False, failure)
                continue
            ms = (time.perf_counter() - started) * 1000
            if self.on_date is not None and "date" in resp.headers:
                self.on_date(resp.headers["date"])
            if resp.status_code >= 500:
                failure, server_error = f"HTTP {resp.status_code}", True
                if isinstance(data, dict) and data.get("error") == "storage_full":
                    failure += " storage_full"  # the server's disk: not this request's fault (forwarder)
                self.latency.record(ms, False, failure)
                continue
            server_error = False
            self.latency.record(ms, True)
            self.status.report(True)
            if resp.status_code >= 400:
                raise rejection(resp.status_code, data if isinstance(data, dict) else None)
            return resp.status_code, data
        if server_errors_down or not server_error:
            self._judge_down(failure)
        raise BackendUnavailable(failure)

    def _exchange(self, method: str, url: str, **kw) -> requests.Response:
        """One request; sent again at once on a new connection when a kept-alive one was closed under it (safe:
        GETs, and POSTs carry an Idempotency-Key)."""
        try:
            return self.session.request(method, url, timeout=self.timeout, **kw)
        except requests.ConnectionError as e:
            if not _dropped(e):
                raise
            log.info("office server closed a kept-alive connection as it was reused; sending again")
            return self.session.request(method, url, timeout=self.timeout, **kw)

    def _judge_down(self, failure: str) -> None:
        """A request failed. The server is judged down only if a probe on a new connection fails too: one slow
        or dropped answer does not turn the kiosk offline (the banner, cached check-ins, offline numbers)."""
        if self.status.up is False:
            self.status.report(False, failure)
            return
        confirm = self.probe_fresh()
        lat = self.latency.snapshot()
        if not confirm:
            log.info("office server: a request failed (%s) but it answers on a new connection: still up", failure)
            return
        reason = f"{failure}, then {confirm} on a new connection"
        log.warning(
            "office server judged down: %s (timeouts %.1f s connect, %.1f s read; answers so far p50 %s ms, p99 %s ms)",
            reason,
            *self.timeout,
            lat["p50_ms"],
            lat["p99_ms"],
        )
        self.status.report(False, reason)

    def probe_fresh(self) -> str:
        """GET /healthz on a new connection: "" when the server answers (any status below 500), else why not."""
        started = time.perf_counter()
        with requests.Session() as s:
            s.trust_env, s.verify, s.cert = False, self.verify, self.cert
            try:
                resp = s.get(self.base_url + "/healthz", timeout=self.timeout)
            except requests.RequestException as e:
                self.latency.record((time.perf_counter() - started) * 1000, False, type(e).__name__)
                return type(e).__name__
        ok = resp.status_code < 500
        self.latency.record((time.perf_counter() - started) * 1000, ok, "" if ok else f"HTTP {resp.status_code}")
        if ok:
            self.status.report(True)
        return "" if ok else f"HTTP {resp.status_code}"

    # -- the API -----------------------------------------------------------------------------------------------
    def health(self) -> dict:
        return self.request("GET", "/healthz", retries=0)

    def offices(self) -> list[dict]:
        return self.request("GET", "/v1/offices")["offices"]

    def lookup(self, **query) -> list[dict]:
        """token=… | id_number=…, office=… | phone=…, code=… → today's bookings (NotFound when none); an answer
        without a list of them is refused here (`garbled_answer`), each booking is checked where it is used."""
        answer = self.request("GET", "/v1/appointments/lookup", params=query)
        found = answer.get("appointments") if isinstance(answer, dict) else None
        if not isinstance(found, list):
            raise BackendRejected(200, "garbled_answer")
        return found

    def appointments_of(self, office: str, day: str | None = None) -> list[dict]:
        return self.request("GET", f"/v1/offices/{office}/appointments", params={"date": day} if day else None)[
            "appointments"
        ]

    def checkin(
        self,
        office: str,
        appointment_id: str,
        id_numbers: list[str],
        key: str | None = None,
        checked_in_at: str | None = None,
    ) -> dict:
        body = {
            "appointment_id": appointment_id,
            "kiosk_id": self.kiosk_id,
            "parties": [{"id_number": n} for n in id_numbers],
        }
        if checked_in_at:
            body["checked_in_at"] = checked_in_at
        return self.request("POST", f"/v1/offices/{office}/checkins", body=body, key=key or new_key())

    def issue_ticket(
        self, office: str, business: str, appointment_id: str | None = None, key: str | None = None, **extra
    ) -> dict:
        body = {"business": business, "appointment_id": appointment_id, "kiosk_id": self.kiosk_id, **extra}
        return self.request("POST", f"/v1/offices/{office}/tickets", body=body, key=key or new_key())

    def verify_identity(self, id_number: str, photo_jpeg_base64: str) -> dict:
        """The office's identity service: {"result": match | no_match | unavailable, "score"}."""
        return self.request(
            "POST", "/v1/identity/verify", body={"id_number": id_number, "photo_jpeg": photo_jpeg_base64}, key=new_key()
        )

    def citywide_report(self, office: str, start: str, end: str) -> dict:
        return self.request("GET", f"/v1/offices/{office}/reports/citywide", params={"from": start, "to": end})


def _dropped(error: BaseException) -> bool:
    """Does a requests error come from a kept-alive connection the server had closed?"""
    todo: list[BaseException] = [error]
    for _ in range(20):  # the chain of causes is short; a cycle must not loop
        if not todo:
            break
        e = todo.pop()
        if isinstance(e, _DROPPED):
            return True
        todo.extend(a for a in e.args if isinstance(a, BaseException))
        todo.extend(c for c in (e.__cause__, e.__context__) if c is not None and c is not e)
    return False


def _path(value: str) -> str:
    return os.path.expandvars(os.path.expanduser(value))


def new_key() -> str:
    return uuid.uuid4().hex
