"""What the technician sees on the device status screen and what the metrics export: one record per device,
fed by the flow's events (DeviceFault, DeviceRecovered, PrinterReport, PrintFinished, BackendUp/Down) and by
the services' own figures (SAM ID, camera fps, backend latency, journal backlog, face pipeline rate).
Thread-safe: drivers report from worker threads, the UI and the metrics endpoint read."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Callable

from kiosk.flow import events as ev

DEVICES = ("idcard", "scanner", "printer", "camera", "fingerprint", "backend")
PAPER_STATES = ("ok", "near_end", "out", "unknown")
STORAGE_FULL_BYTES, STORAGE_LOW_SHARE = 1 << 20, 0.10  # the state directory's disk: full, and low
# PrinterReport / PrintFinished problem codes → (paper, cover_open, online); None = unchanged
_PRINTER_PROBLEMS = {
    "paper_out": ("out", None, None),
    "near_end": ("near_end", None, True),
    "cover_open": (None, True, None),
    "offline": (None, None, False),
    "not_responding": (None, None, False),
}


@dataclass
class DeviceState:
    name: str
    up: bool | None = None  # None: not heard from yet
    detail: str = ""
    last_error: str = ""
    last_error_at: float | None = None
    changed_at: float | None = None
    info: dict = field(default_factory=dict)  # per-device figures: sam_id, fps, paper, latency …


class DeviceBoard:
    def __init__(self, clock: Callable[[], float] = time.time, enabled: tuple[str, ...] = DEVICES):
        self.clock = clock
        self._lock = threading.Lock()
        self.devices = {name: DeviceState(name) for name in enabled}
        self.faults: Counter = Counter()
        printer = self.devices.get("printer")
        if printer:
            printer.info.update(paper="unknown", cover_open=None, online=None)

    def _dev(self, name: str) -> DeviceState:
        if name not in self.devices:
            self.devices[name] = DeviceState(name)
        return self.devices[name]

    def _set(self, name: str, up: bool, detail: str = "") -> None:
        d = self._dev(name)
        if d.up is not up:
            d.changed_at = self.clock()
        if not up:
            if d.up is not False or detail != d.last_error:
                self.faults[name] += 1
            d.last_error, d.last_error_at = detail or "fault", self.clock()
        d.up, d.detail = up, detail

    def not_configured(self, name: str) -> None:
        """No such device in this kiosk's configuration: said so, instead of "unknown"."""
        with self._lock:
            d = self._dev(name)
            d.up, d.detail = None, "not_configured"

    def configured(self, name: str) -> None:
        """A device used only during a journey (camera, fingerprint sensor): configured, not yet heard from."""
        with self._lock:
            d = self._dev(name)
            if d.up is None and not d.detail:
                d.detail = "configured"

    def audio_failed(self, why: str) -> None:
        """Cues or spoken prompts gave up (no audio device, a file that cannot be played)."""
        with self._lock:
            self._set("audio", False, why[:120])

    # -- events ------------------------------------------------------------------------------------------------
    def observe(self, item) -> None:
        with self._lock:
            if isinstance(item, ev.DeviceFault):
                self._set(item.device, False, item.detail)
            elif isinstance(item, ev.DeviceRecovered):
                self._set(item.device, True)
            elif isinstance(item, ev.CardRead):  # a card read is the reader working, whatever came before
                self._set("idcard", True)
            elif isinstance(item, ev.QrScanned):
                self._set("scanner", True)
            elif isinstance(item, ev.BackendDown):
                self._set("backend", False, "unreachable")
            elif isinstance(item, ev.BackendUp):
                self._set("backend", True)
            elif isinstance(item, ev.PrinterReport):
                self._printer(item.ok, item.problem)
            elif isinstance(item, ev.PrintFinished):
                self._printer(item.ok, item.problem)

    def _printer(self, ok: bool, problem: str) -> None:
        info = self._dev("printer").info
        if ok:
            info.update(paper="near_end" if problem == "near_end" else "ok", cover_open=False, online=True)
            self._set("printer", True, problem)
            return
        paper, cover, online = _PRINTER_PROBLEMS.get(problem, (None, None, None))
        for key, value in (("paper", paper), ("cover_open", cover), ("online", online)):
            if value is not None:
                info[key] = value
        self._set("printer", False, problem or "error")

    def printer_status(self, status) -> None:
        """A drivers.printer.port.PrinterStatus (duck-typed) from a status poll."""
        with self._lock:
            info = self._dev("printer").info
            info.update(
                paper="out" if status.paper_out else "near_end" if status.near_end else "ok",
                cover_open=status.cover_open,
                online=status.online,
                state=status.state,
            )
            self._set("printer", status.state in ("ok", "near_end"), "" if status.state == "ok" else status.state)

    # -- figures from the services -----------------------------------------------------------------------------
    def set_info(self, device: str, **info) -> None:
        with self._lock:
            self._dev(device).info.update(info)

    def sam_id(self, sam_id: str) -> None:
        self.set_info("idcard", sam_id=sam_id)

    def camera_fps(self, fps: float) -> None:
        self.set_info("camera", fps=round(fps, 1))

    def face_rate(self, frames_per_s: float) -> None:
        self.set_info("camera", face_fps=round(frames_per_s, 1))

    def backend_latency(self, snapshot: dict) -> None:
        """OfficeClient.latency.snapshot(): p50_ms, p99_ms, requests, failures, last_error."""
        self.set_info("backend", **{k: snapshot.get(k) for k in ("p50_ms", "p99_ms", "requests", "failures")})
        if snapshot.get("last_error"):
            with self._lock:
                d = self._dev("backend")
                if d.last_error != snapshot["last_error"]:  # when it was first seen (the page says when)
                    d.last_error, d.last_error_at = snapshot["last_error"], self.clock()

    def journal_backlog(self, backlog: int, oldest_pending: str | None = None, parked: int | None = None) -> None:
        self.set_info(
            "backend",
            journal_backlog=backlog,
            oldest_pending=oldest_pending,
            **({} if parked is None else {"journal_parked": parked}),
        )

    def clock_status(self, snapshot: dict) -> None:
        """ClockCheck.snapshot(): OS synchronisation and the offset from the office server's clock. Shown as one
        more row on the device page: a fault while the kiosk corrects its stamps or the OS says not synchronised."""
        with self._lock:
            d = self._dev("clock")
            d.info.update(
                {k: snapshot.get(k) for k in ("synchronised", "source", "offset_s", "adjusting", "tolerance_s")}
            )
            known = snapshot.get("offset_s") is not None or snapshot.get("synchronised") in ("yes", "no")
            if not known:
                return
            if snapshot.get("adjusting"):
                self._set("clock", False, "clock_off")
            elif snapshot.get("synchronised") == "no":
                self._set("clock", False, "not_synchronised")
            else:
                self._set("clock", True)

    def secrets_status(self, status: dict) -> None:
        """kiosk.services.secrets.status(): a fault row on the device page while a key sits in a plain file."""
        with self._lock:
            self._dev("secrets").info.update(status)
            plain = "plain" in status.values()
            self._set("secrets", not plain, "plain_files" if plain else "")

    def calendar_status(self, outlook: dict) -> None:
        """upkeep.calendar_outlook(): one more row on the device page, a fault while a calendar is due and missing."""
        with self._lock:
            d = self._dev("holidays")
            d.info.update(covered=outlook["covered"], missing=outlook["missing"])
            if outlook["missing"] is None:
                self._set("holidays", True)
            elif outlook["missing"] == outlook.get("year"):  # this year's: deadlines already go to the counter
                self._set("holidays", False, "calendar_missing_now")
            else:
                self._set("holidays", False, "calendar_missing")

    def certificates_status(self, outlook: dict) -> None:
        """upkeep.certificate_outlook(): days left of the kiosk's certificate and the office CA; a fault from
        CERT_WARN_DAYS before either expires (or when one cannot be read). Without mutual TLS, no row."""
        if not outlook:
            return
        with self._lock:
            d = self._dev("certificates")
            d.info.clear()
            d.info.update({name: dict(c) for name, c in outlook.items()})
            states = {c["state"] for c in outlook.values()}
            worst = next((s for s in ("expired", "unreadable", "expiring") if s in states), None)
            if worst is None:
                self._set("certificates", True)
            else:
                self._set("certificates", False, f"cert_{worst}")

    def storage_status(self, snapshot: dict) -> None:
        """StorageWatch.snapshot() of the state directory: a fault while journal writes fail or under 1 MiB is
        free, a warning under 10 %."""
        with self._lock:
            d = self._dev("storage")
            d.info.update(
                {k: snapshot.get(k) for k in ("free_bytes", "total_bytes", "failing", "failing_since", "failures")}
            )
            free, total = snapshot.get("free_bytes"), snapshot.get("total_bytes")
            if snapshot.get("failing") or (free is not None and free < STORAGE_FULL_BYTES):
                self._set("storage", False, "storage_full")
            elif free is not None and total and free < total * STORAGE_LOW_SHARE:
                self._set("storage", False, "storage_low")
            else:
                self._set("storage", True)

    # -- reading -----------------------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, dict]:
        with self._lock:
            return {
                name: {**asdict(d), "info": dict(d.info), "faults": self.faults[name]}
                for name, d in self.devices.items()
            }
