"""The 全城通办 (city-wide handling) figures for a date range, computed from case records.

One definition shared by the office server's report and the kiosk's maintenance export.
A case record is {"day": "YYYY-MM-DD", "business": str, "home_counties": [county code | outside_city | unknown]}.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any, Iterable

from kiosk.domain.business import BUSINESSES
from kiosk.domain.divisions import HEYUAN_COUNTIES

MAX_DAYS = 366
OTHER_PLACES = {"outside_city": {"zh": "市外", "en": "outside the city"}, "unknown": {"zh": "未知", "en": "unknown"}}


class ReportRangeError(ValueError):
    """from/to are not dates, from is after to, or the range is too long."""


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


def compute(records: Iterable[dict[str, Any]], office: str, start: str | date, end: str | date) -> dict[str, Any]:
    days = days_between(start, end)
    blank: dict[str, Any] = {"cases": 0, "applicants": 0, "from_other_counties": 0, "cross_county_cases": 0}
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
    by_day: list[dict[str, Any]] = [
        {
            "date": d,
            "cases": r["cases"],
            "by_business": {b: r["by_business"][b] for b in BUSINESSES},
            "applicants": r["applicants"],
            "from_other_counties": r["from_other_counties"],
            "cross_county_cases": r["cross_county_cases"],
        }
        for d, r in per_day.items()
    ]
    applicants = sum(r["applicants"] for r in by_day)
    other = sum(r["from_other_counties"] for r in by_day)
    return {
        "office": office,
        "from": days[0],
        "to": days[-1],
        "days": len(days),
        "cases": sum(r["cases"] for r in by_day),
        "by_business": {b: sum(r["by_business"][b] for r in by_day) for b in BUSINESSES},
        "applicants": applicants,
        "by_home_county": dict(by_county),
        "from_other_counties": other,
        "share_from_other_counties": round(other / applicants, 4) if applicants else 0.0,
        "cross_county_cases": sum(r["cross_county_cases"] for r in by_day),
        # identity verification at the kiosk: applicants verified by face, fingerprint, or left to staff
        "verified_by": dict(verified),
        "share_verified_by_machine": _machine_share(verified),
        "by_day": by_day,
    }


def _machine_share(verified: Counter[str]) -> float:
    told = sum(verified.values())
    return round((verified["face"] + verified["fingerprint"]) / told, 4) if told else 0.0
