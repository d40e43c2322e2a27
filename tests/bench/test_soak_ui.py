"""Journeys through the rendered UI in one running app (bench/soak_ui.py): every scenario of the cycle, past a
day change (fresh bookings), with nothing lost or duplicated against the server's database."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def test_ui_soak_short():
    from bench.soak_ui import CYCLE

    n = len(CYCLE) + 2  # the second booked couple needs the next day's bookings
    # each face outcome moves on once drawn (the flow's timer fired), not after its 1.8 s on screen
    command = ["--journeys", str(n), "--sample-every", "5", "--outcomes-at-once", "--json"]
    proc = subprocess.run(
        [sys.executable, "-m", "bench.soak_ui", *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    assert r["ui_ok"] == n, (r["ui_failures"], r["ui_run_error"])
    assert set(r["ui_outcomes"]) == set(CYCLE)
    assert r["ui_unhandled_exceptions"] == 0, r["ui_exception_samples"]
    assert r["ui_days_simulated"] == 2
    for key in (
        "checkins_lost",
        "checkins_duplicated",
        "checkins_unexpected",
        "tickets_lost",
        "tickets_duplicated",
        "tickets_unexpected",
        "journal_backlog",
        "tickets_duplicated_on_screen",
    ):
        assert r[f"ui_{key}"] == 0, key
    assert r["ui_checkins"] == 4 and r["ui_tickets"] == 6
    assert len(r["ui_samples"]) == 2 and r["ui_samples"][-1]["widgets"] > 0
    # one open face per font and pixel size (kiosk/ui/fonts.py): ≈ 25 in these screens, well below Kivy's 64
    assert 0 < r["ui_samples"][-1]["font_faces"] <= 32
