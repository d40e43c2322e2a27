"""Figures for the maintenance pieces: PIN hash cost, audit append/verify rates, report and chart time,
metrics scrape time. Run: python -m bench.bench_maintenance"""

from __future__ import annotations

import json
import random
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path


def _timed(fn, repeat: int = 1) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat


def main() -> dict:
    from kiosk.flow import events as ev
    from kiosk.flow import effects as fx
    from kiosk.maintenance.audit import AuditLog
    from kiosk.maintenance.chart import render_chart
    from kiosk.maintenance.counters import DailyCounters
    from kiosk.maintenance.devices import DeviceBoard
    from kiosk.maintenance.metrics import KioskCollector, start_metrics
    from kiosk.maintenance.pin import hash_pin, verify_pin
    from kiosk.maintenance.report import compute

    figures: dict = {}
    h = hash_pin("482915")
    figures["pin_verify_ms"] = round(_timed(lambda: verify_pin("482915", h), 5) * 1000, 1)
    with tempfile.TemporaryDirectory() as tmp:
        audit = AuditLog(Path(tmp))
        n = 2000
        t = _timed(lambda: [audit.record("self_test", device="printer", ok=True) for _ in range(n)])
        figures["audit_appends_per_s"] = round(n / t)
        figures["audit_verify_2000_ms"] = round(_timed(audit.verify) * 1000, 1)
    rng = random.Random(1)
    records = [
        {
            "day": date(2026, rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
            "business": "marriage",
            "home_counties": [rng.choice(["441621", "441622", "outside_city"]) for _ in range(2)],
        }
        for _ in range(20000)
    ]
    report = compute(records, "441621", "2026-01-01", "2026-12-31")
    figures["report_compute_20k_cases_ms"] = round(
        _timed(lambda: compute(records, "441621", "2026-01-01", "2026-12-31")) * 1000, 1
    )
    figures["chart_366_days_ms"] = round(_timed(lambda: render_chart(report)) * 1000, 1)
    board, counters = DeviceBoard(), DailyCounters(lambda: date(2026, 11, 26))
    for _ in range(100):
        counters.observe(fx.IssueTicket("marriage", "a", ()))
        counters.observe(ev.TicketIssued({"number": "A1"}))
    server = start_metrics("127.0.0.1:0", KioskCollector("k", "441621", board, counters))
    try:
        figures["metrics_scrape_ms"] = round(_timed(lambda: urllib.request.urlopen(server.url).read(), 20) * 1000, 2)
    finally:
        server.stop()
    return figures


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
