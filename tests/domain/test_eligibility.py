"""Every rule of the city-wide plan (and the 2025 regulation) accepts and rejects."""

from datetime import date, timedelta

import pytest

from kiosk.domain.dates import RestDays
from kiosk.domain.eligibility import CaseError, DivorceApplication, decide

from .cases import CITYWIDE, CITYWIDE_DAY, NATIONAL, OFFICES, foreigner, hmt, resident

TODAY = CITYWIDE_DAY


def check(office, business, parties, policy=CITYWIDE, day=None, application=None):
    day = day or (TODAY if policy is CITYWIDE else date(2026, 11, 26))
    return decide(policy, OFFICES, office, business, day, parties, application)


# --- marriage and divorce: any county office when one mainland party's hukou is in Heyuan -------------------


@pytest.mark.parametrize("business", ["marriage", "divorce_application"])
@pytest.mark.parametrize("office", sorted(OFFICES))
def test_one_local_party_is_enough_at_any_county_office(business, office):
    d = check(office, business, [resident("441621"), resident("hunan", sex="female")])
    assert d.decision == "accept", d
    assert d.offices == (office,)


def test_both_local_parties_from_other_counties_accepted():
    d = check("441602", "marriage", [resident("441622"), resident("441625", sex="female")])
    assert d.decision == "accept"


@pytest.mark.parametrize("business", ["marriage", "divorce_application"])
def test_no_party_from_the_city_is_refused(business):
    d = check("441621", business, [resident("outside"), resident("hunan", sex="female")])
    assert (d.decision, d.reasons) == ("refuse", ("no_local_hukou",))
    assert "户籍所在地" in d.message["zh"] and "hukou" in d.message["en"]


@pytest.mark.parametrize(
    "other", [hmt(), foreigner(), foreigner(nationality="CHN")], ids=["hmt", "foreigner", "overseas_chinese"]
)
def test_local_mainland_party_with_non_mainland_partner_accepted(other):
    assert check("441623", "marriage", [resident("441621"), other]).decision == "accept"


@pytest.mark.parametrize("other", [hmt(), foreigner()], ids=["hmt", "foreigner"])
def test_non_local_mainland_party_with_non_mainland_partner_refused(other):
    d = check("441623", "marriage", [resident("hunan"), other])
    assert (d.decision, d.reasons) == ("refuse", ("no_local_hukou",))


# --- not across counties: military marriage, re-issue, archive query, record certificate ------------------


def test_military_marriage_at_hukou_office_accepted():
    parties = [resident("441622", military=True), resident("441622", sex="female")]
    assert check("441622", "marriage", parties).decision == "accept"


def test_military_marriage_elsewhere_redirected_to_hukou_office():
    parties = [resident("441622", military=True), resident("hunan", sex="female")]
    d = check("441602", "marriage", parties)
    assert (d.decision, d.reasons, d.offices) == ("redirect", ("military",), ("441622",))
    assert "龙川县婚姻登记处" in d.message["zh"] and OFFICES["441622"].address.en in d.message["en"]


@pytest.mark.parametrize("business", ["reissue_certificate", "archive_query", "record_certificate"])
def test_hukou_office_only_business_accepted_at_hukou_office(business):
    assert check("441624", business, [resident("441624")]).decision == "accept"


@pytest.mark.parametrize("business", ["reissue_certificate", "archive_query", "record_certificate"])
def test_hukou_office_only_business_redirected_elsewhere(business):
    d = check("441602", business, [resident("441624")])
    assert (d.decision, d.reasons, d.offices) == ("redirect", ("hukou_office_only",), ("441624",))


@pytest.mark.parametrize("business", ["reissue_certificate", "archive_query", "record_certificate"])
def test_hukou_office_only_business_refused_without_local_hukou(business):
    assert check("441602", business, [resident("hunan")]).reasons == ("no_local_hukou",)


# --- legal age (Civil Code art. 1047) ------------------------------------------------------------------------


@pytest.mark.parametrize("sex,years", [("male", 22), ("female", 20)])
def test_legal_age_reached_on_the_birthday(sex, years):
    birth = date(TODAY.year - years, TODAY.month, TODAY.day)
    partner = resident("441621", sex="female" if sex == "male" else "male")
    assert check("441621", "marriage", [resident("441621", sex=sex, birth=birth), partner]).decision == "accept"
    day_before = TODAY - timedelta(days=1)
    d = check("441621", "marriage", [resident("441621", sex=sex, birth=birth), partner], day=day_before)
    assert (d.decision, d.reasons) == ("refuse", ("underage",))


def test_a_man_of_21_is_underage_but_a_woman_of_21_is_not():
    man21 = resident("441621", sex="male", birth=date(2003, 1, 1))
    woman21 = resident("441621", sex="female", birth=date(2003, 1, 1))
    assert check("441621", "marriage", [man21, resident(sex="female")]).reasons == ("underage",)
    assert check("441621", "marriage", [resident(), woman21]).decision == "accept"


def test_leap_day_birthday_completes_on_first_of_march():
    birth = date(2004, 2, 29)  # turns 22 in 2026, a common year
    party = resident("441621", sex="male", birth=birth)
    woman = resident(sex="female")
    assert check("441621", "marriage", [party, woman], NATIONAL, date(2026, 2, 28)).reasons == ("underage",)
    assert check("441621", "marriage", [party, woman], NATIONAL, date(2026, 3, 1)).decision == "accept"


def test_age_does_not_matter_for_divorce():
    young = resident("441621", sex="male", birth=date(2004, 1, 1))
    assert check("441621", "divorce_application", [young, resident(sex="female")]).decision == "accept"


# --- documents ---------------------------------------------------------------------------------------------


