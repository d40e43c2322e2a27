"""The 全城通办 figures an office and the city bureau read: every count traced to the applicants it counts."""

from datetime import date

import pytest

from kiosk.domain.business import BUSINESSES
from kiosk.domain.citywide import MAX_DAYS, ReportRangeError, compute, days_between
from kiosk.domain.divisions import HEYUAN_COUNTIES

ZIJIN, LONGCHUAN, YUANCHENG = "441621", "441622", "441602"


def case(day, business="marriage", counties=(ZIJIN, ZIJIN), verified=()):
    return {"day": day, "business": business, "home_counties": list(counties), "verified_by": list(verified)}


def test_days_are_inclusive_from_strings_or_dates():
    assert days_between("2026-11-30", "2026-12-02") == ["2026-11-30", "2026-12-01", "2026-12-02"]
    assert days_between(date(2026, 12, 1), date(2026, 12, 1)) == ["2026-12-01"]


@pytest.mark.parametrize("start, end", [("2026-13-01", "2026-12-01"), ("x", "2026-12-01"), (None, "2026-12-01")])
def test_a_range_that_is_not_dates_is_refused(start, end):
    with pytest.raises(ReportRangeError, match="^from and to must be dates like 2026-11-26$"):
        days_between(start, end)


def test_from_after_to_is_refused():
    with pytest.raises(ReportRangeError, match="is after"):
        days_between("2026-12-02", "2026-12-01")


def test_a_year_and_a_day_at_most():
    assert MAX_DAYS == 366
    assert len(days_between("2024-01-01", "2024-12-31")) == 366  # a leap year: allowed
    with pytest.raises(ReportRangeError, match="at most 366 days"):
        days_between("2025-01-01", "2026-01-02")


def test_counts_per_day_per_business_and_per_home_county():
    records = [
        case("2026-11-29", "marriage", (LONGCHUAN, LONGCHUAN)),  # before the range: skipped, the rest still read
        case("2026-12-01", "marriage", (ZIJIN, LONGCHUAN), ("face", "face")),  # one partner from Longchuan
        case("2026-12-01", "divorce_application", (LONGCHUAN, YUANCHENG), ("face", "staff")),  # nobody from here
        case("2026-12-02", "reissue_certificate", ("outside_city",), ("fingerprint",)),
        case("2026-12-02", "marriage", (ZIJIN, "unknown"), ("staff", "mystery")),
        case("2026-11-30", "marriage", (LONGCHUAN, LONGCHUAN)),  # outside the range: not counted
    ]
    r = compute(records, ZIJIN, "2026-12-01", "2026-12-02")
    assert (r["office"], r["from"], r["to"], r["days"]) == (ZIJIN, "2026-12-01", "2026-12-02", 2)
    assert r["cases"] == 4 and r["applicants"] == 7
    assert r["by_business"] == {
        b: {"marriage": 2, "divorce_application": 1, "reissue_certificate": 1}.get(b, 0) for b in BUSINESSES
    }
    # Heyuan counties other than this office's; outside the city and unknown are not "other counties"
    assert r["from_other_counties"] == 3
    assert r["share_from_other_counties"] == round(3 / 7, 4)
    # cases in which no applicant's home is this county (the 全城通办 cases)
    assert r["cross_county_cases"] == 2
    assert r["by_home_county"] == {
        **{c: 0 for c in HEYUAN_COUNTIES},
        ZIJIN: 2,
        LONGCHUAN: 2,
        YUANCHENG: 1,
        "outside_city": 1,
        "unknown": 1,
    }
    assert r["verified_by"] == {"face": 3, "fingerprint": 1, "staff": 2}  # unknown kinds are not counted
    assert r["share_verified_by_machine"] == round(4 / 6, 4)
    first, second = r["by_day"]
    assert first == {
        "date": "2026-12-01",
        "cases": 2,
        "applicants": 4,
        "from_other_counties": 3,
        "cross_county_cases": 1,
        "by_business": {b: {"marriage": 1, "divorce_application": 1}.get(b, 0) for b in BUSINESSES},
    }
    assert (second["cases"], second["applicants"], second["from_other_counties"], second["cross_county_cases"]) == (
        2,
        3,
        0,
        1,
    )


def test_a_quiet_range_reports_zeros_not_errors():
    r = compute([], ZIJIN, "2026-12-01", "2026-12-03")
    assert r["cases"] == r["applicants"] == r["from_other_counties"] == r["cross_county_cases"] == 0
    assert r["share_from_other_counties"] == 0.0 and r["share_verified_by_machine"] == 0.0
    assert [d["date"] for d in r["by_day"]] == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert r["verified_by"] == {"face": 0, "fingerprint": 0, "staff": 0}
    assert set(r["by_home_county"]) == {*HEYUAN_COUNTIES, "outside_city", "unknown"}


def test_a_case_without_home_counties_or_verification_counts_as_a_case():
    r = compute([{"day": "2026-12-01", "business": "archive_query"}], ZIJIN, "2026-12-01", "2026-12-01")
    assert r["cases"] == 1 and r["applicants"] == 0 and r["cross_county_cases"] == 1
    assert r["by_business"]["archive_query"] == 1


def test_every_applicant_verified_by_the_machine_is_a_share_of_one():
    r = compute([case("2026-12-01", verified=("face", "fingerprint"))], ZIJIN, "2026-12-01", "2026-12-01")
    assert r["share_verified_by_machine"] == 1.0
    r = compute([case("2026-12-01", verified=("staff", "staff"))], ZIJIN, "2026-12-01", "2026-12-01")
    assert r["share_verified_by_machine"] == 0.0


def test_two_cases_of_one_business_on_one_day_are_two():
    r = compute([case("2026-12-01"), case("2026-12-01")], ZIJIN, "2026-12-01", "2026-12-01")
    assert r["by_day"][0]["by_business"]["marriage"] == 2 and r["by_business"]["marriage"] == 2
