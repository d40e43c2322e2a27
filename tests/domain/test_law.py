"""The law in force, rule by rule at its edges: which policy a date falls under, who may apply together, military
divorce, deadlines past rest days (Civil Code art. 203), re-issue, and what each applicant is told."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from kiosk.config import CONFIG_DIR, ConfigError, load_policies
from kiosk.domain.dates import COOLING_OFF_SINCE, CoolingOff, RestDays
from kiosk.domain.eligibility import CaseError, DivorceApplication, decide
from kiosk.domain.party import Party
from kiosk.domain.policy import PolicyNotInForce, check_in_force, in_force

from .cases import (
    CITYWIDE,
    CITYWIDE_DAY,
    HUKOU_2003,
    NATIONAL,
    OFFICES,
    POLICIES,
    REST_DAYS,
    TODAY,
    foreigner,
    hmt,
    id_number,
    resident,
)

OLD_DAY = date(2019, 11, 26)  # a Tuesday under the 2003 regulation


def check(office, business, parties, policy=NATIONAL, day=TODAY, application=None, rest_days=REST_DAYS):
    return decide(policy, OFFICES, office, business, day, parties, application, rest_days)


def couple(him="441621", her="441622", **kw):
    return [resident(him, **kw), resident(her, sex="female")]


# --- 1. the policy in force is chosen by the case's date ---------------------------------------------------------


@pytest.mark.parametrize(
    "day,name",
    [
        (date(2003, 10, 1), "hukou-office-2003"),
        (date(2021, 6, 20), "hukou-office-2003"),
        (date(2021, 6, 21), "heyuan-citywide-2021"),
        (date(2025, 5, 9), "heyuan-citywide-2021"),
        (date(2025, 5, 10), "national-2025"),
        (date(2099, 1, 1), "national-2025"),
    ],
)
def test_policy_in_force_on_each_side_of_each_change(day, name):
    assert in_force(POLICIES, day).name == name


def test_no_policy_before_the_2003_regulation():
    with pytest.raises(PolicyNotInForce) as e:
        in_force(POLICIES, date(2003, 9, 30))
    assert str(e.value) == (
        "no policy is in force on 2003-09-30 (known: hukou-office-2003 from 2003-10-01 to "
        "2021-06-20, heyuan-citywide-2021 from 2021-06-21 to 2025-05-09, national-2025 from "
        "2025-05-10 (open-ended))"
    )


@pytest.mark.parametrize(
    "policy,day",
    [
        (CITYWIDE, date(2021, 6, 20)),
        (CITYWIDE, date(2025, 5, 10)),
        (NATIONAL, date(2025, 5, 9)),
        (HUKOU_2003, date(2021, 6, 21)),
    ],
)
def test_a_named_policy_outside_its_dates_is_not_applied(policy, day):
    with pytest.raises(CaseError, match=f"'{policy.name}' is in force from .* not on {day.isoformat()}"):
        check("441621", "marriage", couple(), policy, day)


@pytest.mark.parametrize(
    "policy,day",
    [
        (CITYWIDE, date(2021, 6, 21)),
        (CITYWIDE, date(2025, 5, 9)),
        (NATIONAL, date(2025, 5, 10)),
        (HUKOU_2003, date(2021, 6, 20)),
    ],
)
def test_a_named_policy_applies_through_its_first_and_last_day(policy, day):
    check_in_force(policy, day)
    assert check("441621", "marriage", couple(), policy, day).decision == "accept"


def test_cross_county_couple_on_the_day_before_the_city_wide_plan_goes_to_a_hukou_office():
    parties = couple("441621", "441622")
    d = check("441602", "marriage", parties, HUKOU_2003, date(2021, 6, 20))
    assert (d.decision, d.reasons, d.offices) == ("redirect", ("hukou_office_only",), ("441621", "441622"))
    assert check("441602", "marriage", parties, CITYWIDE, date(2021, 6, 21)).decision == "accept"


def test_couple_without_heyuan_hukou_is_refused_under_the_2021_plan_and_accepted_from_2025_05_10():
    parties = [resident("hunan"), resident("outside", sex="female")]
    assert check("441621", "marriage", parties, CITYWIDE, date(2025, 5, 9)).reasons == ("no_local_hukou",)
    d = check("441621", "marriage", parties, NATIONAL, date(2025, 5, 10))
    assert (d.decision, d.reasons, d.offices) == ("accept", ("any_office",), ("441621",))


@pytest.mark.parametrize("until", ['effective_until = "2025-05-10"\n', ""], ids=["one-day-overlap", "open-ended"])
def test_overlapping_policy_files_are_a_config_error(tmp_path, until):
    for p in (CITYWIDE, NATIONAL):
        text = (CONFIG_DIR / "policies" / f"{p.name}.toml").read_text()
        (tmp_path / f"{p.name}.toml").write_text(text.replace('effective_until = "2025-05-09"\n', until))
    with pytest.raises(ConfigError, match="overlaps 'national-2025'"):
        load_policies(tmp_path)


def test_a_policy_ending_before_it_starts_is_a_config_error(tmp_path):
    text = (CONFIG_DIR / "policies" / "heyuan-citywide-2021.toml").read_text()
    (tmp_path / "heyuan-citywide-2021.toml").write_text(text.replace('"2025-05-09"', '"2021-06-20"'))
    with pytest.raises(ConfigError, match="effective_until is before effective_from"):
        load_policies(tmp_path)


def test_adjacent_policies_load_in_date_order():
    assert [p.name for p in POLICIES] == ["hukou-office-2003", "heyuan-citywide-2021", "national-2025"]


# --- the 2003 regulation: the office of one party's hukou county ------------------------------------------------


@pytest.mark.parametrize("business", ["marriage", "divorce_application"])
def test_2003_either_partys_hukou_office_accepts_and_others_redirect(business):
    parties = couple("441621", "441622")
    for office in ("441621", "441622"):
        d = check(office, business, parties, HUKOU_2003, OLD_DAY)
        assert (d.decision, d.reasons, d.offices) == ("accept", ("hukou_office",), (office,))
    d = check("441625", business, parties, HUKOU_2003, OLD_DAY)
    assert (d.decision, d.offices) == ("redirect", ("441621", "441622"))


def test_2003_heyuan_resident_with_a_foreigner_at_the_residents_hukou_office():
    assert check("441623", "marriage", [resident("441623"), foreigner()], HUKOU_2003, OLD_DAY).decision == "accept"
    d = check("441602", "marriage", [resident("441623"), foreigner()], HUKOU_2003, OLD_DAY)
    assert (d.decision, d.offices) == ("redirect", ("441623",))


def test_2003_no_heyuan_hukou_is_refused():
    d = check("441602", "marriage", [resident("hunan"), resident("outside", sex="female")], HUKOU_2003, OLD_DAY)
    assert (d.decision, d.reasons) == ("refuse", ("no_local_hukou",))


# --- 2. two different persons, one man and one woman --------------------------------------------------------------


@pytest.mark.parametrize("business", ["marriage", "divorce_application"])
@pytest.mark.parametrize("policy,day", [(NATIONAL, TODAY), (CITYWIDE, CITYWIDE_DAY), (HUKOU_2003, OLD_DAY)])
def test_one_party_alone_cannot_marry_or_divorce(business, policy, day):
    d = check("441621", business, [resident("441621")], policy, day)
    assert (d.decision, d.reasons) == ("refuse", ("party_count",))
    assert "2" in d.message["zh"] and "2" in d.message["en"]


def test_three_parties_cannot_marry():
    d = check("441621", "marriage", couple() + [resident("441625")])
    assert (d.decision, d.reasons) == ("refuse", ("party_count",))


def test_the_same_card_twice_is_not_a_couple():
    him = resident("441621")
    d = check("441621", "marriage", [him, him])
    assert (d.decision, d.reasons) == ("refuse", ("same_person",))
    lower = replace(him, id_number=" " + him.id_number.lower() + " ")
    assert check("441621", "marriage", [him, lower]).reasons == ("same_person",)


def test_same_number_on_different_documents_is_not_the_same_person():
    a = foreigner(sex="male", number="E12345678")
    b = Party("hmt_travel_permit", "E12345678", "", "female", date(1990, 1, 1), "", date(2031, 1, 1))
    assert check("441602", "marriage", [a, b]).reasons == ("no_mainland_party",)


def test_two_documents_without_numbers_are_invalid_not_the_same_person():
    a = Party("passport", "", "", "male", date(1990, 1, 1), "", date(2031, 1, 1), nationality="USA")
    b = Party("passport", "", "", "female", date(1990, 1, 1), "", date(2031, 1, 1), nationality="USA")
    assert check("441602", "marriage", [resident("441621"), b]).reasons == ("id_invalid",)
    assert check("441602", "marriage", [a, b]).reasons == ("id_invalid",)


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("business", ["marriage", "divorce_application"])
def test_two_men_or_two_women_are_refused(sex, business):
    parties = [resident("441621", sex=sex), resident("441622", sex=sex)]
    d = check("441621", business, parties)
    assert (d.decision, d.reasons) == ("refuse", ("same_sex",))
    assert "男女双方" in d.message["zh"] and "a man and a woman" in d.message["en"]


def test_sex_comes_from_the_number_when_the_card_gives_none():
    men = [replace(resident("441621"), sex=None), replace(resident("441622"), sex=None)]
    assert check("441621", "marriage", men).reasons == ("same_sex",)
    mixed = [replace(resident("441621"), sex=None), replace(resident("441622", sex="female"), sex=None)]
    assert check("441621", "marriage", mixed).decision == "accept"


def test_unknown_sex_is_left_to_the_registrar_not_refused():
    passport = Party("passport", "E1", "X", None, date(1990, 1, 1), "", date(2031, 1, 1), nationality="USA")
    d = check("441602", "marriage", [resident("441621"), passport])
    assert d.decision == "accept"


def test_one_man_one_woman_is_accepted_with_their_sexes_from_the_cards():
    d = check("441621", "marriage", [resident("441621"), resident("441622", sex="female")])
    assert d.decision == "accept"


# --- 3. military: divorce too under the 2021 plan ----------------------------------------------------------------


def test_2021_military_divorce_application_goes_to_the_hukou_office():
    parties = [resident("441622", military=True), resident("hunan", sex="female")]
    d = check("441602", "divorce_application", parties, CITYWIDE, CITYWIDE_DAY)
    assert (d.decision, d.reasons, d.offices) == ("redirect", ("military",), ("441622",))
    assert "现役军人" in d.message["zh"] and "divorce" in d.message["en"]
    d = check("441622", "divorce_application", parties, CITYWIDE, CITYWIDE_DAY)
    assert (d.decision, d.reasons) == ("accept", ("hukou_office",))


def test_2021_civilian_divorce_is_city_wide():
    parties = [resident("441622"), resident("hunan", sex="female")]
    assert check("441602", "divorce_application", parties, CITYWIDE, CITYWIDE_DAY).decision == "accept"


def test_2025_military_divorce_at_any_office():
    parties = [resident("441622", military=True), resident("hunan", sex="female")]
    assert check("441602", "divorce_application", parties).decision == "accept"


# --- 4. deadlines that end on a rest day move to the next working day ---------------------------------------------


def _cert(day, applied, rest_days=REST_DAYS, office="441621"):
    return check(
        office, "divorce_certificate", couple(), NATIONAL, day, DivorceApplication(applied, "441621"), rest_days
    )


def test_day_0_and_day_30_are_cooling_off_day_31_and_60_the_window_day_61_expired():
    applied = date(2026, 3, 10)  # day 30 = Thu 2026-04-09, day 60 = Sat 2026-05-09 (a working day: 调休)
    assert _cert(applied, applied).reasons == ("cooling_off",)
    assert _cert(applied + timedelta(days=30), applied).reasons == ("cooling_off",)
    assert _cert(applied + timedelta(days=31), applied).decision == "accept"
    assert _cert(applied + timedelta(days=60), applied).decision == "accept"
    late = _cert(applied + timedelta(days=61), applied)
    assert (late.decision, late.reasons) == ("refuse", ("window_expired",))
    assert late.details["window_closes"] == "2026-05-09"


def test_a_window_ending_on_a_sunday_runs_to_monday():
    applied = date(2026, 6, 9)  # day 30 Thu 2026-07-09; window day 30 = Sun 2026-08-09
    c = CoolingOff(applied, rest_days=REST_DAYS)
    assert (c.cooling_off_ends, c.window_opens, c.window_closes) == (
        date(2026, 7, 9),
        date(2026, 7, 10),
        date(2026, 8, 10),
    )
    assert _cert(date(2026, 8, 10), applied).decision == "accept"
    assert _cert(date(2026, 8, 11), applied).reasons == ("window_expired",)


def test_a_cooling_off_ending_on_a_sunday_runs_to_monday_and_the_window_follows():
    applied = date(2026, 7, 10)  # day 30 = Sun 2026-08-09
    c = CoolingOff(applied, rest_days=REST_DAYS)
    assert (c.cooling_off_ends, c.window_opens) == (date(2026, 8, 10), date(2026, 8, 11))
    assert _cert(date(2026, 8, 10), applied).reasons == ("cooling_off",)
    assert _cert(date(2026, 8, 11), applied).decision == "accept"


def test_cooling_off_ending_on_national_day_2026_runs_past_the_holiday():
    applied = date(2026, 9, 1)  # day 30 = Thu 2026-10-01, 国庆 to 10-07
    d = _cert(date(2026, 10, 8), applied)
    assert (d.decision, d.reasons) == ("refuse", ("cooling_off",))
    assert (d.details["window_opens"], d.details["window_closes"]) == ("2026-10-09", "2026-11-09")
    assert "国办发明电〔2025〕7号" in d.details["rest_days"]
    assert "2026-10-09" in d.message["zh"]
    assert _cert(date(2026, 10, 9), applied).decision == "accept"


def test_a_window_ending_on_national_day_2026_runs_to_the_next_working_day():
    applied = date(2026, 8, 1)  # day 30 Mon 2026-08-31; window day 30 = Wed 2026-09-30 … choose day 60 on 10-01
    c = CoolingOff(date(2026, 8, 2), rest_days=REST_DAYS)  # day 30 Tue 09-01; window day 30 = Thu 10-01 (国庆)
    assert c.window_closes == date(2026, 10, 8)
    assert _cert(date(2026, 10, 8), date(2026, 8, 2)).decision == "accept"
    assert _cert(date(2026, 10, 9), date(2026, 8, 2)).reasons == ("window_expired",)
    assert CoolingOff(applied, rest_days=REST_DAYS).window_closes == date(2026, 9, 30)


def test_an_adjusted_working_weekend_day_does_not_move_a_deadline():
    assert REST_DAYS.last_day(date(2026, 10, 10)) == date(2026, 10, 10)  # Saturday, 调休上班
    assert REST_DAYS.last_day(date(2026, 2, 14)) == date(2026, 2, 14)
    assert REST_DAYS.last_day(date(2026, 10, 11)) == date(2026, 10, 12)  # the Sunday after is a rest day
    assert REST_DAYS.last_day(date(2025, 1, 26)) == date(2025, 1, 26)
    assert REST_DAYS.last_day(date(2025, 10, 8)) == date(2025, 10, 9)  # 2025 国庆/中秋 ends on the 8th


def test_without_a_calendar_weekends_still_move_a_deadline_and_the_note_says_so():
    weekends = RestDays()
    assert weekends.last_day(date(2026, 10, 1)) == date(2026, 10, 1)
    assert weekends.last_day(date(2026, 10, 3)) == date(2026, 10, 5)
    c = CoolingOff(date(2027, 3, 2), rest_days=REST_DAYS)  # day 30 = Thu 04-01, window day 30 = Sat 05-01 → Mon 05-03
    assert (c.window_closes, c.missing_years) == (date(2027, 5, 3), (2027,))
    assert c.calendar_note == "2027: no holiday calendar, weekends only"


def _staff_for_calendar(d, years, office="441621"):
    assert (d.decision, d.reasons, d.offices) == ("staff", ("holiday_calendar_missing",), (office,))
    assert d.details["calendar_missing"] == years
    assert f"本机尚未安装{years}年的节假日安排" in d.message["zh"]
    assert f"The holiday calendar for {years} is not installed" in d.message["en"]


def test_a_deadline_in_a_year_without_a_calendar_goes_to_the_counter_not_to_weekends_alone():
    applied = date(2027, 3, 2)  # weekends alone would accept on 05-03 and refuse on 05-04
    for day in (date(2027, 3, 3), date(2027, 5, 3), date(2027, 5, 4), date(2027, 12, 1)):
        _staff_for_calendar(_cert(day, applied), "2027")


def test_a_window_into_a_year_without_calendar_goes_to_the_counter_and_names_both_years():
    d = _cert(date(2026, 12, 1), date(2026, 11, 20))  # cooling-off ends 2026-12-21, window closes in January 2027
    _staff_for_calendar(d, "2027")
    assert (
        d.details["rest_days"] == "2026: holidays per 国办发明电〔2025〕7号; 2027: no holiday calendar, weekends only"
    )


def test_only_the_deadlines_count_not_the_day_of_application():
    # applied 2024-12-20 (no 2024 calendar): day 30 = 2025-01-19, all deadlines inside the 2025 calendar
    assert CoolingOff(date(2024, 12, 20), rest_days=REST_DAYS).missing_years == ()
    assert CoolingOff(date(2024, 12, 1), rest_days=REST_DAYS).missing_years == (2024,)  # day 30 = 2024-12-31
    # applied 2026-10-30: cooling-off ends 11-30, the window 12-30 (Wed): both in 2026, decided here
    assert CoolingOff(date(2026, 10, 30), rest_days=REST_DAYS).window_closes == date(2026, 12, 30)
    assert _cert(date(2026, 12, 30), date(2026, 10, 30)).decision == "accept"
    assert _cert(date(2026, 12, 31), date(2026, 10, 30)).reasons == ("window_expired",)


def test_a_deadline_moved_across_new_year_into_a_year_without_calendar_goes_to_the_counter():
    # applied 2026-11-01: cooling-off ends Tue 12-01; window day 30 = Thu 12-31 (working) → decided
    assert _cert(date(2026, 12, 31), date(2026, 11, 1)).decision == "accept"
    # a calendar that makes 2026-12-31 a holiday: the deadline moves into 2027, which has none
    eve = RestDays(REST_DAYS.holidays | {date(2026, 12, 31)}, REST_DAYS.working_weekends, REST_DAYS.notices)
    c = CoolingOff(date(2026, 11, 1), rest_days=eve)
    assert (c.window_closes, c.missing_years) == (date(2027, 1, 1), (2027,))
    _staff_for_calendar(_cert(date(2026, 12, 31), date(2026, 11, 1), rest_days=eve), "2027")


def test_a_refusal_that_does_not_hang_on_the_calendar_stays_a_refusal():
    d = check(
        "441621",
        "divorce_certificate",
        couple(valid_until=date(2026, 1, 1)),
        NATIONAL,
        date(2027, 3, 10),
        DivorceApplication(date(2027, 3, 2), "441621"),
    )
    assert (d.decision, d.reasons) == ("refuse", ("id_expired",))


def test_two_years_without_calendar_are_named_as_a_span():
    _staff_for_calendar(_cert(date(2027, 12, 25), date(2027, 11, 20)), "2027–2028")


def test_no_calendar_given_means_the_counter_decides():
    d = _cert(date(2026, 10, 5), date(2026, 9, 1), rest_days=None)
    _staff_for_calendar(d, "2026")
    assert d.details["window_opens"] == "2026-10-02"
    assert d.details["rest_days"] == "2026: no holiday calendar, weekends only"


def test_the_calendar_due_is_this_years_then_from_1_november_next_years():
    assert REST_DAYS.covers(2026) and not REST_DAYS.covers(2027)
    assert REST_DAYS.calendar_missing(date(2026, 10, 31)) is None
    assert REST_DAYS.calendar_missing(date(2026, 11, 1)) == 2027
    assert REST_DAYS.calendar_missing(date(2026, 12, 31)) == 2027
    assert REST_DAYS.calendar_missing(date(2027, 1, 1)) == 2027
    assert REST_DAYS.calendar_missing(date(2025, 11, 1)) is None  # 2026 is there
    assert REST_DAYS.calendar_missing(date(2024, 6, 1)) == 2024
    assert REST_DAYS.missing_years(date(2024, 12, 31), date(2027, 1, 1)) == (2024, 2027)
    assert RestDays().missing_years(date(2026, 1, 1), date(2026, 12, 31)) == (2026,)


def test_a_divorce_application_in_the_future_or_before_the_civil_code_cannot_be_judged():
    with pytest.raises(CaseError, match="^divorce_application date is after the day being checked$"):
        _cert(date(2026, 3, 9), date(2026, 3, 10))
    with pytest.raises(
        CaseError,
        match="^divorce_application 2020-12-31: before 2021-01-01 there was no "
        "cooling-off; the certificate was issued with the application$",
    ):
        check(
            "441621",
            "divorce_certificate",
            couple(),
            HUKOU_2003,
            date(2021, 1, 5),
            DivorceApplication(COOLING_OFF_SINCE - timedelta(days=1), "441621"),
        )
    d = check(
        "441621",
        "divorce_certificate",
        couple(),
        HUKOU_2003,
        date(2021, 1, 5),
        DivorceApplication(COOLING_OFF_SINCE, "441621"),
        RestDays(notices={2021: "test: weekends only"}),
    )
    assert d.reasons == ("cooling_off",)


def test_the_certificate_is_issued_by_the_office_that_took_the_application():
    applied = date(2026, 3, 10)
    d = check(
        "441602", "divorce_certificate", couple(), NATIONAL, date(2026, 4, 20), DivorceApplication(applied, "441625")
    )
    assert (d.decision, d.reasons, d.offices) == ("redirect", ("other_office",), ("441625",))
    assert OFFICES["441625"].address.zh in d.message["zh"]
    d = check(
        "441625", "divorce_certificate", couple(), NATIONAL, date(2026, 4, 20), DivorceApplication(applied, "441625")
    )
    assert (d.decision, d.reasons) == ("accept", ("application_office",))


# --- 5. re-issue -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["441624", "hunan"])
def test_2025_reissue_at_any_office_for_a_mainland_resident(who):
    d = check("441602", "reissue_certificate", [resident(who)])
    assert (d.decision, d.reasons, d.offices) == ("accept", ("any_office",), ("441602",))


def test_2025_reissue_for_both_spouses_at_any_office():
    assert check("441623", "reissue_certificate", couple("hunan", "outside")).decision == "accept"


def test_2025_reissue_with_a_non_mainland_spouse_at_the_designated_office():
    d = check("441621", "reissue_certificate", [resident("441621"), hmt()])
    assert (d.decision, d.reasons, d.offices) == ("redirect", ("designated_office",), ("441602",))


def test_2021_reissue_by_a_couple_from_two_counties_goes_to_either_hukou_office():
    d = check("441602", "reissue_certificate", couple("441621", "441622"), CITYWIDE, CITYWIDE_DAY)
    assert (d.decision, d.reasons, d.offices) == ("redirect", ("hukou_office_only",), ("441621", "441622"))
    assert (
        check("441622", "reissue_certificate", couple("441621", "441622"), CITYWIDE, CITYWIDE_DAY).decision == "accept"
    )
    assert check("441621", "reissue_certificate", [resident("441621")], CITYWIDE, CITYWIDE_DAY).decision == "accept"


@pytest.mark.parametrize("business", ["archive_query", "record_certificate"])
def test_2025_archive_and_record_stay_with_the_hukou_office_for_one_person(business):
    d = check("441602", business, [resident("441624")])
    assert (d.decision, d.offices) == ("redirect", ("441624",))
    assert check("441602", business, couple()).reasons == ("party_count",)


# --- 6. what applicants are told ---------------------------------------------------------------------------------


def test_one_person_without_heyuan_hukou_is_not_told_neither_party():
    d = check("441602", "archive_query", [resident("hunan")])
    assert d.reasons == ("no_local_hukou",)
    assert "双方" not in d.message["zh"] and "您没有河源市户籍" in d.message["zh"]
    assert "Neither" not in d.message["en"] and "You have no Heyuan hukou" in d.message["en"]
    couple_d = check(
        "441602", "marriage", [resident("hunan"), resident("outside", sex="female")], CITYWIDE, CITYWIDE_DAY
    )
    assert "双方均无河源市户籍" in couple_d.message["zh"]


def test_a_couple_with_no_mainland_party_is_told_so_under_the_2021_plan():
    d = check("441602", "marriage", [foreigner(sex="male", number="P1"), hmt()], CITYWIDE, CITYWIDE_DAY)
    assert (d.decision, d.reasons) == ("refuse", ("no_mainland_party",))
    assert "内地居民" in d.message["zh"] and "户籍" not in d.message["zh"]


def test_staff_decisions_send_people_to_this_offices_information_desk_not_another_offices_address():
    unclear = resident("441622", address="河源市江东新区临江镇")
    d = check("441602", "archive_query", [unclear])
    assert (d.decision, d.reasons, d.offices) == ("staff", ("hukou_unclear",), ("441602",))
    # they stand in it: its name is not said as if it were elsewhere
    assert "咨询台" in d.message["zh"] and "information desk" in d.message["en"]
    assert OFFICES["441602"].name.zh not in d.message["zh"]
    assert OFFICES["441622"].address.zh not in d.message["zh"] and OFFICES["441622"].phone not in d.message["en"]
    assert d.details["if_confirmed"] == {"decision": "redirect", "offices": ["441622"]}


def test_heyuan_hukou_with_unknown_county_goes_to_staff():
    city_only = Party(
        "resident_id",
        id_number("441600", date(1990, 5, 1), "male"),
        "张三",
        "male",
        date(1990, 5, 1),
        "河源市江东新区临江镇",
        "long_term",
    )
    d = check("441621", "archive_query", [city_only])
    assert (d.decision, d.reasons, d.offices) == ("staff", ("hukou_unclear",), ("441621",))
    assert OFFICES["441621"].name.zh not in d.message["zh"] and "咨询台" in d.message["zh"]


def test_a_heyuan_address_is_local_only_under_a_policy_whose_area_includes_it():
    zijin_only = CITYWIDE.model_copy(update={"local_area": "441621"})
    parties = [resident("441622"), resident("hunan", sex="female")]
    assert check("441602", "marriage", parties, zijin_only, CITYWIDE_DAY).reasons == ("no_local_hukou",)
    assert (
        check(
            "441602", "marriage", [resident("441621"), resident("hunan", sex="female")], zijin_only, CITYWIDE_DAY
        ).decision
        == "accept"
    )


def test_expired_card_and_underage_are_both_reported_in_order():
    young = resident("441621", birth=date(2006, 1, 1), valid_until=TODAY - timedelta(days=1))
    d = check("441621", "marriage", [young, resident("441622", sex="female")])
    assert d.reasons == ("id_expired", "underage")


def test_reissue_by_three_is_refused_saying_one_or_two():
    d = check("441621", "reissue_certificate", couple() + [resident("441625")])
    assert d.reasons == ("party_count",) and d.details["parties_allowed"] == "1–2"
    assert "1–2" in d.message["zh"] and "1–2" in d.message["en"]


def test_the_designated_office_accepts_non_mainland_cases_and_says_why():
    d = check("441602", "marriage", [resident("hunan"), hmt()])
    assert (d.decision, d.reasons, d.offices) == ("accept", ("designated",), ("441602",))
    assert "指定" in d.message["zh"]


@pytest.mark.parametrize(
    "kw,message",
    [
        (dict(office="999999"), "office '999999'"),
        (dict(business="wedding"), "business 'wedding'"),
        (dict(parties=[]), "^at least one party is needed$"),
    ],
)
def test_cases_that_cannot_be_judged(kw, message):
    args = dict(office="441621", business="marriage", parties=couple()) | kw
    with pytest.raises(CaseError, match=message):
        check(args["office"], args["business"], args["parties"])


def test_a_certificate_case_with_too_few_parties_keeps_all_its_details():
    d = check(
        "441621",
        "divorce_certificate",
        [resident("441621")],
        NATIONAL,
        date(2026, 3, 20),
        DivorceApplication(date(2026, 3, 10), "441621"),
    )
    assert d.reasons == ("party_count", "cooling_off")
    assert d.details["parties_allowed"] == "2" and d.details["window_opens"] == "2026-04-10"


def test_a_divorce_certificate_needs_a_mainland_party_unless_the_policy_says_none():
    hk = [hmt(sex="male"), replace(hmt(), id_number=id_number("820000", date(1992, 3, 3), "female"))]
    app = DivorceApplication(date(2026, 3, 10), "441602")
    assert check("441602", "divorce_certificate", hk, NATIONAL, date(2026, 4, 20), app).reasons == (
        "no_mainland_party",
    )
    rule = NATIONAL.business["divorce_certificate"].model_copy(update={"requires": "none"})
    anyone = NATIONAL.model_copy(update={"business": NATIONAL.business | {"divorce_certificate": rule}})
    assert check("441602", "divorce_certificate", hk, anyone, date(2026, 4, 20), app).decision == "accept"


def test_calendars_together_give_the_rest_days_and_the_years_covered():
    from kiosk.domain.holidays import HolidayCalendar, rest_days_of

    one = HolidayCalendar.model_validate(
        {
            "year": 2030,
            "notice": "TEST-2030",
            "title": "",
            "holidays": [{"name": "x", "from": date(2030, 1, 1), "to": date(2030, 1, 3)}],
            "working_days": [{"date": date(2030, 1, 5), "for": "x"}],
        }
    )
    assert one.days_off() == {date(2030, 1, 1), date(2030, 1, 2), date(2030, 1, 3)}
    rest = rest_days_of([one])
    assert rest.notices == {2030: "TEST-2030"} and rest.covers(2030) and not rest.covers(2031)
    assert rest.holidays == frozenset(one.days_off()) and rest.working_weekends == frozenset({date(2030, 1, 5)})
    assert rest_days_of([]) == RestDays()
    two = rest_days_of(
        [
            one,
            HolidayCalendar.model_validate(
                {
                    "year": 2031,
                    "notice": "TEST-2031",
                    "title": "",
                    "holidays": [{"name": "y", "from": date(2031, 1, 1), "to": date(2031, 1, 1)}],
                    "working_days": [{"date": date(2031, 1, 4), "for": "y"}],
                }
            ),
        ]
    )
    assert two.holidays == frozenset(one.days_off() | {date(2031, 1, 1)})  # every year's, not the last one's
    assert two.working_weekends == frozenset({date(2030, 1, 5), date(2031, 1, 4)})
    assert two.notices == {2030: "TEST-2030", 2031: "TEST-2031"}
