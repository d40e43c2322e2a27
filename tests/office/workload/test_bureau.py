"""The bureau page on the real server (mutual TLS): who may see it, what it shows, and that it agrees with the
command line on the same records."""

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime

import pytest

from bench.rigs.office_server import serve_in_thread
from bench.rigs.clock import ManualClock
from office.store import Store
from office.workload.sources import TicketsTable
from tests.office.workload.helpers import KNOWN, export_text, variant


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    path = tmp_path_factory.mktemp("bureau") / "records.csv"
    rich = export_text([KNOWN, variant(office="441602", windows={"am": 4, "pm": 3})], days=12)
    short = export_text([variant(office="441623")], days=6).split("\n", 1)[1]
    path.write_text(rich + short, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory, records):
    db = tmp_path_factory.mktemp("bureau-db") / "office.db"
    with serve_in_thread(db, ManualClock(datetime(2026, 11, 30, 10, 0)), seed=None, records=records) as running:
        yield running


def fetch(server, path="/bureau/", role=("bureau", "city", "all"), **params):
    """The answer once the advice is computed: meanwhile the page says so and the CSV answers 202."""
    session = server.session(*role)
    for _ in range(600):
        answer = session.get(server.url + path, params=params, timeout=60)
        if answer.status_code == 202:
            assert answer.json()["status"] == "computing" and answer.headers["Retry-After"]
        elif 'id="computing"' not in answer.text:
            return answer
        time.sleep(0.5)
    raise AssertionError("the advice was never ready")


@pytest.fixture(scope="module")
def page(server):
    answer = fetch(server)
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


