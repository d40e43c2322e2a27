"""The kiosk's clock against the operating system's synchronisation and the office server's Date header; a kiosk
whose clock runs fast still gets its check-ins accepted by the real office server on loopback."""

import stat
from datetime import datetime, timedelta
from email.utils import formatdate

import pytest

from kiosk.services.backend_status import CHINA
from kiosk.services.clock_check import ClockCheck, system_sync
from kiosk.services.office_client import BackendRejected
from tests.services.helpers import OFFICE, full_bookings, server_rows


def _tool(folder, name, script):
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_system_sync_from_timedatectl_then_chronyc_else_unknown(tmp_path):
    both, chrony, none = (tmp_path / n for n in ("both", "chrony", "none"))
    for d in (both, chrony, none):
        d.mkdir()
    _tool(both, "timedatectl", 'echo yes')
    _tool(both, "chronyc", 'echo "Leap status     : Not synchronised"')
    assert system_sync(str(both)) == ("yes", "timedatectl")
    # in a container timedatectl exists but cannot reach systemd: chronyc answers
    _tool(chrony, "timedatectl", 'echo "System has not been booted with systemd" >&2; exit 1')
    _tool(chrony, "chronyc", 'printf "Reference ID    : C0A80001\\nLeap status     : Not synchronised\\n"')
    assert system_sync(str(chrony)) == ("no", "chronyc")
    _tool(chrony, "chronyc", 'printf "Leap status     : Normal\\n"')
    assert system_sync(str(chrony)) == ("yes", "chronyc")
    assert system_sync(str(none)) == ("unknown", "")


def _date(when: datetime) -> str:
    return formatdate(when.timestamp(), usegmt=True)


def test_offset_from_date_headers_and_when_the_kiosk_corrects_its_stamps():
    server = datetime(2026, 11, 26, 10, 5, tzinfo=CHINA)
    kiosk = {"now": server + timedelta(minutes=10)}
    check = ClockCheck(lambda: kiosk["now"], probe=lambda: ("unknown", ""))
    assert check.offset_s is None and check.now() == kiosk["now"] and not check.snapshot()["warning"]
    check.observe_date("not a date")
    assert check.offset_s is None
    check.observe_date(_date(server))
    assert check.offset_s == pytest.approx(-599.5) and check.adjusting
    assert abs((check.now() - server).total_seconds()) <= 1
    snap = check.snapshot()
    assert snap["warning"] and snap["tolerance_s"] == 600 and snap["synchronised"] == "unknown"
    # two Date headers joined (a server that also lets uvicorn date its answers): the last is the app's
    check.observe_date(_date(server - timedelta(hours=1)) + ", " + _date(server))
    assert check.offset_s == pytest.approx(-599.5)
    # the clock is fixed: a few answers later the median follows and the stamps are the kiosk's own again
    kiosk["now"] = server + timedelta(seconds=2)
    for _ in range(3):
        check.observe_date(_date(server))
    assert not check.adjusting and check.now() == kiosk["now"]
    assert check.probe_system() == "unknown"


@pytest.mark.parametrize("fast", [timedelta(minutes=10), timedelta(minutes=30)])
def test_a_fast_kiosk_clock_still_gets_its_check_ins_accepted(server, make_link, clock, fast):
    """Issue 16: the server refuses stated times beyond its tolerance; the kiosk measures the offset from the Date
    header of the server's answers and stamps check-ins with the server-adjusted time."""
    link = make_link(server.url)
    check = ClockCheck(lambda: clock() + fast, probe=lambda: ("unknown", ""))
    link.clock = check.now
    link.client.on_date = check.observe_date
    link.start()
    link.client.health()  # the kiosk's health probe: the first Date header
    assert check.offset_s == pytest.approx(-fast.total_seconds() + 0.5, abs=1.5) and check.adjusting
    appt = full_bookings(server)["01"]
    outcome = link.check_in(appt, [p["id_number"] for p in appt["parties"]])
    assert outcome.online
    stated = datetime.fromisoformat(server_rows(server, "SELECT checked_in_at FROM checkins")[0][0])
    assert abs((stated - clock()).total_seconds()) <= 2  # the server's time, not the kiosk's fast clock


def test_without_the_correction_a_kiosk_30_min_fast_is_refused(server, make_link, clock):
    link = make_link(server.url)
    link.clock = lambda: clock() + timedelta(minutes=30)
    link.start()
    appt = full_bookings(server)["01"]
    with pytest.raises(BackendRejected) as e:
        link.check_in(appt, [p["id_number"] for p in appt["parties"]])
    assert e.value.code == "bad_time"


def test_the_office_server_dates_its_answers_with_its_own_clock(server, clock):
    import requests
    from email.utils import parsedate_to_datetime

    ca, cert, key = server.client_files("kiosk", "k1", OFFICE)
    resp = requests.get(server.url + "/healthz", timeout=60, verify=ca, cert=(cert, key))
    assert len(resp.raw.headers.getlist("date")) == 1
    assert parsedate_to_datetime(resp.headers["date"]) == clock().replace(microsecond=0)
