"""Issue 8 in the running kiosk: the hidden gesture and the key open the PIN login, wrong PINs lock the gate
(through the screen), every maintenance page shows data, a settings change is audited, the report writes CSV +
PNG, idle logs out; metrics and sd_notify while the app runs (journeys' tickets: tests/ui/test_journeys.py)."""

import json
import os
import socket
import subprocess
import sys
import time

import requests

from tests.ui.conftest import REPO, run_cli


def test_maintenance_through_the_screens():
    proc = run_cli(["-m", "tests.ui.maint_script"], timeout=120)
    out = json.loads(proc.stdout)
    assert out["ok"], (out, proc.stderr[-2000:])
    assert out["gesture"] == "maintenance_login" and out["key"] == "maintenance_login"
    states = [s for s, _ in out["wrong"]]
    assert states == ["maintenance_login"] * 6
    messages = [m for _, m in out["wrong"]]
    assert "4" in messages[0] and "1" in messages[3]  # tries left, counting down
    assert "30" in messages[4] and "30" in messages[5]  # 5th wrong PIN: locked for 30 s
    assert out["locked_with_right_pin"][0] == "maintenance_login"  # even the right PIN waits out the lockout
    assert out["audit_failures"] == 5
    assert out["logged_in"] and out["card_in_maintenance"] == "maintenance"
    for name, page in out["pages"].items():
        assert page["current"] == name and page["shown"] not in ("", "0"), (name, page)
    assert out["pages"]["maintenance_settings"]["shown"] == "60->65"
    assert out["audit_setting"] == [
        {"actor": "technician", "key": "walk_in_quota", "old": 60, "new": 65},
        {"actor": "technician", "key": "languages", "old": ["zh", "en"], "new": ["zh"]},
        {"actor": "technician", "key": "volume", "old": 70, "new": 80},
    ]
    assert out["volume"] == 80
    # a parked journal entry, with its reason in words
    assert len(out["parked_shown"]) == 1 and out["parked_shown"][0].endswith(" · HTTP 500 ×8")
    assert [(d["done"], d["reason"]) for d in out["parked_audit"]] == [(True, "HTTP 500 ×8")]
    assert out["languages"] == ["zh, en", "zh", ["zh"], False]
    assert out["language_switch_on_attract"] == [0, True, "zh"]  # Chinese only: no switch for applicants
    assert {f.rsplit(".", 1)[1] for f in out["report_files"]} == {"csv", "png"}
    assert out["report_chart_shown"]
    assert "陈志明" not in out["pages"]["maintenance_logs"]["shown"]
    assert out["after_idle"] == "attract" and not out["logged_in_after_idle"]
    assert out["audit_verify"]


def test_metrics_and_sd_notify_while_the_app_runs(tmp_path):
    sock_path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(30)
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "offscreen",
        "KIVY_NO_ARGS": "1",
        "KIVY_NO_CONSOLELOG": "1",
        "HOME": str(tmp_path),
        "NOTIFY_SOCKET": sock_path,
        "WATCHDOG_USEC": "1000000",
    }
    env.pop("KIVY_GL_BACKEND", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli.kiosk_main", "--demo", "--headless", "--run-for", "5"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 40
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            if '"metrics_started"' in line:
                url = json.loads(line)["msg"].split(" on ", 1)[1]
        assert url, "no metrics_started log line"
        body = requests.get(url, timeout=60).text
        assert "kiosk_info{" in body and "kiosk_tickets_total{" in body and "kiosk_maintenance_logged_in{" in body
        seen = set()
        while not {"READY=1", "WATCHDOG=1"} <= seen:
            seen |= set(sock.recv(4096).decode().splitlines())
        sock.close()  # nobody listening any more: the kiosk's pings must not block it
        proc.stderr.read()
        assert proc.wait(40) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        sock.close()
