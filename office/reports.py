"""The 全城通办 (city-wide handling) figures an office reports to the city bureau.

A case is a registration handled: a checked-in appointment, or a walk-in ticket that named its parties; each
applicant's home county was worked out when the case was recorded (office.checkins.home_county). The figures
themselves are computed by kiosk.domain.citywide.compute, the one definition shared with the kiosk's
maintenance export.
"""

from __future__ import annotations

from kiosk.domain.citywide import ReportRangeError, compute, days_between
from office.errors import ApiError


def citywide(conn, office: str, start: str, end: str) -> dict:
    try:
        days = days_between(start, end)
    except ReportRangeError as e:
        raise ApiError(400, "invalid_range", detail=str(e)) from None
    rows = conn.execute(
        "SELECT c.case_id, c.day, c.business, a.home_county, a.verified_by FROM cases c"
        " LEFT JOIN case_applicants a USING (case_id) WHERE c.office=? AND c.day BETWEEN ? AND ?"
        " ORDER BY c.case_id",
        (office, days[0], days[-1]),
    ).fetchall()
    cases: dict[int, dict] = {}
    for r in rows:
        case = cases.setdefault(
            r["case_id"], {"day": r["day"], "business": r["business"], "home_counties": [], "verified_by": []}
        )
        if r["home_county"] is not None:
            case["home_counties"].append(r["home_county"])
            case["verified_by"].append(r["verified_by"] or "")
    return compute(cases.values(), office, days[0], days[-1])
