"""Prometheus endpoint (config `maintenance.metrics_bind`, default "127.0.0.1:9108") so a city-wide Prometheus
can watch every kiosk.

Loopback only unless TLS is configured: a bind on any other address needs `metrics_certfile`, `metrics_keyfile`
and `metrics_client_cafile`, and then serves HTTPS that requires a client certificate from that CA (the city's
Prometheus); a non-loopback bind without them is refused (MetricsUnavailable), never served in clear.

The figures are read at scrape time from the device board and the counters (a custom collector on a private
registry), so nothing has to be pushed and nothing can drift. A bind that fails (port taken, bad address) is a
`MetricsUnavailable` with a clear message; `start_or_log` logs it and lets the kiosk run without metrics.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from kiosk.domain.business import BUSINESSES
from kiosk.errors import KioskError
from kiosk.maintenance.devices import PAPER_STATES

log = logging.getLogger("kiosk.metrics")

PREFIX = "kiosk"
METRIC_NAMES = (
    "kiosk_info",
    "kiosk_device_up",
    "kiosk_device_faults_total",
    "kiosk_printer_paper_state",
    "kiosk_printer_cover_open",
    "kiosk_tickets_total",
    "kiosk_checkins_total",
    "kiosk_redirects_total",
    "kiosk_sessions_total",
    "kiosk_tickets_today",
    "kiosk_print_failures_total",
    "kiosk_journal_backlog",
    "kiosk_journal_parked",
    "kiosk_clock_synchronised",
    "kiosk_clock_offset_seconds",
    "kiosk_clock_adjusted",
    "kiosk_identity_verified_total",
    "kiosk_camera_fps",
    "kiosk_face_pipeline_fps",
    "kiosk_backend_latency_seconds",
    "kiosk_backend_up",
    "kiosk_paper_tickets_left_estimate",
    "kiosk_maintenance_logged_in",
    "kiosk_holiday_calendar_missing",
    "kiosk_certificate_days_left",
    "kiosk_certificate_expiring",
    "kiosk_state_free_bytes",
    "kiosk_state_writes_failing",
)


class MetricsUnavailable(KioskError):
    """The metrics endpoint could not be started; the kiosk carries on without it."""


def parse_bind(bind: str) -> tuple[str, int]:
    """'127.0.0.1:9108', '[::1]:9108', ':9108' (all IPv4 interfaces) → (host, port)."""
    m = re.fullmatch(r"\s*(?:\[([0-9A-Fa-f:.]+)\]|([^\s:\[\]]*)):(\d{1,5})\s*", bind or "")
    if not m or not 0 <= int(m.group(3)) < 65536:  # 0: any free port (tests)
        raise MetricsUnavailable(f"maintenance.metrics_bind {bind!r} is not host:port (e.g. 127.0.0.1:9108)")
    host = m.group(1) or m.group(2) or "0.0.0.0"
    return host, int(m.group(3))


class KioskCollector:
    """Reads the board, the counters and a few callables at each scrape."""

    def __init__(
        self,
        kiosk_id: str,
        office: str,
        board=None,
        counters=None,
        logged_in: Callable[[], bool] | None = None,
        version: str = "",
    ):
        self.labels = {"kiosk": kiosk_id, "office": office}
        self.board, self.counters, self.logged_in, self.version = board, counters, logged_in, version

    def _family(self, cls, name: str, doc: str, extra: tuple[str, ...] = ()):
        return cls(name, doc, labels=[*self.labels, *extra])

    def collect(self):
        base = list(self.labels.values())
        info = self._family(GaugeMetricFamily, "kiosk_info", "This kiosk (always 1).", ("version",))
        info.add_metric([*base, self.version], 1)
        yield info
        if self.board is not None:
            yield from self._devices(base)
        if self.counters is not None:
            yield from self._counts(base)
        if self.logged_in is not None:
            g = self._family(GaugeMetricFamily, "kiosk_maintenance_logged_in", "1 while a technician is logged in.")
            g.add_metric(base, 1 if self.logged_in() else 0)
            yield g

    def _devices(self, base):
        snap = self.board.snapshot()
        up = self._family(
            GaugeMetricFamily, "kiosk_device_up", "1 up, 0 faulty (absent until first heard).", ("device",)
        )
        faults = self._family(CounterMetricFamily, "kiosk_device_faults", "Faults seen per device.", ("device",))
        for name, d in snap.items():
            if d["up"] is not None:
                up.add_metric([*base, name], 1 if d["up"] else 0)
            faults.add_metric([*base, name], d["faults"])
        yield up
        yield faults
        printer = snap.get("printer", {}).get("info", {})
        paper = self._family(
            GaugeMetricFamily, "kiosk_printer_paper_state", "1 for the current paper state.", ("state",)
        )
        for state in PAPER_STATES:
            paper.add_metric([*base, state], 1 if printer.get("paper", "unknown") == state else 0)
        yield paper
        if printer.get("cover_open") is not None:
            cover = self._family(GaugeMetricFamily, "kiosk_printer_cover_open", "1 while the cover is open.")
            cover.add_metric(base, 1 if printer["cover_open"] else 0)
            yield cover
        backend = snap.get("backend", {})
        info = backend.get("info", {})
        if backend.get("up") is not None:
            g = self._family(GaugeMetricFamily, "kiosk_backend_up", "1 when the office server answers.")
            g.add_metric(base, 1 if backend["up"] else 0)
            yield g
        if info.get("journal_backlog") is not None:
            g = self._family(GaugeMetricFamily, "kiosk_journal_backlog", "Journal entries not yet accepted upstream.")
            g.add_metric(base, info["journal_backlog"])
            yield g
        if info.get("journal_parked") is not None:
            g = self._family(
                GaugeMetricFamily,
                "kiosk_journal_parked",
                "Journal entries parked for a technician (the server kept failing on or refused them).",
            )
            g.add_metric(base, info["journal_parked"])
            yield g
        lat = self._family(
            GaugeMetricFamily, "kiosk_backend_latency_seconds", "Office API latency (rolling).", ("quantile",)
        )
        for q, key in (("0.5", "p50_ms"), ("0.99", "p99_ms")):
            if info.get(key) is not None:
                lat.add_metric([*base, q], info[key] / 1000)
        yield lat
        yield from self._clock(base, snap.get("clock", {}).get("info", {}))
        kept = snap.get("secrets", {}).get("info", {})
        if kept:
            g = self._family(
                GaugeMetricFamily,
                "kiosk_secret_sealed",
                "1 when the secret comes from a TPM2-sealed systemd credential, 0 when it sits in a plain file.",
                ("secret",),
            )
            for name in ("journal_key", "tls_key"):
                if kept.get(name) in ("sealed", "plain"):
                    g.add_metric([*base, name], 1 if kept[name] == "sealed" else 0)
            yield g
        yield from self._holidays(base, snap.get("holidays", {}).get("info", {}))
        yield from self._certificates(base, snap.get("certificates", {}).get("info", {}))
        yield from self._storage(base, snap.get("storage", {}).get("info", {}))
        camera = snap.get("camera", {}).get("info", {})
        for key, name, doc in (
            ("fps", "kiosk_camera_fps", "Camera frames per second."),
            ("face_fps", "kiosk_face_pipeline_fps", "Face pipeline frames analysed per second."),
        ):
            if camera.get(key) is not None:
                g = self._family(GaugeMetricFamily, name, doc)
                g.add_metric(base, camera[key])
                yield g

    def _clock(self, base, info: dict):
        sync = self._family(
            GaugeMetricFamily,
            "kiosk_clock_synchronised",
            "1 for the OS clock's synchronisation state (timedatectl/chronyc; unknown without them).",
            ("state",),
        )
        for state in ("yes", "no", "unknown"):
            sync.add_metric([*base, state], 1 if (info.get("synchronised") or "unknown") == state else 0)
        yield sync
        if info.get("offset_s") is not None:
            g = self._family(
                GaugeMetricFamily,
                "kiosk_clock_offset_seconds",
                "Office server's clock minus the kiosk's, from the Date header (negative: kiosk fast).",
            )
            g.add_metric(base, info["offset_s"])
            yield g
            g = self._family(
                GaugeMetricFamily,
                "kiosk_clock_adjusted",
                "1 while the kiosk stamps check-ins with the server-adjusted time (its clock is off).",
            )
            g.add_metric(base, 1 if info.get("adjusting") else 0)
            yield g

    def _holidays(self, base, info: dict):
        if not info.get("covered") and info.get("missing") is None:
            return  # not looked at yet
        g = self._family(
            GaugeMetricFamily,
            "kiosk_holiday_calendar_missing",
            "1: the holiday calendar of this year (or from 1 November, of next year) is not installed; decisions "
            "with a divorce deadline in it go to the counter.",
            ("year",),
        )
        if info.get("missing") is not None:
            g.add_metric([*base, str(info["missing"])], 1)
        else:
            g.add_metric([*base, str(max(info["covered"]) + 1)], 0)
        yield g

    def _certificates(self, base, info: dict):
        if not info:
            return
        left = self._family(
            GaugeMetricFamily,
            "kiosk_certificate_days_left",
            "Whole days until the certificate expires (negative: expired).",
            ("cert",),
        )
        expiring = self._family(
            GaugeMetricFamily,
            "kiosk_certificate_expiring",
            "1 within 30 days of expiry, expired or unreadable: renew it (deploy/README.md).",
            ("cert",),
        )
        for name, c in sorted(info.items()):
            if c.get("days_left") is not None:
                left.add_metric([*base, name], c["days_left"])
            expiring.add_metric([*base, name], 0 if c["state"] == "ok" else 1)
        yield left
        yield expiring

    def _storage(self, base, info: dict):
        if info.get("free_bytes") is not None:
            g = self._family(GaugeMetricFamily, "kiosk_state_free_bytes", "Free space on the state directory's disk.")
            g.add_metric(base, info["free_bytes"])
            yield g
        if "failing" in info:
            g = self._family(
                GaugeMetricFamily,
                "kiosk_state_writes_failing",
                "1 while journal writes fail (disk full): the kiosk serves online only, nothing offline.",
            )
            g.add_metric(base, 1 if info["failing"] else 0)
            yield g

    def _counts(self, base):
        life = self.counters.lifetime_counts()
        for kind, name, doc in (
            ("tickets", "kiosk_tickets", "Tickets issued, by business."),
            ("checkins", "kiosk_checkins", "Appointment check-ins, by business."),
            ("redirects", "kiosk_redirects", "Applicants sent to another office, by business."),
        ):
            c = self._family(CounterMetricFamily, name, doc, ("business",))
            for business in BUSINESSES:
                c.add_metric([*base, business], life[kind].get(business, 0))
            yield c
        sessions = self._family(CounterMetricFamily, "kiosk_sessions", "Applicant sessions, by outcome.", ("outcome",))
        for outcome, n in sorted(life["sessions"].items()):
            sessions.add_metric([*base, outcome], n)
        yield sessions
        verified = self._family(
            CounterMetricFamily,
            "kiosk_identity_verified",
            "Parties whose identity was verified, by how (face, fingerprint, staff).",
            ("by",),
        )
        for how in ("face", "fingerprint", "staff"):
            verified.add_metric([*base, how], life["verified_by"].get(how, 0))
        yield verified
        failures = self._family(CounterMetricFamily, "kiosk_print_failures", "Failed prints, by problem.", ("problem",))
        for problem, n in sorted(life["print_failures"].items()):
            failures.add_metric([*base, problem], n)
        yield failures
        snap = self.counters.snapshot()
        today = self._family(
            GaugeMetricFamily, "kiosk_tickets_today", "Tickets issued today (local date).", ("business",)
        )
        for business in BUSINESSES:
            today.add_metric([*base, business], snap["tickets"].get(business, 0))
        yield today
        left = self._family(
            GaugeMetricFamily,
            "kiosk_paper_tickets_left_estimate",
            "Tickets left on the roll (estimate since the last reload).",
        )
        left.add_metric(base, snap["paper"]["tickets_left_estimate"])
        yield left


@dataclass(frozen=True)
class MetricsTls:
    certfile: str
    keyfile: str
    client_cafile: str

    @classmethod
    def from_config(cls, maintenance) -> "MetricsTls | None":
        files = (maintenance.metrics_certfile, maintenance.metrics_keyfile, maintenance.metrics_client_cafile)
        return cls(*files) if all(files) else None


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class MetricsServer:
    host: str
    port: int
    _server: Any = None  # prometheus_client's WSGI server and its thread, while serving
    _thread: Any = None
    tls: bool = False

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}/metrics"

    def stop(self) -> None:
        """Without waiting: prometheus_client's serve loop looks for a shutdown only every 0.5 s, which a SIGTERM
        used to wait out (issue 23); the port is free within that time, the daemon thread ends with the process."""
        server, self._server = self._server, None
        if server is not None:
            threading.Thread(target=lambda: (server.shutdown(), server.server_close()), daemon=True).start()


def start_metrics(bind: str, collector: KioskCollector, tls: MetricsTls | None = None) -> MetricsServer:
    host, port = parse_bind(bind)
    if tls is None and not is_loopback(host):
        raise MetricsUnavailable(
            f"maintenance.metrics_bind {bind!r} is not loopback: set metrics_certfile, "
            "metrics_keyfile and metrics_client_cafile (TLS with client certificates)"
        )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)  # type: ignore[arg-type]  # duck-typed: collect() and describe()
    extra: dict[str, Any] = (
        {}
        if tls is None
        else {
            "certfile": tls.certfile,
            "keyfile": tls.keyfile,
            "client_cafile": tls.client_cafile,
            "client_auth_required": True,
        }
    )
    try:
        server, thread = start_http_server(port, addr=host, registry=registry, **extra)
    except OSError as e:
        raise MetricsUnavailable(f"cannot serve metrics on {bind}: {e.strerror or e}") from None
    except Exception as e:  # ssl.SSLError and friends: bad files
        raise MetricsUnavailable(f"cannot serve metrics on {bind}: {e}") from None
    return MetricsServer(host, server.server_address[1], server, thread, tls is not None)


def start_or_log(bind: str, collector: KioskCollector, tls: MetricsTls | None = None) -> MetricsServer | None:
    """For the kiosk's start-up: metrics are useful, not vital — a failure is logged, never fatal."""
    if not bind:
        return None
    try:
        server = start_metrics(bind, collector, tls)
    except MetricsUnavailable as e:
        log.error("metrics endpoint not started: %s", e, extra={"event": "metrics_bind_failed", "bind": bind})
        return None
    log.info("metrics on %s", server.url, extra={"event": "metrics_started"})
    return server
