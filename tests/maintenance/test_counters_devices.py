from datetime import date

from kiosk.flow import events as ev
from kiosk.flow import effects as fx
from kiosk.maintenance.counters import DailyCounters
from kiosk.maintenance.devices import DeviceBoard
from kiosk.maintenance.presenters import counter_rows, device_rows


class Today:
    def __init__(self):
        self.day = date(2026, 11, 26)

    def __call__(self):
        return self.day


def feed(target, items):
    for item in items:
        target.observe(item)


BOOKED = [
    fx.IssueTicket("marriage", "A-1", ("x", "y")),
    ev.TicketIssued({"ticket_id": "t1", "number": "A001", "offline": False}),
    ev.PrintFinished(True),
    fx.SessionEnded("ticket", "marriage", "accept", (), ("441621", "441622")),
]
WALK_IN = [
    fx.IssueTicket("divorce_application", None, ("x",)),
    ev.TicketIssued({"ticket_id": "t2", "number": "B701", "offline": True, "business": "divorce_application"}),
    ev.PrintFinished(False, "paper_out"),
    fx.SessionEnded("ticket", "divorce_application", "accept", (), ("441621",)),
]
REDIRECT = [fx.SessionEnded("redirect", "reissue_certificate", "redirect", ("hukou_office_only",), ("441623",))]


def test_counters_from_effects_and_events(tmp_path):
    today = Today()
    c = DailyCounters(today, tmp_path / "c.json", ticket_mm=100, roll_mm=1000)
    feed(c, BOOKED + WALK_IN + REDIRECT + [ev.Start(), ev.TicketRefused("quota_exhausted")])
    s = c.snapshot()
    assert s["tickets"] == {"marriage": 1, "divorce_application": 1} and s["tickets_total"] == 2
    assert s["checkins"] == {"marriage": 1} and s["checkins_total"] == 1
    assert s["redirects"] == 1 and s["redirects_by_business"] == {"reissue_certificate": 1}
    assert s["sessions"] == {"ticket": 2, "redirect": 1}
    assert s["counties"] == {"441621": 2, "441622": 1, "441623": 1}
    assert s["reasons"] == {"hukou_office_only": 1, "quota_exhausted": 1}
    assert s["offline_tickets"] == 1 and s["print_failures"] == {"paper_out": 1}
    assert s["paper"] == {"tickets_since_reload": 1, "used_mm": 100, "left_mm": 900, "tickets_left_estimate": 9}
    # A restart the same day keeps today's figures; the next day starts at zero but lifetime counts stay.
    again = DailyCounters(today, tmp_path / "c.json")
    assert again.snapshot()["tickets_total"] == 2
    today.day = date(2026, 11, 27)
    assert c.snapshot()["tickets_total"] == 0 and c.lifetime_counts()["tickets"]["marriage"] == 1
    c.paper_replaced()
    assert c.snapshot()["paper"]["tickets_since_reload"] == 0
    rows = counter_rows(s, "zh")
    assert rows[1] == {"label": "今日取号", "value": "2", "status": "ok"}
    assert any(r["label"].strip() == "龙川县" for r in rows)


