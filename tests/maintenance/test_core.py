"""The maintenance core as the screens drive it: login, actions on the audit log, report export, idle logout."""

import json
import subprocess
import sys
from datetime import date

import pytest

from kiosk.flow import events as ev
from kiosk.flow import effects as fx
from kiosk.errors import DeviceTimeout
from kiosk.maintenance.audit import AuditLog
from kiosk.maintenance.core import Maintenance, NotLoggedIn
from kiosk.maintenance.counters import DailyCounters
from kiosk.maintenance.devices import DeviceBoard
from kiosk.maintenance.pin import MaintenanceAuth
from kiosk.maintenance.presenters import MAINTENANCE_SCREENS, audit_rows, login_message, report_rows
from kiosk.maintenance.report import ReportRangeError
from kiosk.maintenance.settings import SafeSettings
from tests.maintenance.conftest import PIN


class FakeReportSource:
    def __init__(self, records):
        self.records = records

    def citywide_report(self, office, start, end):
        from kiosk.maintenance.report import compute

        return compute(self.records, office, start, end)


@pytest.fixture
def maint(tmp_path, pin_hash, clock):
    audit = AuditLog(tmp_path)
    restarted = []

    def card_test(timeout_s):
        return {"card_type": "resident_id", "id_number": "441621********123X"}

    def scanner_test(timeout_s):
        raise DeviceTimeout("scanner", "no code within 15 s")

    m = Maintenance(
        auth=MaintenanceAuth(pin_hash, idle_logout_s=120, audit=audit, clock=clock),
        audit=audit,
        board=DeviceBoard(clock=clock),
        counters=DailyCounters(lambda: date(2026, 11, 26)),
        settings=SafeSettings(tmp_path, {"volume": 70}, audit=audit),
        office="441621",
        report_source=FakeReportSource(
            [{"day": "2026-11-26", "business": "marriage", "home_counties": ["441621", "441622"]}]
        ),
        export_dir=tmp_path / "reports",
        self_tests={"idcard": card_test, "scanner": scanner_test},
        replay=lambda: {"accepted": 2, "refused": 0, "left": 1},
        restart=lambda: restarted.append(1),
    )
    m.restarted = restarted
    return m


def test_actions_need_a_session(maint):
    with pytest.raises(NotLoggedIn):
        maint.change_setting("volume", 10)
    r = maint.auth.login("000000")
    assert login_message(r, "en") == "Wrong PIN (4 tries left before a lockout)"


def test_technician_session_is_audited_end_to_end(maint, clock, tmp_path):
    assert maint.auth.login(PIN).accepted
    assert maint.run_self_test("idcard").ok
    failed = maint.run_self_test("scanner")
    assert not failed.ok and "no code" in failed.error
    assert maint.run_self_test("camera").error == "not_available"
    maint.change_setting("volume", 30)
    maint.paper_replaced()
    assert maint.replay_journal()["accepted"] == 2
    out = maint.citywide_report("2026-11-20", "2026-11-26")
    assert out["report"]["cases"] == 1 and (tmp_path / "reports").is_dir()
    assert out["files"]["csv"].endswith("citywide-441621-2026-11-20_2026-11-26.csv")
    with pytest.raises(ReportRangeError):
        maint.citywide_report("2026-11-26", "2026-11-20")
    maint.restart()
    assert maint.restarted == [1] and not maint.auth.logged_in
    actions = [e["action"] for e in maint.audit.entries()]
    assert actions == [
        "login",
        "self_test",
        "self_test",
        "self_test",
        "setting_changed",
        "paper_replaced",
        "journal_replay",
        "report_exported",
        "report_failed",
        "restart",
        "logout",
    ]
    assert maint.audit.verify().ok
    rows = audit_rows(maint.audit.entries())
    assert rows[0]["value"].startswith("logout") and len(rows) == 11
    assert report_rows(out["report"], "zh")[0] == {"label": "办理件数", "value": "1", "status": "ok"}


def test_parked_journal_entries_are_retried_or_discarded_by_a_technician_on_the_audit_log(maint):
    from kiosk.maintenance.samples import SampleParked

    maint.parked = SampleParked()
    key = maint.parked.entries[0]["key"]
    maint.parked.entries.append({**maint.parked.entries[0], "key": "other", "reason": "HTTP 409 too_late"})
    with pytest.raises(NotLoggedIn):
        maint.parked_entries()
    with pytest.raises(NotLoggedIn):
        maint.discard_parked(key)
    maint.auth.login(PIN)
    assert [e["reason"] for e in maint.parked_entries()] == ["HTTP 500 ×8", "HTTP 409 too_late"]
    assert maint.retry_parked(key) and not maint.retry_parked(key)
    assert maint.discard_parked("other")
    audited = [
        (e["action"], e["details"].get("done"), e["details"].get("reason"))
        for e in maint.audit.entries()
        if e["action"].startswith("journal_")
    ]
    assert audited == [
        ("journal_retry", True, "HTTP 500 ×8"),
        ("journal_retry", False, None),
        ("journal_discard", True, "HTTP 409 too_late"),
    ]


