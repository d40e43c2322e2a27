"""A made-up, logged-in maintenance core with a day's worth of figures: for `kiosk-diag screens` and the UI tests
(no devices, no server, nothing personal)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from kiosk.flow import events as ev
from kiosk.flow import effects as fx
from kiosk.maintenance.audit import AuditLog
from kiosk.maintenance.core import Maintenance
from kiosk.maintenance.counters import DailyCounters
from kiosk.maintenance.devices import DeviceBoard
from kiosk.maintenance.logs import RecentLines
from kiosk.maintenance.pin import MaintenanceAuth, hash_pin
from kiosk.maintenance.report import compute
from kiosk.maintenance.settings import SafeSettings

SAMPLE_PIN = "482915"
_COUNTIES = ("441621", "441621", "441602", "441622", "441625", "outside_city")
_BUSINESSES = ("marriage", "marriage", "marriage", "divorce_application", "reissue_certificate")


def sample_records(office: str, today: date, days: int = 7) -> list[dict]:
    out = []
    for d in range(days):
        day = (today - timedelta(days=days - 1 - d)).isoformat()
        for i in range(3 + (d * 5) % 7):
            out.append(
                {
                    "day": day,
                    "business": _BUSINESSES[(i + d) % len(_BUSINESSES)],
                    "home_counties": [office, _COUNTIES[(i + 2 * d) % len(_COUNTIES)]],
                }
            )
    return out


class RecordsSource:
    def __init__(self, records):
        self.records = records

    def citywide_report(self, office, start, end):
        return compute(self.records, office, start, end)


class SampleParked:
    """One parked journal entry (the maintenance core's ParkedJournal), for the screenshots and the UI tests."""

    def __init__(self):
        self.entries = [
            {
                "key": "5f0c9e1d2b7a4c3e9d8f7a6b5c4d3e2f",
                "kind": "checkin",
                "created_at": "2026-11-26T09:41:07.120+08:00",
                "offline_number": None,
                "reason": "HTTP 500 ×8",
                "failures": 8,
                "error": None,
            }
        ]

    def parked(self) -> list[dict]:
        return [dict(e) for e in self.entries]

    def retry(self, key: str) -> bool:
        return self._drop(key)

    def discard(self, key: str) -> bool:
        return self._drop(key)

    def _drop(self, key: str) -> bool:
        before = len(self.entries)
        self.entries = [e for e in self.entries if e["key"] != key]
        return len(self.entries) < before


def _ok_test(detail: dict):
    return lambda timeout_s: dict(detail)


def feed_sample_day(m: Maintenance, office: str, today: date) -> None:
    from kiosk.config import load_rest_days
    from kiosk.maintenance.upkeep import calendar_outlook

    board = m.board
    for item in (
        ev.DeviceRecovered("idcard"),
        ev.DeviceRecovered("scanner"),
        ev.BackendUp(),
        ev.PrinterReport(True, "near_end"),
        ev.DeviceFault("camera", "DeviceNotFound"),
    ):
        board.observe(item)
    board.not_configured("fingerprint")  # as in the default configuration (devices.fingerprint = "none")
    board.sam_id("05.01-20101118-0001234567-2147483647")
    board.backend_latency(
        {"p50_ms": 38, "p99_ms": 212, "requests": 140, "failures": 2, "last_error": "BackendUnavailable: read timeout"}
    )
    board.journal_backlog(3, None, 1)
    board.clock_status({"synchronised": "yes", "source": "chronyc", "offset_s": 0.4, "adjusting": False})
    board.storage_status({"free_bytes": 2_150_000_000, "total_bytes": 31_460_000_000, "failing": False})  # < 10 %
    board.calendar_status(calendar_outlook(load_rest_days(), today))  # the shipped calendars: from 1 Nov, one due
    board.certificates_status(  # the kiosk's certificate inside its last 30 days, the CA years away
        {
            name: {
                "file": f"/etc/heyuan-kiosk/tls/{name}.crt",
                "days_left": n,
                "state": state,
                "not_after": (today + timedelta(days=n)).isoformat(),
            }
            for name, n, state in (("kiosk", 21, "expiring"), ("ca", 3402, "ok"))
        }
    )
    for i, (business, booked) in enumerate(
        (
            ("marriage", True),
            ("marriage", True),
            ("divorce_application", False),
            ("marriage", False),
            ("reissue_certificate", False),
        )
    ):
        m.counters.observe(fx.IssueTicket(business, f"AP-{i}" if booked else None, ()))
        m.counters.observe(
            ev.TicketIssued(
                {"number": f"A{i:03d}", "business": business, "appointment_id": f"AP-{i}" if booked else None}
            )
        )
        m.counters.observe(ev.PrintFinished(True))
        m.counters.observe(fx.SessionEnded("done", business, "accept", (), (office, "441602")))
    m.counters.observe(fx.SessionEnded("done", "marriage", "redirect", ("booked_elsewhere",), ("441622",)))
    m.counters.observe(fx.SessionEnded("cancel"))


def sample_maintenance(state_dir: Path, office: str, today: date, logged_in: bool = True) -> Maintenance:
    state_dir.mkdir(parents=True, exist_ok=True)
    audit = AuditLog(state_dir)
    auth = MaintenanceAuth(
        hash_pin(SAMPLE_PIN, log2_n=10), idle_logout_s=300, audit=audit, lock_file=state_dir / "pin-lockout.json"
    )
    recent = RecentLines()
    m = Maintenance(
        auth=auth,
        audit=audit,
        board=DeviceBoard(),
        counters=DailyCounters(lambda: today),
        settings=SafeSettings(
            state_dir, {"walk_in_quota": 60, "volume": 70, "languages": ["zh", "en"], "idle_timeout_s": 60}, audit=audit
        ),
        recent=recent,
        office=office,
        report_source=RecordsSource(sample_records(office, today)),
        export_dir=state_dir / "reports",
        self_tests={
            "idcard": _ok_test({"card_type": "resident_id", "name": "陈*", "id_number": "441621********011X"}),
            "printer": _ok_test({"outcome": "printed", "seconds": 1.2}),
            "scanner": _ok_test({"length": 48, "starts": "HYMR1|…"}),
        },
        replay=lambda: {"reached": "yes", "accepted": 3, "refused": 0, "left": 0},
        parked=SampleParked(),
    )
    feed_sample_day(m, office, today)
    from kiosk.maintenance.logs import KnownNames, MaskingFilter

    names = KnownNames()
    names.add("陈志明")
    logger = logging.getLogger("kiosk.sample")
    for level, text in (
        (logging.INFO, "session started"),
        (logging.INFO, "card read for 陈志明 441621199603120118"),
        (logging.WARNING, "printer near end"),
        (logging.ERROR, "camera did not start: DeviceNotFound"),
        (logging.INFO, "ticket A003 issued"),
        (logging.WARNING, "office server slow: 1.8 s"),
    ):
        record = logger.makeRecord(logger.name, level, __file__, 0, text, None, None)  # type: ignore[arg-type]
        MaskingFilter(names).filter(record)
        recent.emit(record)
    if logged_in:
        auth.login(SAMPLE_PIN)
    return m
