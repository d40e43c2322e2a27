"""`kiosk-office-server advise` and `kiosk-office-server history`: the booking advice from a records export, and
a synthetic export for demos and tests (docs/workload.md)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from office.workload.records import UnusableInput

MAX_PROBLEMS_SHOWN = 200


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2026-11-26: {text!r}") from None


def advise_main(argv: list[str]) -> int:
    from office.offices import OfficeFileError, load_offices
    from office.workload.advice import Target
    from office.workload.report import advise_all
    from office.workload.sources import ExportFile

    parser = argparse.ArgumentParser(
        prog="kiosk-office-server advise",
        description="Booking quotas per weekday and half-day from an office's service records (docs/workload.md).",
    )
    parser.add_argument("--records", required=True, help="CSV export: " + ",".join(_columns()))
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--service-level", type=float, default=0.9, help="share called within --wait-min (0.9)")
    parser.add_argument("--wait-min", type=float, default=15.0, help="minutes from ticket to call (15)")
    parser.add_argument("--from", dest="start", type=_date, help="first day (default: the first in the records)")
    parser.add_argument("--to", dest="end", type=_date, help="last day (default: the last in the records)")
    parser.add_argument("--office", action="append", help="only this office (repeatable)")
    parser.add_argument("--offices", help="directory of office files (default: the shipped config/offices)")
    a = parser.parse_args(argv)
    try:
        target = Target(service_level=a.service_level, wait_min=a.wait_min)
    except ValueError as e:
        return _fail(str(e))
    if a.start and a.end and a.end < a.start:
        return _fail(f"--from {a.start} is after --to {a.end}")
    try:
        offices = load_offices(a.offices)
        records, problems = ExportFile(a.records).load()
    except (UnusableInput, OfficeFileError) as e:
        return _fail(str(e))
    for p in problems[:MAX_PROBLEMS_SHOWN]:
        sys.stderr.write(f"kiosk-office-server advise: {a.records}: {p}; row skipped\n")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        sys.stderr.write(f"kiosk-office-server advise: … and {len(problems) - MAX_PROBLEMS_SHOWN} more bad rows\n")
    if problems:
        sys.stderr.write(f"kiosk-office-server advise: {len(problems)} bad row(s) skipped, {len(records)} used\n")
    if not records:
        return _fail(f"{a.records}: no usable rows")
    result = advise_all(records, offices, target, a.start, a.end, set(a.office) if a.office else None)
    if not result["offices"]:
        return _fail("no records in the chosen days or offices")
    result["rows_skipped"] = len(problems)
    if a.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(text_report(result))
    return 0


def _columns() -> tuple[str, ...]:
    from office.workload.records import COLUMNS

    return COLUMNS


def _fail(message: str) -> int:
    sys.stderr.write(f"kiosk-office-server advise: {message}\n")
    return 2


def text_report(result: dict) -> str:
    lines = []
    for o in result["offices"]:
        lines.append(
            f"office {o['office']}: {o['working_days']} working days, {o['tickets']} tickets ({o['from']} to "
            f"{o['to']}); from other counties {o['cross_county_share']:.0%}, from outside the city "
            f"{o['outside_city_share']:.0%}"
        )
        if "refused" in o:
            lines.append(f"  no advice: {o['refused']}")
            continue
        lines.append("  day  half  windows  walk-ins  service(min)  bookings  called in time  wait p90  (±1 window)")
        for a in o["advice"]:
            less = a["what_if"]["one_window_less"]
            lines.append(
                f"  {a['weekday']}  {a['half_day']}   {a['windows']:>5}  {a['expected_walk_ins']:>8}  "
                f"{a['service_min_median'] if a['service_min_median'] is not None else '-':>12}  "
                f"{a['booking_quota']:>8}  {a['predicted_service_level']:>14.1%}  {a['predicted_wait_p90_min']:>8}"
                f"  ({a['what_if']['one_window_more']['booking_quota']} / {less['booking_quota'] if less else '-'})"
            )
    return "\n".join(lines)


def history_main(argv: list[str]) -> int:
    from office.offices import OfficeFileError, load_offices
    from office.workload.records import write_export
    from office.workload.synthetic import history

    parser = argparse.ArgumentParser(
        prog="kiosk-office-server history",
        description="Write a synthetic service history of the six offices (parameters: docs/workload.md).",
    )
    parser.add_argument("--out", required=True, help="CSV file to write ('-': standard output)")
    parser.add_argument("--days", type=int, default=60, help="working days per office (60)")
    parser.add_argument("--end", type=_date, default=None, help="last day (default: yesterday)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--offices", help="directory of office files (default: the shipped config/offices)")
    a = parser.parse_args(argv)
    if not 1 <= a.days <= 2000:
        parser.error("--days: 1 to 2000")
    try:
        offices = load_offices(a.offices)
    except OfficeFileError as e:
        sys.stderr.write(f"kiosk-office-server history: {e}\n")
        return 2
    records = history(demo_profiles(offices), a.end or _yesterday(), a.days, a.seed)
    if a.out == "-":
        n = write_export(records, sys.stdout)
    else:
        try:
            with open(a.out, "w", encoding="utf-8", newline="") as f:
                n = write_export(records, f)
        except OSError as e:
            sys.stderr.write(f"kiosk-office-server history: {a.out}: {e.strerror}\n")
            return 2
    sys.stderr.write(f"kiosk-office-server history: {n} records\n")
    return 0


def demo_profiles(offices: dict) -> list:
    """The demo's profiles, with each office's own opening hours."""
    from dataclasses import replace

    from office.workload.synthetic import DEMO_PROFILES

    return [
        replace(p, opening_hours=offices[p.office].opening_hours if p.office in offices else None)
        for p in DEMO_PROFILES
    ]


def _yesterday() -> date:
    from datetime import datetime, timedelta

    from kiosk.domain.dates import CHINA

    return datetime.now(CHINA).date() - timedelta(days=1)
