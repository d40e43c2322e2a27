"""Figures for the booking advice (issue #27): the time to advise on a year of six offices' records, from the
export file to the JSON, as `kiosk-office-server advise` does it. Run: python -m bench.bench_workload"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import date
from pathlib import Path

YEAR_DAYS = 250  # working days in a year


def main() -> dict:
    from office.offices import load_offices
    from office.workload.advice import Target
    from office.workload.cli import demo_profiles
    from office.workload.records import write_export
    from office.workload.report import advise_all
    from office.workload.sources import ExportFile
    from office.workload.synthetic import history

    offices = load_offices()
    figures: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "year.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            figures["records"] = write_export(history(demo_profiles(offices), date(2026, 11, 27), YEAR_DAYS), f)
        t0 = time.perf_counter()
        records, problems = ExportFile(path).load()
        t1 = time.perf_counter()
        result = advise_all(records, offices, Target())
        t2 = time.perf_counter()
    figures["read_s"] = round(t1 - t0, 2)
    figures["advise_year_six_offices_s"] = round(t2 - t0, 2)
    figures["half_days_advised"] = sum(len(o.get("advice", ())) for o in result["offices"])
    figures["bad_rows"] = len(problems)
    return figures


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
