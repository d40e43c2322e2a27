"""The maintenance core wired into the running kiosk (no Kivy here): self-tests through the devices the Kiosk
holds, journal replay through the office link, the report from the office API, the walk-in quota gate, the
shell observers (counters, device board, log masking, self-test taps) and the office-link figures thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import date
from typing import Callable

from kiosk.flow import events as ev
from kiosk.flow import effects as fx
from kiosk.domain.masking import mask_id_for_screen, mask_name
from kiosk.errors import DeviceError, DeviceNotFound, DeviceTimeout
from kiosk.maintenance.core import Maintenance
from kiosk.maintenance.upkeep import calendar_outlook, certificate_expiry, days_left
from kiosk.services.backend_status import local_now

log = logging.getLogger(__name__)


class DeviceTap:
    """A shell observer: a self-test waits here for the next card or code a device reports (the flow itself
    ignores them while the technician is logged in)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._waiters: list[tuple[type, threading.Event, list]] = []

    def observe(self, item) -> None:
        with self._lock:
            for kind, done, box in self._waiters:
                if isinstance(item, kind) and not done.is_set():
                    box.append(item)
                    done.set()

    def wait_for(self, kind: type, timeout_s: float, device: str):
        entry: tuple[type, threading.Event, list[object]] = (kind, threading.Event(), [])
        with self._lock:
            self._waiters.append(entry)
        try:
            if not entry[1].wait(timeout_s):
                raise DeviceTimeout(device, f"nothing from the device in {timeout_s:.0f} s")
            return entry[2][0]
        finally:
            with self._lock:
                self._waiters.remove(entry)


def names_observer(names) -> Callable[[object], None]:
    """Applicants' names join the log-masking filter when a card is read and leave when the session ends."""

    def observe(item) -> None:
        if isinstance(item, ev.CardRead):
            names.add(item.card.name)
        elif isinstance(item, fx.SessionEnded):
            names.clear()

    return observe


def walk_ins_today(counters) -> int:
    snap = counters.snapshot()
    return snap["tickets_total"] - snap["checkins_total"]


def quota_gate(settings, counters) -> Callable[[], bool]:
    """True when today's walk-in tickets reached the technician's quota (None: no quota)."""

    def exhausted() -> bool:
        quota = settings.get("walk_in_quota")
        return quota is not None and walk_ins_today(counters) >= int(quota)

    return exhausted


# -- self-tests --------------------------------------------------------------------------------------------------
def idcard_test(kiosk, tap: DeviceTap):
    def run(timeout_s: float) -> dict:
        if kiosk.idcard is None:
            raise DeviceNotFound("idcard", "no ID card reader configured")
        read = tap.wait_for(ev.CardRead, timeout_s, "idcard")
        card = read.card
        out = {
            "card_type": card.card_type,
            "name": mask_name(card.name),
            "id_number": mask_id_for_screen(card.id_number),
        }
        sam = getattr(kiosk.idcard, "sam_id", None)
        if sam is not None:
            try:
                out["sam_id"] = sam()
            except Exception as e:  # the card was read: the SAM ID is a bonus
                out["sam_id"] = type(e).__name__
        return out

    return run


def scanner_test(tap: DeviceTap):
    def run(timeout_s: float) -> dict:
        scan = tap.wait_for(ev.QrScanned, timeout_s, "scanner")
        payload = str(scan.payload)
        return {"length": len(payload), "starts": payload[:6] + "…"}

    return run


def printer_test(kiosk, clock):
    def run(timeout_s: float) -> dict:
        from drivers.printer.port import PrintJob
        from kiosk.domain.ticket import build_test_ticket

        if kiosk.printer is None:
            raise DeviceNotFound("printer", "no printer configured")
        ticket = build_test_ticket(office=kiosk.office, policy=kiosk.runner.policy, issued_at=clock())
        result = kiosk.printer.print_ticket(PrintJob(ticket, time.monotonic(), ticket.ticket_id))
        if not result.issued:
            raise DeviceError("printer", result.reason or result.outcome)
        return {"printed": ticket.ticket_id, "outcome": result.outcome, "seconds": round(result.elapsed_s, 2)}

    return run


def camera_test(kiosk, board, frames: int = 10):
    def run(timeout_s: float) -> dict:
        from drivers.registry import create

        camera = create("camera", kiosk.camera_url)
        camera.open()
        try:
            started = time.monotonic()
            frame = None
            for _ in range(frames):
                frame = camera.read()
                if time.monotonic() - started > timeout_s:
                    raise DeviceTimeout("camera", "the camera is too slow")
            fps = frames / max(1e-6, time.monotonic() - started)
        finally:
            camera.close()
        board.camera_fps(fps)
        assert frame is not None  # frames ≥ 1
        h, w = frame.shape[:2]
        return {"fps": round(fps, 1), "size": f"{w}x{h}", "_frame": frame}

    return run


def journal_replay(link) -> dict:
    """Send the backlog now, entries waiting out their backoff too (the forwarder's own pass; idempotency keys
    make a double send harmless)."""
    before = link.journal.status()["by_status"]
    reached = link.forwarder.forward_once(force=True)
    after = link.journal.status()
    by = after["by_status"]
    return {
        "reached": "yes" if reached else "no",
        "accepted": by.get("acked", 0) - before.get("acked", 0),
        "refused": by.get("rejected", 0) - before.get("rejected", 0),
        "left": after["backlog"],
        "parked": after["parked"],
    }