@pytest.fixture(scope="module")
def cli(records):
    done = subprocess.run(
        [sys.executable, "-m", "office", "advise", "--records", str(records), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return {o["office"]: o for o in json.loads(done.stdout)["offices"]}


def page_quotas(html: str) -> dict:
    out = {}
    for section in re.findall(r'<section class="office".*?</section>', html, re.S):
        office = re.search(r'data-office="(\d+)"', section).group(1)
        out[office] = {
            cell: int(q)
            for cell, q in re.findall(r'<tr data-cell="(\w+-\w+)">.*?<td class="quota">(\d+)</td>', section, re.S)
        }
    return out


def test_the_page_and_the_command_line_agree(page, cli):
    shown = page_quotas(page)
    assert set(shown) == set(cli) == {"441602", "441621", "441623"}
    for office, entry in cli.items():
        expected = {f"{a['weekday']}-{a['half_day']}": a["booking_quota"] for a in entry.get("advice", [])}
        assert shown[office] == expected
        assert f'class="cross-county" data-share="{entry["cross_county_share"]}"' in page


def test_the_csv_export_agrees_too(server, cli):
    answer = fetch(server, "/bureau/advice.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    for office, entry in cli.items():
        mine = [r for r in rows if r["office"] == office]
        if "refused" in entry:
            assert [r["refused"] for r in mine] == [entry["refused"]]
            continue
        assert [int(r["booking_quota"]) for r in mine] == [a["booking_quota"] for a in entry["advice"]]
        assert [int(r["quota_one_window_more"]) for r in mine] == [
            a["what_if"]["one_window_more"]["booking_quota"] for a in entry["advice"]
        ]


def test_a_chart_per_office_and_the_refusal_in_words(page, cli):
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img" width="620"') == 2
    assert page.count('class="capacity"') == 20 and page.count('class="load"') == 20
    assert "6 working day(s)" in page  # the refused office says why
    assert 'class="origin-bar"' in page


def test_aggregates_only(page, records):
    text = records.read_text(encoding="utf-8")
    stamps = set(re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", text))
    assert not any(s in page for s in stamps)
    assert not re.search(r"T\d\d:\d\d", page)


def test_a_bureau_certificate_of_one_office_sees_that_office_only(server):
    answer = fetch(server, "/bureau/advice.csv", role=("bureau", "zijin", "441621"))
    assert {r["office"] for r in csv.DictReader(io.StringIO(answer.text))} == {"441621"}


@pytest.mark.parametrize("role,name", [("kiosk", "k1"), ("counter", "c1")])
def test_kiosks_and_counters_may_not(server, role, name):
    answer = server.session(role, name, "441621").get(server.url + "/bureau/", timeout=30)
    assert answer.status_code == 403 and answer.json()["error"] == "forbidden_role"


def test_a_date_range(server):
    s = server.session("bureau", "city", "all")
    assert s.get(server.url + "/bureau/", params={"from": "2026-13-01"}, timeout=30).status_code == 400
    assert (
        s.get(server.url + "/bureau/", params={"from": "2026-11-20", "to": "2026-11-01"}, timeout=30).status_code == 400
    )
    narrow = fetch(server, "/bureau/advice.csv", **{"from": "2026-11-23", "to": "2026-11-27"})
    rows = list(csv.DictReader(io.StringIO(narrow.text)))
    assert rows and all(r["working_days"] == "5" for r in rows)
    assert all("5 working day(s)" in r["refused"] for r in rows)


def test_the_servers_own_tickets_and_the_counters_service_records(tmp_path):
    from office.lobby.records import SCHEMA

    store = Store(tmp_path / "office.db")
    store.create()
    store.connection().executescript(SCHEMA)
    with store.write() as conn:
        for n in range(3):
            conn.execute(
                "INSERT INTO tickets (ticket_id, office, day, business, seq, number, priority, kiosk_id, issued_at,"
                " status, counter, called_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    f"t{n}",
                    "441621",
                    "2026-11-25",
                    "marriage",
                    n,
                    f"A00{n}",
                    "booked" if n else "walk_in",
                    "k1",
                    "2026-11-25T09:0%d:00.000+08:00" % n,
                    "called",
                    "W1",
                    "2026-11-25T09:1%d:00.000+08:00" % n,
                ),
            )
        conn.execute(
            "INSERT INTO tickets (ticket_id, office, day, business, seq, number, priority, kiosk_id, issued_at)"
            " VALUES ('today', '441621', '2026-11-26', 'marriage', 9, 'A009', 'walk_in', 'k1',"
            " '2026-11-26T09:00:00.000+08:00')"
        )
        # the console recorded t1's service at window 3; t0 and t2 were called through the bare queue API
        conn.execute(
            "INSERT INTO service (ticket_id, office, day, window, started_at, ended_at, outcome) VALUES"
            " ('t1', '441621', '2026-11-25', '3', '2026-11-25T09:12:00.000+08:00', '2026-11-25T09:24:30.000+08:00',"
            " 'done')"
        )
    records, problems = TicketsTable(store.read, lambda: "2026-11-26").load()
    assert problems == [] and len(records) == 3  # today's queue is not history yet
    assert sum(r.booked for r in records) == 2
    served = {r.issued.minute: r for r in records}
    assert served[1].outcome == "done" and served[1].window == "3"
    assert (served[1].ended - served[1].served).total_seconds() == 12.5 * 60  # a service time for the advice
    assert all(r.window == "W1" and r.served is None and r.outcome == "" for r in (served[0], served[2]))


def test_the_page_in_a_real_browser(server, cli):
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium on this machine")
    ca, cert, key = server.client_files("bureau", "city", "all")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            context = browser.new_context(
                ignore_https_errors=True,  # the office CA is not the browser's; the client certificate is the test
                client_certificates=[{"origin": server.url, "certPath": cert, "keyPath": key}],
            )
            view = context.new_page()
            fetch(server)  # computed (the page would reload itself until then)
            view.goto(server.url + "/bureau/", timeout=60_000)
            assert view.title().startswith("预约数量建议")
            office = view.locator("#office-441621")
            quotas = office.locator("td.quota").all_inner_texts()
            assert [int(q) for q in quotas] == [a["booking_quota"] for a in cli["441621"]["advice"]]
            bars = office.locator("svg.load-chart rect.capacity")
            assert bars.count() == 10
            box = bars.first.bounding_box()
            assert box is not None and box["height"] > 0  # drawn, not just in the markup
            with view.expect_download() as download:
                view.click("#csv")
            assert download.value.suggested_filename == "booking-advice.csv"
        finally:
            browser.close()


def test_the_demo_server_shows_a_synthetic_history_of_the_six_offices(tmp_path):
    from office.assemble import build
    from office.workload.report import advise_all

    app, _ = build(tmp_path / "office.db", ManualClock(datetime(2026, 11, 30, 10, 0)), seed="demo")
    bureau = app.state.bureau
    records, _problems = bureau.source.load()
    assert (tmp_path / "office-records.csv").exists()  # written next to the database on first read
    assert sorted({r.office for r in records}) == ["441602", "441621", "441622", "441623", "441624", "441625"]
    # the advice of two of them here (seconds each); the demo server advises all six in test_demo_bureau.py
    result = advise_all(records, bureau.offices, bureau.target, only={"441602", "441625"})
    assert all(len(o["advice"]) == 10 and o["working_days"] == 60 for o in result["offices"])
    assert [o["to"] for o in result["offices"]] == ["2026-11-27"] * 2  # up to the last working day before today


def test_a_failing_computation_is_shown_not_computing_for_ever():
    from office.bureau import BureauAdvice

    class Broken:
        def version(self):
            return "v1"

        def load(self):
            raise RuntimeError("boom")

    advice = BureauAdvice(Broken(), {})
    assert advice.ready() is None  # started in the background
    for _ in range(600):
        done = advice.ready()
        if done is not None:
            break
        time.sleep(0.05)
    assert done == {"offices": [], "problem": "the advice failed (RuntimeError)"}