def test_card_valid_through_its_last_day_and_expired_after():
    assert check("441621", "archive_query", [resident(valid_until=TODAY)]).decision == "accept"
    d = check("441621", "archive_query", [resident(valid_until=TODAY - timedelta(days=1))])
    assert (d.decision, d.reasons) == ("refuse", ("id_expired",))


def test_long_term_card_never_expires():
    assert check("441621", "archive_query", [resident(valid_until="long_term")]).decision == "accept"


def test_wrong_check_character_refused():
    from dataclasses import replace

    good = resident()
    bad = replace(good, id_number=good.id_number[:17] + ("0" if good.id_number[17] != "0" else "1"))
    assert check("441621", "archive_query", [bad]).reasons == ("id_invalid",)


def test_birth_date_or_sex_disagreeing_with_a_valid_number_says_what_disagrees():
    from dataclasses import replace

    d = check("441621", "archive_query", [replace(resident(), birth=date(1991, 1, 1))])
    assert (d.decision, d.reasons) == ("refuse", ("birth_mismatch",))
    assert "出生日期" in d.message["zh"] and "号码无效" not in d.message["zh"] and "birth date" in d.message["en"]
    d = check("441621", "archive_query", [replace(resident(), sex="female")])
    assert (d.decision, d.reasons) == ("refuse", ("sex_mismatch",))
    assert "性别" in d.message["zh"] and "号码无效" not in d.message["zh"] and "sex" in d.message["en"]


# --- hukou county from the address, with the number as a flagged fallback -----------------------------------


def test_address_beats_the_number_after_a_move():
    moved_away = resident("outside", division="441621")  # first registered in Zijin, hukou now in Guangzhou
    d = check("441621", "archive_query", [moved_away])
    assert d.reasons == ("no_local_hukou",)
    moved_in = resident("441622", division="430104")  # born in Changsha, hukou now in Longchuan
    assert check("441622", "archive_query", [moved_in]).decision == "accept"


def test_number_fallback_goes_to_staff_when_it_decides_the_case():
    unclear = resident("441621", address="河源市江东新区临江镇")
    d = check("441602", "archive_query", [unclear])
    assert (d.decision, d.reasons) == ("staff", ("hukou_unclear",))


def test_number_fallback_does_not_matter_when_the_other_party_is_local():
    unclear = resident("441621", address="")
    assert check("441602", "marriage", [unclear, resident("441625", sex="female")]).decision == "accept"


# --- divorce cooling-off (Civil Code art. 1077) ---------------------------------------------------------------


# 2024 as if its notice had no holidays in these months: weekends are the rest days, and the year counts as covered
WEEKENDS_2024 = RestDays(notices={2024: "test: weekends only"})


def _cert(day, office="441621", applied=date(2024, 10, 8), app_office="441621", rest_days=WEEKENDS_2024):
    return decide(
        CITYWIDE,
        OFFICES,
        office,
        "divorce_certificate",
        day,
        [resident(), resident(sex="female")],
        DivorceApplication(applied, app_office),
        rest_days,
    )


def test_cooling_off_then_window():
    applied = date(2024, 10, 8)  # day 30 = Thu 2024-11-07, day 60 = Sat 2024-12-07 → Mon 2024-12-09
    assert _cert(applied).reasons == ("cooling_off",)
    assert _cert(applied + timedelta(days=30)).reasons == ("cooling_off",)
    assert _cert(applied + timedelta(days=31)).decision == "accept"
    assert _cert(date(2024, 12, 9)).decision == "accept"
    late = _cert(date(2024, 12, 10))
    assert (late.decision, late.reasons) == ("refuse", ("window_expired",))
    assert "2024-12-09" in late.message["en"] and "2024-12-09" in late.message["zh"]


def test_certificate_only_at_the_accepting_office():
    d = _cert(date(2024, 11, 20), office="441602")
    assert (d.decision, d.reasons, d.offices) == ("redirect", ("other_office",), ("441621",))
    assert OFFICES["441621"].address.zh in d.message["zh"]


def test_without_the_years_calendar_the_counter_decides_but_the_wrong_office_still_redirects():
    d = _cert(date(2024, 11, 20), rest_days=None)
    assert (d.decision, d.reasons, d.offices) == ("staff", ("holiday_calendar_missing",), ("441621",))
    d = _cert(date(2024, 11, 20), office="441602", rest_days=None)
    assert (d.decision, d.reasons, d.offices) == ("redirect", ("other_office",), ("441621",))


def test_certificate_needs_the_application():
    with pytest.raises(CaseError):
        check("441621", "divorce_certificate", [resident(), resident(sex="female")])


# --- national 2025 regulation: mainland residents anywhere, foreign cases at designated offices --------------


def test_2025_mainland_couple_without_local_hukou_accepted():
    assert (
        check("441621", "marriage", [resident("hunan"), resident("outside", sex="female")], policy=NATIONAL).decision
        == "accept"
    )


def test_2025_foreign_case_goes_to_designated_office():
    d = check("441621", "marriage", [resident("441621"), foreigner()], policy=NATIONAL)
    assert (d.decision, d.reasons, d.offices) == ("redirect", ("designated_office",), ("441602",))
    assert check("441602", "marriage", [resident("hunan"), hmt()], policy=NATIONAL).decision == "accept"


def test_2025_two_foreigners_refused():
    d = check("441602", "marriage", [foreigner(), foreigner(sex="male", number="P7654321")], policy=NATIONAL)
    assert d.reasons == ("no_mainland_party",)


def test_too_many_parties_refused():
    d = check("441621", "archive_query", [resident(), resident(sex="female")])
    assert (d.decision, d.reasons) == ("refuse", ("party_count",))
