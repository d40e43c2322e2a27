"""The 全城通办 (city-wide handling) report for a date range: fetched from the office API, or computed here
from case records, then exported as CSV (for the city bureau's spreadsheet) and a bar chart PNG.

The figures have the shape of the office API's answer (office/reports.py): cases, by business, applicants by
home county, the share from other Heyuan counties, cross-county cases, and one row per day.
A case record is {"day": "YYYY-MM-DD", "business": str, "home_counties": [county code | outside_city | unknown]}.
"""

from __future__ import annotations

import csv
import io
from typing import Protocol

from kiosk.domain.business import BUSINESSES
from kiosk.domain.citywide import MAX_DAYS, OTHER_PLACES, ReportRangeError, compute, days_between  # noqa: F401
from kiosk.domain.divisions import HEYUAN_COUNTIES
from kiosk.errors import KioskError


class ReportUnavailable(KioskError):
    """The office server could not give the figures (offline, refused)."""


class ReportSource(Protocol):
    """What the report needs from the office API; kiosk.services.office_client.OfficeClient is one."""

    def citywide_report(self, office: str, start: str, end: str) -> dict: ...


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
    for key, name in (
        ("cases", "办理件数"),
        ("applicants", "当事人数"),
        ("from_other_counties", "外县(区)当事人"),
        ("share_from_other_counties", "外县(区)占比"),
        ("cross_county_cases", "跨县(区)件数"),
    ):
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