def test_device_board_from_events():
    t = [100.0]
    board = DeviceBoard(clock=lambda: t[0])
    feed(
        board,
        [
            ev.DeviceFault("idcard", "SAM not authorised (66)"),
            ev.DeviceRecovered("idcard"),
            ev.PrinterReport(False, "cover_open"),
            ev.PrinterReport(False, "paper_out"),
            ev.BackendDown(),
        ],
    )
    board.sam_id("05.01-20200101-0001234567")
    board.camera_fps(14.96)
    board.face_rate(7.04)
    board.backend_latency({"p50_ms": 12.5, "p99_ms": 80.0, "requests": 9, "failures": 1, "last_error": "Timeout"})
    board.journal_backlog(3)
    s = board.snapshot()
    assert s["idcard"]["up"] is True and s["idcard"]["last_error"] == "SAM not authorised (66)"
    assert s["idcard"]["info"]["sam_id"] == "05.01-20200101-0001234567"
    assert s["printer"]["up"] is False and s["printer"]["info"]["paper"] == "out"
    assert s["printer"]["info"]["cover_open"] is True
    assert s["camera"]["info"] == {"fps": 15.0, "face_fps": 7.0}
    assert s["backend"]["up"] is False and s["backend"]["info"]["journal_backlog"] == 3
    assert s["scanner"]["up"] is None
    assert {name: d["faults"] for name, d in s.items() if d["faults"]} == {"idcard": 1, "printer": 2, "backend": 1}
    board.observe(ev.PrinterReport(True, "near_end"))
    assert board.snapshot()["printer"]["info"]["paper"] == "near_end"
    rows = device_rows(board.snapshot(), "en")
    labels = {r["label"]: r for r in rows}
    assert labels["SAM ID"]["value"] == "05.01-20200101-0001234567"
    assert labels["Paper"] == {"label": "Paper", "value": "Near end", "status": "warn"}
    assert labels["Journal backlog"]["status"] == "warn"
    assert labels["Scanner"]["status"] == "unknown"


def test_printer_status_poll():
    from drivers.printer.port import PrinterStatus

    board = DeviceBoard()
    board.printer_status(PrinterStatus("paper_out", online=True, paper_out=True))
    assert board.snapshot()["printer"]["info"]["paper"] == "out"
    board.printer_status(PrinterStatus("ok", online=True))
    assert board.snapshot()["printer"]["up"] is True


def test_the_device_page_says_working_not_configured_and_last_errors_in_words_with_a_time():
    # A working reader and scanner showed "未知", an absent fingerprint sensor "未知", errors as raw codes.
    from datetime import datetime, timezone

    from kiosk.flow import events as fe
    from kiosk.maintenance.devices import DeviceBoard
    from kiosk.maintenance.presenters import device_rows, parked_reason

    at = datetime(2026, 11, 26, 2, 5, 7, tzinfo=timezone.utc).timestamp()
    board = DeviceBoard(clock=lambda: at)
    board.observe(fe.DeviceRecovered("idcard"))  # the driver's first answer
    board.observe(fe.QrScanned("x"))
    board.not_configured("fingerprint")
    board.configured("camera")
    board.observe(fe.PrinterReport(False, "paper_out"))
    board.backend_latency({"last_error": "ConnectionError"})
    rows = {r["label"]: r for r in device_rows(board.snapshot(), "zh") if r.get("heading")}
    assert rows["身份证阅读器"]["value"] == "正常" and rows["扫码器"]["value"] == "正常"
    assert rows["指纹仪"]["value"] == "未配置" and rows["摄像头"]["value"] == "已配置（办理时使用）"
    errors = [r["value"] for r in device_rows(board.snapshot(), "zh") if r["label"] == "最近错误"]
    assert "缺纸 (11-26 10:05:07)" in errors and "连接失败（网络或服务器未响应） (11-26 10:05:07)" in errors
    refused = {
        "reason": "HTTP 422 bad_time",
        "message": {"zh": "时间不正确。", "en": "The time given is not plausible."},
        "detail": "outside the office's ticket hours",
    }
    assert (
        parked_reason(refused, "en")
        == "The time given is not plausible. — outside the office's ticket hours · HTTP 422 bad_time"
    )


def test_a_failed_audio_device_is_shown():
    from kiosk.maintenance.devices import DeviceBoard
    from kiosk.maintenance.presenters import device_rows

    board = DeviceBoard(clock=lambda: 0.0)
    board.audio_failed("cannot play read.wav")
    rows = {r["label"]: r for r in device_rows(board.snapshot(), "en") if r.get("heading")}
    assert rows["Audio (cues, voice)"]["status"] == "fault" and "read.wav" in rows["Audio (cues, voice)"]["value"]
