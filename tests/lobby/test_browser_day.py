"""A day at the office in a real browser: the real kiosk (a headless journey against the same office server) takes a
walk-in, a booked and another walk-in ticket; two counters in Chromium call booked first, the display shows and
says each call, a ticket is done, one is a no-show after two recalls, one is transferred to another window and
served there; the kiosk's call for staff is taken in the console and the kiosk's screen changes to "on the way".
Then who may open what: no certificate, a kiosk's or a display's certificate get no console."""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from office.clock import system_clock
from tests.lobby.conftest import context, short_voice

REPO = Path(__file__).resolve().parents[2]
SHOTS = os.environ.get("LOBBY_SHOTS")  # a folder: keep the pages' screenshots (docs/lobby is made this way)
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from bench.rigs.office_server import serve_in_thread

    base = tmp_path_factory.mktemp("lobby")
    # the real clock, any hour: the journey's kiosk is a demo one (kiosk.domain.hours.demo_office), as CI runs at night
    with serve_in_thread(base / "office.db", system_clock, pki_dir=base / "pki", all_day=True) as running:
        yield running


def _rows(server, sql, *args):
    conn = sqlite3.connect(server.backend.store.path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _until(test, timeout, what):
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _kiosk(server) -> subprocess.Popen:
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1"}
    env.pop("KIVY_GL_BACKEND", None)
    command = ["-m", "kiosk.cli.diag", "journey", "lobby-day", "--json", "--office", server.url, str(server.pki_dir)]
    return subprocess.Popen(
        [sys.executable, *command], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=name.startswith("counter"))


@pytest.mark.slow
def test_a_day_from_the_browser(server, browser):
    kiosk = _kiosk(server)
    try:
        # the display and the first counter open while the kiosk takes its tickets
        display = context(browser, server, "display", "tv1", viewport={"width": 1280, "height": 720})
        said = short_voice(display)
        tv = display.new_page()
        tv.goto(server.url + "/display/")
        one = context(browser, server, "counter", "window-1", p12=True, viewport={"width": 1280, "height": 900})
        w1 = one.new_page()
        w1.goto(server.url + "/counter/")

        _until(lambda: len(_rows(server, "SELECT 1 FROM tickets")) >= 3 or kiosk.poll() is not None, 600, "tickets")
        assert kiosk.poll() is None, "".join(kiosk.communicate())[-3000:]
        tickets = _rows(server, "SELECT number, priority, ticket_id FROM tickets ORDER BY rowid")
        walk_in_1, booked, walk_in_2 = tickets
        assert [t[1] for t in tickets] == ["walk_in", "booked", "walk_in"]
        w1.locator("#queues .queue").first.wait_for()

        # booked first (预约优先), though a walk-in took a number before
        w1.get_by_role("button", name="叫号 Call next").click()
        w1.locator("#t-number", has_text=booked[0]).wait_for()
        tv.locator("#current-number", has_text=booked[0]).wait_for()
        tv.locator("#current-window", has_text="1 号窗口").wait_for()
        tv.locator(f"body[data-spoken*='{booked[0]}@1']").wait_for(state="attached", timeout=30_000)
        w1.get_by_role("button", name="开始办理 Start serving").click()
        w1.locator("#t-meta", has_text="办理中").wait_for()
        w1.get_by_role("button", name="办结 Done").click()
        w1.locator("#idle-window").wait_for()

        # the walk-in: identity to be checked at the counter, the kiosk's decision; details masked until revealed
        w1.get_by_role("button", name="叫号 Call next").click()
        w1.locator("#t-number", has_text=walk_in_1[0]).wait_for()
        w1.locator("#parties td.staff-check", has_text="身份待人工核验").first.wait_for()
        w1.locator("#eligibility", has_text="可以办理").wait_for()
        w1.locator("#eligibility .clause", has_text="婚姻登记条例").wait_for()  # the regulation the kiosk applied
        masked = w1.locator("#parties tbody td").nth(1).inner_text()
        assert "*" in masked
        _shot(w1, "counter-zh")
        w1.get_by_role("button", name="显示完整信息 Reveal details").click()
        w1.locator("#parties tbody td", has_text=masked[:6]).first.wait_for()
        _until(lambda: "*" not in w1.locator("#parties tbody td").nth(1).inner_text(), 10, "revealed")
        # no-show only after two recalls; each recall is shown and said again
        no_show = w1.get_by_role("button", name="未到 No-show")
        assert no_show.is_disabled()
        for n in (1, 2):
            w1.get_by_role("button", name="重呼 Recall").click()
            w1.locator("#t-meta", has_text=f"recalls {n}").wait_for()
        _until(lambda: (tv.get_attribute("body", "data-spoken") or "").count(f"{walk_in_1[0]}@1") == 3, 60, "recalls")
        assert no_show.is_enabled()
        no_show.click()
        w1.locator("#idle-window").wait_for()

        # a second window calls the next walk-in and sends it to window 1, where it is called first and served
        w2 = context(browser, server, "counter", "window-2").new_page()
        w2.goto(server.url + "/counter/?lang=en")
        w2.get_by_role("button", name="Call next 叫号").click()
        w2.locator("#t-number", has_text=walk_in_2[0]).wait_for()
        _shot(w2, "counter-en")
        w2.locator("#transfer-window").select_option("window-1")
        w2.get_by_role("button", name="Transfer 转移").click()
        w2.locator("#idle-window").wait_for()
        w1.get_by_role("button", name="叫号 Call next").click()
        w1.locator("#t-number", has_text=walk_in_2[0]).wait_for()
        tv.locator("#current-number", has_text=walk_in_2[0]).wait_for()
        _shot(tv, "display-zh")
        w1.get_by_role("button", name="办结 Done").click()
        w1.locator("#idle-window").wait_for()

        # the kiosk's call for staff: "call sent" there until the console takes it
        w1.locator("#calls li.call-open").wait_for(timeout=120_000)
        w1.get_by_role("button", name="我来处理 Acknowledge").click()
        out, err = kiosk.communicate(timeout=120)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
    result = json.loads(out)
    assert result["ok"], (result, err[-3000:])
    assert result["notes"]["shown"] == "工作人员马上就到，请在此稍候"
    assert "zh/staff_sent" in result["spoken"] and "zh/staff_on_the_way" in result["spoken"], result["spoken"]

    # every segment of every call said was the server's own (a missing one would be skipped, the rest said)
    assert said and all(ok for _url, ok in said), said
    # the display: called numbers and windows only; nobody waiting is listed, no personal data
    en = context(browser, server, "display", "tv1", viewport={"width": 1280, "height": 720}).new_page()
    en.goto(server.url + "/display/?lang=en")
    en.locator("#current-number", has_text=walk_in_2[0]).wait_for()
    _shot(en, "display-en")
    text = en.locator("body").inner_text()
    assert "*" not in text and "4416" not in text

    # the records, with the server's clock, and the audit rows of every action
    kinds = {
        t: [k for (k,) in _rows(server, "SELECT kind FROM service_events WHERE ticket_id=? ORDER BY seq", t)]
        for t in (booked[2], walk_in_1[2], walk_in_2[2])
    }
    assert kinds[booked[2]] == ["called", "serving", "done"]
    assert kinds[walk_in_1[2]] == ["called", "recalled", "recalled", "no_show"]
    assert kinds[walk_in_2[2]] == ["called", "transferred", "called", "serving", "done"]
    audited = _rows(server, "SELECT who, path, ref FROM audit WHERE path LIKE '/counter/%' AND status < 400")
    assert ("counter:window-1@441621", "/counter/api/reveal", walk_in_1[2]) in audited
    assert sum(1 for _, path, _ in audited if path == "/counter/api/recall") == 2
    assert any(path.endswith("/acknowledge") for _, path, _ in audited)


def test_only_counters_open_the_console_and_only_displays_the_display(server, browser):
    from playwright.sync_api import Error

    nobody = context(browser, server).new_page()
    with pytest.raises(Error):  # the TLS handshake asks for a certificate: no page at all
        nobody.goto(server.url + "/counter/")
    for role, name, path in (
        ("kiosk", "k1", "/counter/"),
        ("display", "tv1", "/counter/"),
        ("counter", "window-9", "/display/"),
        ("bureau", "city", "/display/"),
    ):
        page = context(browser, server, role, name).new_page()
        answer = page.goto(server.url + path)
        assert answer is not None and answer.status == 403, (role, path)
        assert "叫号" not in page.content()
