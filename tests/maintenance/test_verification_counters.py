"""How parties were verified is counted for the maintenance screen (share verified by machine)."""

from datetime import date

from kiosk.flow.effects import SessionEnded
from kiosk.maintenance.counters import DailyCounters
from kiosk.maintenance.presenters import counter_rows


def test_verified_by_is_counted_and_shown():
    counters = DailyCounters(lambda: date(2026, 11, 26))
    assert counters.snapshot()["verified_by_machine_share"] is None
    counters.observe(SessionEnded("ticket", "marriage", "accept", (), (), ("face", "staff")))
    counters.observe(SessionEnded("ticket", "marriage", "accept", (), (), ("fingerprint", "face")))
    snap = counters.snapshot()
    assert snap["verified_by"] == {"face": 2, "fingerprint": 1, "staff": 1}
    assert snap["verified_by_machine_share"] == 0.75
    assert counters.lifetime_counts()["verified_by"]["face"] == 2
    rows = {r["label"].strip(): r["value"] for r in counter_rows(snap, "en")}
    assert rows["Identity verified by machine"] == "75%" and rows["left to staff"] == "1"
