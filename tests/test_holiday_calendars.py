"""Holiday calendars as an office's data: installed next to the kiosk's (and the server's) configuration, validated
like the shipped ones, listed by `kiosk-diag holidays`, and due from 1 November on the device page, in the
metrics and in the server's health. The calendars here are test files, not State Council notices."""

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.config import (
    CONFIG_DIR,
    ConfigError,
    check_file,
    holiday_calendars,
    load_kiosk_config,
    load_rest_days,
)
from kiosk.maintenance.devices import DeviceBoard
from kiosk.maintenance.metrics import KioskCollector
from kiosk.maintenance.presenters import device_rows
from kiosk.maintenance.upkeep import calendar_outlook

TEST_2027 = """year = 2027
notice = "TEST-2027"
title = "a test calendar, not a State Council notice"
holidays = [{ name = "元旦", from = 2027-01-01, to = 2027-01-03 }]
working_days = [{ date = 2027-01-09, for = "test" }]
"""


@pytest.fixture
def office_dir(tmp_path) -> Path:
    """A terminal's configuration directory, like /etc/heyuan-kiosk: kiosk.toml and holidays/."""
    (tmp_path / "kiosk.toml").write_text((CONFIG_DIR / "default.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "holidays").mkdir()
    return tmp_path


def diag(*args):
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli.diag", *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_an_installed_calendar_joins_the_shipped_ones(office_dir):
    config = load_kiosk_config(office_dir / "kiosk.toml")
    assert config.holidays_dir == office_dir / "holidays"
    assert not load_rest_days(installed=config.holidays_dir).covers(2027)
    (office_dir / "holidays" / "2027.toml").write_text(TEST_2027, encoding="utf-8")
    rest = load_rest_days(installed=config.holidays_dir)
    assert rest.covers(2025) and rest.covers(2026) and rest.covers(2027)
    assert rest.is_rest_day(date(2027, 1, 1)) and not rest.is_rest_day(date(2027, 1, 9))  # a Saturday worked
    assert rest.is_rest_day(date(2026, 10, 1))  # the shipped years stay
    found = holiday_calendars(config.holidays_dir)
    assert [(y, f.origin) for y, f in found.items()] == [(2025, "shipped"), (2026, "shipped"), (2027, "installed")]


def test_an_installed_year_replaces_the_shipped_one(office_dir):
    corrected = (CONFIG_DIR / "holidays" / "2026.toml").read_text(encoding="utf-8")
    corrected = corrected.replace('notice = "国办发明电〔2025〕7号"', 'notice = "TEST-corrected"')
    corrected = corrected.replace("{ name = \"国庆节\", from = 2026-10-01, to = 2026-10-07 },", "")
    (office_dir / "holidays" / "2026.toml").write_text(corrected, encoding="utf-8")
    rest = load_rest_days(installed=office_dir / "holidays")
    assert rest.notices[2026] == "TEST-corrected" and not rest.is_rest_day(date(2026, 10, 8))
    assert not rest.is_rest_day(date(2026, 10, 1))  # only the installed file's days count for 2026


def test_the_demo_configuration_installs_nothing_beside_the_shipped_folder():
    assert load_kiosk_config().holidays_dir is None


@pytest.mark.parametrize(
    "change,problem",
    [
        (("year = 2027", "year = 2028"), "a date outside 2028"),
        (("2027-01-09", "2027-01-08"), "2027-01-08 is a weekday"),
        (('notice = "TEST-2027"', 'notice = ""'), "notice"),
        (("to = 2027-01-03", "to = 2026-12-31"), "'to' is before 'from'"),
    ],
)
def test_a_wrong_installed_calendar_is_named_by_config_check_and_stops_loading(office_dir, change, problem):
    path = office_dir / "holidays" / "2027.toml"
    path.write_text(TEST_2027.replace(*change), encoding="utf-8")
    with pytest.raises(ConfigError, match="2027.toml") as e:
        check_file(path)
    assert problem in str(e.value)
    with pytest.raises(ConfigError, match=problem):
        check_file(office_dir / "kiosk.toml")  # the kiosk's file checks the calendars installed beside it
    with pytest.raises(ConfigError):
        load_rest_days(installed=office_dir / "holidays")
    out = diag("config", "check", "--json", str(path))
    assert out.returncode == 1 and json.loads(out.stdout)["files"][0]["ok"] is False


def test_kiosk_diag_holidays_lists_years_and_origins_and_fails_while_one_is_due(office_dir):
    config = str(office_dir / "kiosk.toml")
    due = diag("holidays", "--config", config, "--date", "2026-11-01", "--json")
    assert due.returncode == 1, due.stderr
    out = json.loads(due.stdout)
    assert [(y["year"], y["origin"]) for y in out["years"]] == [(2025, "shipped"), (2026, "shipped")]
    assert out["missing"] == 2027 and out["install_dir"] == str(office_dir / "holidays")
    assert diag("holidays", "--config", config, "--date", "2026-10-31").returncode == 0
    (office_dir / "holidays" / "2027.toml").write_text(TEST_2027, encoding="utf-8")
    fine = diag("holidays", "--config", config, "--date", "2026-12-06")
    assert fine.returncode == 0, fine.stdout
    assert "2027  installed  TEST-2027" in fine.stdout
    text = diag("holidays", "--config", config, "--date", "2027-11-01")
    assert text.returncode == 1 and f"2028  MISSING    install the published calendar as {office_dir}" in text.stdout
    assert diag("holidays", "--date", "11/01").returncode == 2


def _samples(board):
    return {
        (s.name, tuple(sorted((k, v) for k, v in s.labels.items() if k not in ("kiosk", "office")))): s.value
        for family in KioskCollector("k1", "441621", board).collect()
        for s in family.samples
    }


def test_from_1_november_the_device_page_and_the_metrics_say_next_years_calendar_is_missing():
    rest, board = load_rest_days(), DeviceBoard()
    board.calendar_status(calendar_outlook(rest, date(2026, 10, 31)))
    rows = {r["label"]: r for r in device_rows(board.snapshot(), "en")}
    assert rows["Holiday calendars"]["status"] == "ok" and rows["Years covered"]["value"] == "2025, 2026"
    assert "To install" not in rows
    assert _samples(board)[("kiosk_holiday_calendar_missing", (("year", "2027"),))] == 0
    board.calendar_status(calendar_outlook(rest, date(2026, 11, 1)))
    rows = {r["label"]: r for r in device_rows(board.snapshot(), "en")}
    heading = rows["Holiday calendars"]
    assert (heading["status"], heading["value"]) == ("warn", "Attention · next year's holiday calendar is missing")
    assert (rows["To install"]["value"], rows["To install"]["status"]) == ("2027 (holidays/2027.toml)", "warn")
    assert "Last error" not in rows  # the heading says it
    zh = {r["label"]: r["value"] for r in device_rows(board.snapshot(), "zh")}
    assert (zh["节假日安排"], zh["须安装"]) == ("注意 · 缺少下一年节假日安排", "2027 年（holidays/2027.toml）")
    assert _samples(board)[("kiosk_holiday_calendar_missing", (("year", "2027"),))] == 1
    # still missing on 1 January: divorce deadlines now go to the counter, a fault
    board.calendar_status(calendar_outlook(rest, date(2027, 1, 1)))
    rows = {r["label"]: r for r in device_rows(board.snapshot(), "en")}
    assert (rows["Holiday calendars"]["status"], rows["To install"]["status"]) == ("fault", "fault")
    assert rows["Holiday calendars"]["value"] == "Fault · this year's holiday calendar is missing"
    assert _samples(board)[("kiosk_holiday_calendar_missing", (("year", "2027"),))] == 1


def test_the_running_kiosks_figures_thread_feeds_the_calendar_row(office_dir):
    from types import SimpleNamespace

    from kiosk.maintenance.wiring import LinkFigures

    class Journal:
        def status(self):
            return {"backlog": 0, "oldest_pending": None, "parked": 0}

    class Latency:
        def snapshot(self):
            return {}

    class Check:
        def snapshot(self):
            return {"synchronised": "yes", "offset_s": 0.0, "adjusting": False}

        def now(self):
            return datetime(2026, 12, 6, 10, 0)

    link = SimpleNamespace(journal=Journal(), client=SimpleNamespace(latency=Latency()))
    board = DeviceBoard()
    rest_days = load_rest_days(installed=office_dir / "holidays")
    LinkFigures(board, link, clock_check=Check(), rest_days=rest_days).push()
    assert board.snapshot()["holidays"]["info"] == {"covered": [2025, 2026], "missing": 2027}
    (office_dir / "holidays" / "2027.toml").write_text(TEST_2027, encoding="utf-8")
    rest_days = load_rest_days(installed=office_dir / "holidays")  # the kiosk restarted after the install
    LinkFigures(board, link, clock_check=Check(), rest_days=rest_days).push()
    assert board.snapshot()["holidays"]["up"] is True


def test_the_office_servers_health_says_which_calendar_is_missing(tmp_path):
    from bench.rigs.office_server import serve_in_thread
    from bench.rigs.clock import ManualClock
    from tests.office.helpers import Api

    clock = ManualClock(datetime(2026, 10, 31, 10, 0))
    config_dir = tmp_path / "etc"
    (config_dir / "holidays").mkdir(parents=True)
    with serve_in_thread(tmp_path / "office.db", clock, config_dir=config_dir) as server:
        api = Api(server)
        assert api.get("/healthz").json()["holidays"] == {"covered": [2025, 2026], "missing": None}
        clock.advance(days=1)
        assert api.get("/healthz").json()["holidays"] == {"covered": [2025, 2026], "missing": 2027}
    (config_dir / "holidays" / "2027.toml").write_text(TEST_2027, encoding="utf-8")
    with serve_in_thread(tmp_path / "office.db", clock, config_dir=config_dir) as server:
        assert Api(server).get("/healthz").json()["holidays"] == {"covered": [2025, 2026, 2027], "missing": None}


def test_the_office_server_refuses_to_start_on_a_wrong_calendar(tmp_path):
    (tmp_path / "holidays").mkdir()
    (tmp_path / "holidays" / "2027.toml").write_text(TEST_2027.replace("year = 2027", "year = 2030"), "utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "office", "--db", str(tmp_path / "o.db"), "--tls-dir", str(tmp_path / "pki")]
        + ["--config-dir", str(tmp_path), "--demo-kiosk", "k@441621"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 2 and "2027.toml" in out.stderr and "a date outside 2030" in out.stderr


def test_kiosk_diag_check_decides_with_the_calendars_installed_beside_its_configuration(office_dir):
    import json as _json

    case = {
        "office": "441621",
        "business": "divorce_certificate",
        "date": "2026-12-30",
        "parties": [
            {"document": "resident_id", "id_number": "441621199005011218", "address": "广东省紫金县紫城镇"},
            {"document": "resident_id", "id_number": "441602199509091224", "address": "河源市源城区文明路1号"},
        ],
        "divorce_application": {"date": "2026-11-20", "office": "441621"},
    }

    def check():
        out = subprocess.run(
            [sys.executable, "-m", "kiosk.cli.diag", "check", "--config", str(office_dir / "kiosk.toml")],
            input=_json.dumps(case),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return _json.loads(out.stdout)

    assert (check()["decision"], check()["reasons"]) == ("staff", ["holiday_calendar_missing"])
    (office_dir / "holidays" / "2027.toml").write_text(TEST_2027, encoding="utf-8")
    decided = check()
    assert decided["decision"] == "accept" and "2027: holidays per TEST-2027" in decided["details"]["rest_days"]