def parked_view(entry) -> dict:
    """A parked journal entry as the technician sees it: no body (ID numbers, addresses), only what it was,
    when, and why it is parked."""
    return {
        "key": entry.key,
        "kind": entry.kind,
        "created_at": entry.created_at,
        "offline_number": entry.offline_number,
        "reason": entry.park_reason or "",
        "failures": entry.failures,
        "error": entry.error_code,
        # the server's own words for a refusal (no personal data: codes, messages and its short detail)
        "message": (entry.response or {}).get("message")
        if isinstance((entry.response or {}).get("message"), dict)
        else None,
        "detail": str((entry.response or {}).get("detail") or "")[:120],
    }


class ParkedDesk:
    """The maintenance core's ParkedJournal over the kiosk's office link."""

    def __init__(self, link):
        self.link = link

    def parked(self) -> list[dict]:
        return [parked_view(e) for e in self.link.journal.parked()]

    def retry(self, key: str) -> bool:
        done = self.link.journal.retry(key)
        if done:
            self.link.forwarder.wake()
        return done

    def discard(self, key: str) -> bool:
        return self.link.journal.discard(key)


# -- the whole -----------------------------------------------------------------------------------------------------
def build(
    kiosk, *, today: Callable[[], date], recent=None, restart: Callable[[], None] | None = None, clock=time.time
) -> tuple[Maintenance, DeviceTap]:
    from kiosk.services.backend_status import local_now

    tap = DeviceTap()
    m = Maintenance.from_config(
        kiosk.config,
        clock=clock,
        today=today,
        walk_in_quota=getattr(kiosk.office, "walk_in_daily_quota", None),
        recent=recent,
        report_source=kiosk.link.client,
        replay=lambda: journal_replay(kiosk.link),
        parked=ParkedDesk(kiosk.link),
        restart=restart,
    )
    absent = {
        "idcard": kiosk.idcard is None,
        "scanner": kiosk.scanner is None,
        "printer": kiosk.printer is None,
        "camera": not kiosk.camera_url or kiosk.camera_url == "none",
        "fingerprint": getattr(kiosk, "fingerprint", None) is None,  # a sensor and its matcher, or neither
    }
    for name, missing in absent.items():
        if missing:
            m.board.not_configured(name)
        elif name in ("camera", "fingerprint"):  # opened only for a journey: "configured" until then
            m.board.configured(name)
    m.self_tests = {
        "idcard": idcard_test(kiosk, tap),
        "printer": printer_test(kiosk, local_now),
        "camera": camera_test(kiosk, m.board),
        "scanner": scanner_test(tap),
    }
    return m, tap


def attach(shell, m: Maintenance, tap: DeviceTap | None = None, names=None) -> None:
    """Every flow event and effect to the counters and board, the self-test taps and the masking filter."""
    shell.observers.append(m.observe)
    if tap is not None:
        shell.observers.append(tap.observe)
    if names is not None:
        shell.observers.append(names_observer(names))


class LinkFigures:
    """Every few seconds: office latency, journal backlog, clock, holiday calendars and certificates (and once the
    reader's SAM ID) to the device board.
    A thread, since the journal is SQLite and the SAM ID a serial exchange."""

    def __init__(self, board, kiosk, every_s: float = 5.0):
        self.board, self.kiosk, self.every_s = board, kiosk, every_s
        self._certs: dict[str, tuple[int | None, dict]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="link-figures")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def push(self) -> None:
        link = self.kiosk.link
        self.board.backend_latency(link.client.latency.snapshot())
        status = link.journal.status()
        self.board.journal_backlog(status["backlog"], status["oldest_pending"], status["parked"])
        check = getattr(self.kiosk, "clock_check", None)
        if check is not None:
            self.board.clock_status(check.snapshot())
        now = check.now() if check is not None else local_now()
        env = getattr(self.kiosk, "env", None)
        if env is not None:
            self.board.calendar_status(calendar_outlook(env.rest_days, now.date()))
        config = getattr(self.kiosk, "config", None)
        if config is not None:
            self.board.certificates_status(self._certificates(config.backend, now))
        storage = getattr(link, "storage", None)
        if storage is not None:
            self.board.storage_status(storage.snapshot())

    def _certificates(self, backend, now) -> dict:
        """certificate_outlook(), each file parsed again only when it changed (a renewal installs new ones)."""
        out = {}
        for name, path in (("kiosk", backend.client_cert), ("ca", backend.ca_file)):
            if not path:
                continue
            try:
                stamp = os.stat(os.path.expandvars(os.path.expanduser(path))).st_mtime_ns
            except OSError:
                stamp = None
            cached = self._certs.get(path)
            if cached is None or cached[0] != stamp or stamp is None:
                cached = self._certs[path] = (stamp, certificate_expiry(path))
            out[name] = days_left(cached[1], now)
        return out

    def _sam(self) -> None:
        sam = getattr(self.kiosk.idcard, "sam_id", None)
        if sam is None:
            return
        try:
            self.board.sam_id(sam())
        except Exception as e:
            log.info("SAM ID not read: %s", type(e).__name__)

    def _secrets(self) -> None:
        from kiosk.services import secrets

        config = getattr(self.kiosk, "config", None)
        client_key = config.backend.client_key if config is not None else ""
        self.board.secrets_status(secrets.status(client_key, self.kiosk.link.journal.key_sealed))

    def _run(self) -> None:
        try:
            self._secrets()
        except Exception:
            log.exception("secrets status failed")
        self._sam()
        while not self._stop.is_set():
            try:
                self.push()
            except Exception:
                log.exception("office link figures failed")
            self._stop.wait(self.every_s)


def wire(
    kiosk, shell, *, today: Callable[[], date], names=None, recent=None, restart: Callable[[], None] | None = None
) -> Maintenance:
    """build + attach: what the kiosk and the scripted journeys both run."""
    m, tap = build(kiosk, today=today, recent=recent, restart=restart)
    attach(shell, m, tap, names)
    return m