def test_idle_tick_logs_out(maint, clock):
    maint.auth.login(PIN)
    clock.advance(121)
    assert maint.tick() and not maint.auth.logged_in


def test_observe_feeds_counters_and_board(maint):
    maint.observe(ev.DeviceFault("printer", "cover_open"))
    maint.observe(fx.SessionEnded("redirect", "marriage", "redirect", ("no_local_hukou",), ()))
    assert maint.board.snapshot()["printer"]["up"] is False
    assert maint.counters.snapshot()["redirects"] == 1


def test_screen_names():
    assert len(MAINTENANCE_SCREENS) == len(set(MAINTENANCE_SCREENS)) == 8
    assert all(name.startswith("maintenance_") for name in MAINTENANCE_SCREENS)


def run_pin(*args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli.diag", "pin", *args], input=stdin, capture_output=True, text=True, timeout=30
    )


def test_pin_cli_set_write_verify(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text((__import__("kiosk.config").config.DEFAULT_CONFIG).read_text())
    r = run_pin("set", "--stdin", "--write", str(config), "--json", stdin="482915\n")
    assert r.returncode == 0, r.stderr
    pin_hash = json.loads(r.stdout)["pin_hash"]
    assert "482915" not in r.stdout + r.stderr
    from kiosk.config import load_kiosk_config

    assert load_kiosk_config(config).maintenance.pin_hash == pin_hash
    assert run_pin("verify", "--hash", pin_hash, "--stdin", stdin="482915\n").returncode == 0
    assert run_pin("verify", "--hash", pin_hash, "--stdin", stdin="482916\n").returncode == 1
    weak = run_pin("set", "--stdin", stdin="1234\n")
    assert weak.returncode == 2 and "6 to 12 digits" in weak.stderr
    assert run_pin("verify", "--hash", "junk", "--stdin", stdin="482915\n").returncode == 2


def test_write_pin_hash_keeps_the_file(tmp_path):
    import tomllib

    from kiosk.cli.diag_pin import write_pin_hash

    f = tmp_path / "k.toml"
    f.write_text('[kiosk]\nid = "x"  # keep me\n')
    write_pin_hash(f, "scrypt$10$8$1$AAAA$BBBB")
    assert tomllib.loads(f.read_text())["maintenance"]["pin_hash"] == "scrypt$10$8$1$AAAA$BBBB"
    write_pin_hash(f, "scrypt$10$8$1$CCCC$DDDD")
    text = f.read_text()
    assert "# keep me" in text and text.count("pin_hash") == 1 and "CCCC" in text


def test_from_config_wires_the_state_dir(tmp_path, pin_hash, clock):
    from kiosk.config import DEFAULT_CONFIG, load_kiosk_config

    text = DEFAULT_CONFIG.read_text().replace(
        'state_dir = "$HOME/.local/state/heyuan-kiosk"', f'state_dir = "{tmp_path / "state"}"'
    )
    text = text.replace('pin_hash = ""', f'pin_hash = "{pin_hash}"')
    (tmp_path / "k.toml").write_text(text)
    m = Maintenance.from_config(
        load_kiosk_config(tmp_path / "k.toml"), clock=clock, today=lambda: date(2026, 11, 26), walk_in_quota=40
    )
    assert m.auth.login(PIN).accepted
    m.change_setting("walk_in_quota", 25)
    state = tmp_path / "state"
    assert {p.name for p in state.iterdir()} >= {
        "audit.jsonl",
        "audit.head",
        "settings-override.toml",
        "pin-lockout.json",
    }
    assert m.settings.values()["languages"] == ["zh", "en"] and m.office == "441621"


def test_a_self_test_that_breaks_unexpectedly_fails_in_words_and_is_audited(maint):
    # The print test's ValueError went past run_self_test: a bare red "ValueError" and no audit entry.
    def broken(timeout_s):
        raise ValueError("'TEST' is not a queue number")

    maint.self_tests["printer"] = broken
    assert maint.auth.login(PIN).accepted
    result = maint.run_self_test("printer")
    assert not result.ok and result.error == "ValueError: 'TEST' is not a queue number"
    last = maint.audit.entries()[-1]
    assert last["action"] == "self_test" and "printer" in str(last) and "ValueError" in str(last)
