"""The 全城通办 (city-wide handling) report for a date range: fetched from the office API, or computed here
from case records, then exported as CSV (for the city bureau's spreadsheet) and a bar chart PNG.

The figures have the shape of the office API's answer (office/reports.py): cases, by business, applicants by
home county, the share from other Heyuan counties, cross-county cases, and one row per day.
A case record is {"day": "YYYY-MM-DD", "business": str, "home_counties": [county code | outside_city | unknown]}.
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta
from typing import Iterable, Protocol

from kiosk.domain.business import BUSINESSES
from kiosk.domain.divisions import HEYUAN_COUNTIES
from kiosk.errors import KioskError

MAX_DAYS = 366
OTHER_PLACES = {"outside_city": {"zh": "市外", "en": "outside the city"}, "unknown": {"zh": "未知", "en": "unknown"}}


class ReportRangeError(KioskError):
    """from/to are not dates, from is after to, or the range is too long."""


class ReportUnavailable(KioskError):
    """The office server could not give the figures (offline, refused)."""


class ReportSource(Protocol):
    """What the report needs from the office API; kiosk.services.office_client.OfficeClient is one."""

    def citywide_report(self, office: str, start: str, end: str) -> dict: ...


def days_between(start: str | date, end: str | date) -> list[str]:
    try:
        a = start if isinstance(start, date) else date.fromisoformat(start)
        b = end if isinstance(end, date) else date.fromisoformat(end)
    except (TypeError, ValueError):
        raise ReportRangeError("from and to must be dates like 2026-11-26") from None
    if b < a:
        raise ReportRangeError(f"from ({a}) is after to ({b})")
    if (b - a).days + 1 > MAX_DAYS:
        raise ReportRangeError(f"at most {MAX_DAYS} days")
    return [(a + timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


def compute(records: Iterable[dict], office: str, start: str | date, end: str | date) -> dict:
    days = days_between(start, end)
    blank = {"cases": 0, "by_business": Counter(), "applicants": 0, "from_other_counties": 0,
             "cross_county_cases": 0}
    per_day = {d: {**blank, "by_business": Counter()} for d in days}
    by_county = Counter({c: 0 for c in (*HEYUAN_COUNTIES, *OTHER_PLACES)})
    verified = Counter({k: 0 for k in ("face", "fingerprint", "staff")})
    for rec in records:
        row = per_day.get(rec["day"])
        if row is None:
            continue
        counties = list(rec.get("home_counties", ()))
        row["cases"] += 1
        row["by_business"][rec["business"]] += 1
        row["applicants"] += len(counties)
        row["from_other_counties"] += sum(1 for c in counties if c in HEYUAN_COUNTIES and c != office)
        row["cross_county_cases"] += office not in counties
        by_county.update(counties)
        verified.update(v for v in rec.get("verified_by", ()) if v in verified)
    by_day = [{"date": d, "cases": r["cases"], "by_business": {b: r["by_business"][b] for b in BUSINESSES},
               "applicants": r["applicants"], "from_other_counties": r["from_other_counties"],
               "cross_county_cases": r["cross_county_cases"]} for d, r in per_day.items()]
    applicants = sum(r["applicants"] for r in by_day)
    other = sum(r["from_other_counties"] for r in by_day)
    return {"office": office, "from": days[0], "to": days[-1], "days": len(days),
            "cases": sum(r["cases"] for r in by_day),
            "by_business": {b: sum(r["by_business"][b] for r in by_day) for b in BUSINESSES},
            "applicants": applicants, "by_home_county": dict(by_county), "from_other_counties": other,
            "share_from_other_counties": round(other / applicants, 4) if applicants else 0.0,
            "cross_county_cases": sum(r["cross_county_cases"] for r in by_day),
            # identity verification at the kiosk: applicants verified by face, fingerprint, or left to staff
            "verified_by": dict(verified), "share_verified_by_machine": _machine_share(verified),
            "by_day": by_day}


def _machine_share(verified: Counter) -> float:
    told = sum(verified.values())
    return round((verified["face"] + verified["fingerprint"]) / told, 4) if told else 0.0


def fetch(source: ReportSource, office: str, start: str, end: str) -> dict:
    """Ask the office API; a bad range is refused here first, so the technician gets the same message offline."""
    from kiosk.errors import BackendError

    days_between(start, end)
    try:
        return source.citywide_report(office, start, end)
    except BackendError as e:
        if getattr(e, "code", "") == "invalid_range":
            raise ReportRangeError(str(getattr(e, "body", {}).get("detail") or e)) from None
        raise ReportUnavailable(f"the office server did not give the report: {e}") from None


def is_empty(report: dict) -> bool:
    return report.get("cases", 0) == 0


def county_name(code: str, lang: str = "zh") -> str:
    if code in HEYUAN_COUNTIES:
        return HEYUAN_COUNTIES[code]
    return OTHER_PLACES.get(code, {}).get(lang, code)


def business_name(code: str, lang: str = "zh") -> str:
    return BUSINESSES.get(code, {}).get(lang, code)


def to_csv(report: dict) -> str:
    """Long format (section, key, name, value), UTF-8 with BOM so spreadsheet programs show the Chinese."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["section", "key", "name", "value"])
    w.writerow(["summary", "office", county_name(report["office"]), report["office"]])
    w.writerow(["summary", "from", "", report["from"]])
    w.writerow(["summary", "to", "", report["to"]])
    for key, name in (("cases", "办理件数"), ("applicants", "当事人数"), ("from_other_counties", "外县(区)当事人"),
                      ("share_from_other_counties", "外县(区)占比"), ("cross_county_cases", "跨县(区)件数")):
        w.writerow(["summary", key, name, report[key]])
    for b, n in report["by_business"].items():
        w.writerow(["by_business", b, business_name(b), n])
    for c, n in report["by_home_county"].items():
        w.writerow(["by_home_county", c, county_name(c), n])
    for row in report["by_day"]:
        w.writerow(["by_day", row["date"], "cases", row["cases"]])
        for b, n in row["by_business"].items():
            w.writerow(["by_day", row["date"], b, n])
        for key in ("applicants", "from_other_counties", "cross_county_cases"):
            w.writerow(["by_day", row["date"], key, row[key]])
    return "\ufeff" + out.getvalue()
