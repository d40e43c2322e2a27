"""The maintenance core wired into the kiosk: the walk-in quota takes effect, applicants' names are masked in
the log while they are at the kiosk, self-tests wait for the device, office-link figures reach the board."""

import io
import logging
import threading
from datetime import date
from types import SimpleNamespace

from kiosk.domain.idcard_record import IdCardRecord
from kiosk.flow import events as ev
from kiosk.flow import effects as fx
from kiosk.maintenance.counters import DailyCounters
from kiosk.maintenance.devices import DeviceBoard
from kiosk.maintenance.logs import KnownNames, setup_logging
from kiosk.maintenance.settings import SafeSettings
from kiosk.maintenance.wiring import (
    DeviceTap,
    LinkFigures,
    journal_replay,
    names_observer,
    quota_gate,
    scanner_test,
    walk_ins_today,
)
from kiosk.services.effects import EffectRunner

TODAY = date(2026, 11, 26)


class FakeLink:
    def __init__(self):
        self.issued = 0

    def issue_ticket(self, business, appointment_id=None, parties=None, verification=(), eligibility=None):
        self.issued += 1
        return SimpleNamespace(
            number=f"A{self.issued:03d}",
            business=business,
            offline=False,
            priority="booked" if appointment_id else "walk_in",
            issued_at=None,
            waiting_ahead=0,
            ticket_id=f"T{self.issued}",
        )

    def check_in(self, appointment, id_numbers, verification=()):
        return None


def _issue(runner, counters, business="marriage", appointment_id=None):
    effect = fx.IssueTicket(business, appointment_id, ("x",))
    counters.observe(effect)
    result = runner.issue(effect)
    counters.observe(result)
    return result


def test_walk_in_quota_refuses_past_the_limit_and_follows_the_setting(tmp_path):
    counters = DailyCounters(lambda: TODAY)
    settings = SafeSettings(tmp_path, {"walk_in_quota": 2})
    link = FakeLink()
    runner = EffectRunner(link, None, None, None, walk_in_exhausted=quota_gate(settings, counters))
    assert isinstance(_issue(runner, counters), ev.TicketIssued)
    assert isinstance(_issue(runner, counters), ev.TicketIssued)
    refused = _issue(runner, counters)
    assert refused == ev.TicketRefused("quota_exhausted") and link.issued == 2
    # booked couples are not walk-ins: still served
    assert isinstance(_issue(runner, counters, appointment_id="AP1"), ev.TicketIssued)
    assert walk_ins_today(counters) == 2
    settings.change("walk_in_quota", 3)  # the technician raises it: takes effect at once
    assert isinstance(_issue(runner, counters), ev.TicketIssued)
    assert _issue(runner, counters).reason == "quota_exhausted"


def test_no_quota_setting_means_no_limit(tmp_path):
    counters = DailyCounters(lambda: TODAY)
    runner = EffectRunner(
        FakeLink(), None, None, None, walk_in_exhausted=quota_gate(SafeSettings(tmp_path, {}), counters)
    )
    assert all(isinstance(_issue(runner, counters), ev.TicketIssued) for _ in range(5))


def test_names_masked_while_the_applicant_is_here():
    stream = io.StringIO()
    names = KnownNames()
    setup_logging(names=names, stream=stream)
    try:
        observe = names_observer(names)
        observe(ev.CardRead(IdCardRecord("resident_id", "欧阳娜娜", "female", "", "441621199001011234")))
        logging.getLogger("kiosk.test").info("greeting 欧阳娜娜")
        observe(fx.SessionEnded("done"))
        assert names.current() == []
    finally:
        root = logging.getLogger()
        for h in [h for h in root.handlers if getattr(h, "_kiosk_handler", False)]:
            root.removeHandler(h)
    text = stream.getvalue()
    assert "greeting" in text and "欧阳娜娜" not in text


