"""The 全城通办 report: by business, by home county, share from other counties, by day."""

from office.checkins import home_county


def test_home_county_from_address_then_number():
    assert home_county("广东省河源市龙川县老隆镇1号", "441621199001011234") == "441622"
    assert home_county("湖南省长沙市芙蓉区五一大道1号", "441621199001011234") == "outside_city"
    assert home_county("", "441623199001011234") == "441623"
    assert home_county("", "") == "unknown"


def test_report_counts(api, clock):
    b = api.bookings()
    for n in ("01", "02", "03"):  # local couples, slot = now
        assert api.checkin(b[n]).status_code == 201
    clock.set(clock().replace(hour=9, minute=0))
    assert api.checkin(b["05"]).status_code == 201  # two parties from other Heyuan counties
    clock.set(clock().replace(hour=9, minute=30))
    assert api.checkin(b["06"]).status_code == 201  # local + Guangzhou
    api.ticket("record_certificate", parties=[{"id_number": "441624199001011230", "address": "广东省和平县阳明镇1号"}])
    r = api.get("/v1/offices/441621/reports/citywide", **{"from": "2026-11-25", "to": "2026-11-26"}).json()
    assert r["cases"] == 6 and r["days"] == 2
    assert r["by_business"]["marriage"] == 3 and r["by_business"]["divorce_application"] == 1
    assert r["by_business"]["record_certificate"] == 1
    assert r["applicants"] == 11
    assert r["by_home_county"]["441621"] == 7 and r["by_home_county"]["outside_city"] == 1
    assert r["from_other_counties"] == 3
    assert r["share_from_other_counties"] == round(3 / 11, 4)
    assert r["cross_county_cases"] == 2
    assert [d["cases"] for d in r["by_day"]] == [0, 6]


def test_report_ranges(api, bureau):
    empty = api.get("/v1/offices/441621/reports/citywide", **{"from": "2026-01-01", "to": "2026-01-01"})
    assert empty.status_code == 200 and empty.json()["cases"] == 0
    assert empty.json()["share_from_other_counties"] == 0.0 and len(empty.json()["by_day"]) == 1
    reversed_ = api.get("/v1/offices/441621/reports/citywide", **{"from": "2026-11-27", "to": "2026-11-26"})
    assert reversed_.status_code == 400 and reversed_.json()["error"] == "invalid_range"
    garbage = api.get("/v1/offices/441621/reports/citywide", **{"from": "yesterday", "to": "2026-11-26"})
    assert garbage.status_code == 400
    missing = api.get("/v1/offices/441621/reports/citywide")
    assert missing.status_code == 422 and missing.json()["error"] == "invalid_request"
    unknown = bureau.get("/v1/offices/441699/reports/citywide", **{"from": "2026-11-26", "to": "2026-11-26"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_office"
