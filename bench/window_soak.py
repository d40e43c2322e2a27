"""The office link in the real window over a long run (issue #23: no false offline banner with the server up).

`kiosk --demo` in its real SDL window on Xvfb (the rig of tests/window), touched through xdotool for N minutes:
booked-couple journeys through the demo strip (QR, both cards, eligibility, consent, up to party 1's liveness
challenge, then cancelled, so the booking stays usable) alternating with start/cancel cycles. A CPU hog keeps both
cores busy in every other period (half of the run). Every second the probe is read: is the office server judged up,
is the offline banner drawn, how many times the link's state changed. At the end: the figures, and any "judged
down" lines in the kiosk's log.

    python -m bench.window_soak [--minutes 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.window.rig import REPO, Hog, Stuck, Window, Xvfb, missing_tools

ARTIFACTS = REPO / "artifacts" / "window-soak"


class Sampler(threading.Thread):
    """Reads the probe once a second: offline (judged down, or the banner drawn), and link state changes."""

    def __init__(self, w: Window):
        super().__init__(daemon=True)
        self.w = w
        self.stop_now = threading.Event()
        self.samples = self.offline = self.banner = self.missed = 0
        self.first_changes: int | None = None
        self.last_changes = 0
        self.offline_at: list[str] = []

    def run(self) -> None:
        while not self.stop_now.wait(1.0):
            try:
                t = self.w.tree()
            except (OSError, ValueError):
                self.missed += 1
                continue
            if "error" in t:
                self.missed += 1
                continue
            self.samples += 1
            if self.first_changes is None:
                self.first_changes = t["backend_changes"]
            self.last_changes = t["backend_changes"]
            banner = any(x["cls"] == "OfflineBanner" for x in t["widgets"])
            self.banner += banner
            if not t["backend_online"] or banner:
                self.offline += 1
                self.offline_at.append(f"{time.strftime('%H:%M:%S')} {t['state']} {t['backend_reason']}")


def couple_until_face(w: Window) -> None:
    """A booked couple up to party 1's liveness challenge, then cancelled (the booking is not used up)."""
    w.press(id="show_qr")
    t = w.wait(lambda t: t["state"] in ("read_id_1", "eligibility") and not t["busy"], "the booking found", 30)
    if t["state"] == "read_id_1":
        w.go("read_id_2", id="card_1")
        w.go("eligibility", id="card_2")
        w.go("consent", id="go_on")
        w.go("face_1", id="yes")
        w.wait(
            lambda t: (
                t["state"] != "face_1"
                or any("眨眼" in x.get("text", "") or "转头" in x.get("text", "") for x in t["widgets"])
            ),
            "party 1's challenge",
            60,
        )
    w.to_start()


def start_and_cancel(w: Window) -> None:
    w.go("service_menu", id="start")
    w.go("attract", cls="KButton", text="取消")


def soak(minutes: float) -> dict:
    if missing_tools():
        raise SystemExit(f"needs {missing_tools()} (scripts/setup.sh)")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    home = Path(tempfile.mkdtemp(prefix="window-soak-"))
    xvfb = Xvfb()
    w = Window(xvfb, home, ARTIFACTS)
    hog: Hog | None = None
    sampler = Sampler(w)
    journeys = {"couple_until_face": 0, "start_and_cancel": 0}
    stuck: list[str] = []
    period = min(300.0, minutes * 30)  # hog on in every other period: half of the run
    hog_s = hog_from = 0.0
    try:
        w.find_window()
        w.wait_state("attract", timeout=120)
        w.wait(lambda t: t["backend_online"], "the office server judged up", 90)
        w.shot("start")
        sampler.start()
        started = time.monotonic()
        end = started + minutes * 60
        n = 0
        while time.monotonic() < end and w.proc.poll() is None:
            loaded = int((time.monotonic() - started) // period) % 2 == 1
            if loaded and hog is None:
                hog, hog_from = Hog(), time.monotonic()
            elif not loaded and hog is not None:
                hog.stop()
                hog, hog_s = None, hog_s + time.monotonic() - hog_from
            step = couple_until_face if n % 2 == 0 else start_and_cancel
            try:
                step(w)
                journeys[step.__name__] += 1
            except Stuck as e:
                stuck.append(f"{time.strftime('%H:%M:%S')} {e}"[:300])
                w.to_start()
            n += 1
        ran = time.monotonic() - started
        w.shot("end")
    finally:
        sampler.stop_now.set()
        if hog is not None:
            hog.stop()
            hog_s += time.monotonic() - hog_from
        exited = w.proc.poll()
        if exited is None:
            w.stop()
        xvfb.stop()
        shutil.copy(home / "kiosk.log", ARTIFACTS / "kiosk.log")
    log = (ARTIFACTS / "kiosk.log").read_text(errors="replace").splitlines()
    return {
        "minutes": round(ran / 60, 1),
        "minutes_with_cpu_hog": round(hog_s / 60, 1),
        "samples": sampler.samples,
        "samples_missed": sampler.missed,
        "samples_offline": sampler.offline,
        "samples_with_banner": sampler.banner,
        "offline_at": sampler.offline_at[:20],
        "link_state_changes": sampler.last_changes - (sampler.first_changes or 0),
        "judged_down_lines": [x[:300] for x in log if "judged down" in x],
        "journeys": journeys,
        "stuck": stuck[:10],
        "stuck_count": len(stuck),
        "kiosk_exit_during_run": exited,
        "load_average_1min_end": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    r = soak(args.minutes)
    if args.json:
        print(json.dumps(r, indent=1, ensure_ascii=False))
        return
    print(f"minutes run: {r['minutes']} (CPU hog on both cores: {r['minutes_with_cpu_hog']})")
    print(f"samples: {r['samples']} (probe not answering: {r['samples_missed']})")
    print(f"samples offline: {r['samples_offline']} (banner drawn: {r['samples_with_banner']})")
    print(f"link state changes: {r['link_state_changes']}")
    print(f"'judged down' log lines: {len(r['judged_down_lines'])}")
    for line in r["judged_down_lines"] + r["offline_at"]:
        print("  ", line)
    print(f"journeys: {r['journeys']}; stuck {r['stuck_count']}")
    for line in r["stuck"]:
        print("  ", line)
    print(f"load average at the end: {r['load_average_1min_end']}")
    sys.exit(1 if r["samples_offline"] or r["judged_down_lines"] else 0)


if __name__ == "__main__":
    main()