def test_scanner_self_test_waits_for_the_next_code():
    tap = DeviceTap()
    test = scanner_test(tap)
    threading.Timer(0.1, lambda: tap.observe(ev.QrScanned("HYMR1|441621|ABCDEFGH"))).start()
    detail = test(2.0)
    assert detail["length"] == len("HYMR1|441621|ABCDEFGH") and "ABCDEFGH" not in detail["starts"]


class FakeJournal:
    def __init__(self):
        self.backlog = 3

    def status(self):
        acked = 10 - self.backlog
        return {
            "backlog": self.backlog,
            "oldest_pending": "2026-11-26T09:00:00+08:00" if self.backlog else None,
            "parked": 1,
            "by_status": {"pending": self.backlog, "acked": acked, "rejected": 0, "superseded": 0},
        }


def test_link_figures_and_replay_reach_the_board():
    journal = FakeJournal()

    def forward_once(force=False):
        assert force  # a technician's replay does not wait out the entries' backoff
        journal.backlog = 0
        return True

    link = SimpleNamespace(
        journal=journal,
        forwarder=SimpleNamespace(forward_once=forward_once),
        client=SimpleNamespace(
            latency=SimpleNamespace(snapshot=lambda: {"p50_ms": 40, "p99_ms": 90, "requests": 5, "failures": 0})
        ),
    )
    board = DeviceBoard()
    LinkFigures(board, link).push()
    info = board.snapshot()["backend"]["info"]
    assert info["journal_backlog"] == 3 and info["p99_ms"] == 90 and info["journal_parked"] == 1
    assert journal_replay(link) == {"reached": "yes", "accepted": 3, "refused": 0, "left": 0, "parked": 1}


def test_watchdog_pings_never_block_when_nobody_reads(tmp_path):
    import socket
    import time

    from kiosk.maintenance.sdnotify import Notifier

    path = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(path)
        n = Notifier(path)
        started = time.monotonic()
        sent = [n.watchdog() for _ in range(200)]  # far beyond the kernel's datagram queue
        n.close()
    assert time.monotonic() - started < 2 and sent[0] and not all(sent)


def test_self_tests_report_a_missing_device_or_silence_as_device_errors():
    # Found by mypy: these raised TypeError (DeviceError takes the device's name), which run_self_test does not catch.
    import pytest

    from kiosk.errors import DeviceNotFound, DeviceTimeout
    from kiosk.maintenance.wiring import idcard_test, printer_test

    with pytest.raises(DeviceTimeout, match="scanner: nothing from the device"):
        scanner_test(DeviceTap())(0.05)
    with pytest.raises(DeviceNotFound, match="idcard: no ID card reader"):
        idcard_test(SimpleNamespace(idcard=None), DeviceTap())(0.05)
    with pytest.raises(DeviceNotFound, match="printer: no printer"):
        printer_test(None, None, None, lambda: None)(0.05)


def test_print_self_test_prints_a_ticket_marked_test_that_no_counter_reads_as_a_ticket(tmp_path):
    # It raised ValueError ("TEST" is no queue number): nothing printed and nothing audited.
    from datetime import datetime

    from drivers.registry import create
    from kiosk.config import load_offices, load_policy
    from kiosk.domain.ticket import parse_qr
    from kiosk.maintenance.wiring import printer_test

    printer = create("printer", f"sim://printer?out={tmp_path}", status_timeout_s=0.2, job_timeout_s=3.0)
    try:
        office, policy = load_offices()["441621"], load_policy("national-2025")
        out = printer_test(printer, office, policy, lambda: datetime(2026, 11, 26, 9, 41))(5.0)
        receipt = printer.sim.receipts[-1]
    finally:
        printer.close()
    assert out["outcome"] == "printed" and out["printed"] == "SELFTEST-094100"
    text = receipt.text()
    assert receipt.complete and "测试票 TEST" in text and "不是号票" in text and "紫金县婚姻登记处" in text
    assert receipt.qr_data and parse_qr(receipt.qr_data[0]) is None  # a counter never takes it for a ticket
